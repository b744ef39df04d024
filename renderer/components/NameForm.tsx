// A one-field form to create something by name (a site, a group): Enter submits, errors show under
// it, and the field keeps its text until the core confirms the write.
import { type FormEvent, useId, useState } from 'react';
import { useAction } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

export function NameForm(props: {
  labelKey: string;
  submitKey: string;
  onSubmit(name: string): Promise<unknown>;
  testId: string;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await run(() => props.onSubmit(name))) setName('');
  }

  return (
    <form className="name-form" onSubmit={submit} data-testid={props.testId}>
      <label htmlFor={id}>{t(props.labelKey)}</label>
      <input
        id={id}
        value={name}
        onChange={(e) => setName(e.target.value)}
        disabled={busy}
        autoComplete="off"
      />
      <button type="submit" disabled={busy}>
        {t(props.submitKey)}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
