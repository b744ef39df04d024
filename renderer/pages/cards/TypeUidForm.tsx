// A UID typed by hand (printed on the card, read off a box's log) enrolled into the running batch,
// with the notation when digits alone could be hex or decimal. The answer shows in the batch like a tap.
import { type FormEvent, useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Notation } from './enroll-draft.ts';

export function TypeUidForm(props: {
  disabled: boolean;
  onTap(uid: string, notation: Notation): Promise<boolean>;
}) {
  const { t } = useI18n();
  const id = useId();
  const [uid, setUid] = useState('');
  const [notation, setNotation] = useState<Notation>('auto');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (uid.trim() === '') return;
    setBusy(true);
    // The field keeps the text when the tap failed, so a typo can be fixed rather than retyped.
    if (await props.onTap(uid.trim(), notation)) setUid('');
    setBusy(false);
  }

  return (
    <form className="type-uid" onSubmit={submit} data-testid="type-uid-form">
      <div className="field">
        <label htmlFor={`${id}-uid`}>{t('cards.typed.label')}</label>
        <input
          id={`${id}-uid`}
          className="uid-input"
          value={uid}
          onChange={(e) => setUid(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          maxLength={80}
          aria-describedby={`${id}-help`}
          disabled={props.disabled}
          data-testid="type-uid"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-notation`}>{t('cards.typed.notation')}</label>
        <select
          id={`${id}-notation`}
          value={notation}
          onChange={(e) => setNotation(e.target.value as Notation)}
          disabled={props.disabled}
          data-testid="type-uid-notation"
        >
          <option value="auto">{t('cards.typed.notation.auto')}</option>
          <option value="hex">{t('cards.typed.notation.hex')}</option>
          <option value="decimal">{t('cards.typed.notation.decimal')}</option>
        </select>
      </div>
      <button
        type="submit"
        disabled={props.disabled || busy || uid.trim() === ''}
        data-testid="type-uid-submit"
      >
        {t('cards.typed.submit')}
      </button>
      <span className="hint field-help" id={`${id}-help`}>
        {t('cards.typed.help')}
      </span>
    </form>
  );
}
