// A one-field form to create something by name (a site, a group): Enter submits, errors show under
// it, and the field keeps its text until the core confirms the write.
import { type FormEvent, useId, useRef, useState } from 'react';
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
  // A second Enter while the write is on its way must not send the name twice; the ref sees it at once,
  // before React has drawn the busy state.
  const sending = useRef(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    try {
      if (await run(() => props.onSubmit(name))) setName('');
    } finally {
      sending.current = false;
    }
  }

  // Read-only and aria-disabled while busy, never disabled: a disabled control loses the focus to the
  // page body, and a keyboard user adding several names would have to find the field again each time.
  return (
    <form className="name-form" onSubmit={submit} data-testid={props.testId} aria-busy={busy}>
      <label htmlFor={id}>{t(props.labelKey)}</label>
      <input
        id={id}
        value={name}
        onChange={(e) => setName(e.target.value)}
        readOnly={busy}
        autoComplete="off"
        data-testid={`${props.testId}-name`}
      />
      <button type="submit" aria-disabled={busy}>
        {t(props.submitKey)}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
