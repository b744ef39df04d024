// Edits one configuration key of a box: the new value (masked for write-only keys, whose old value
// the tool never has), Apply sends it with config.set, and the box's answer is shown and explained.
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { ConfigEntry, SettingResult } from '../../../main/ocpp/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function SettingEditor(props: {
  identity: string;
  entry: ConfigEntry;
  onApplied(results: SettingResult[]): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const { entry } = props;
  const [value, setValue] = useState(entry.writeOnly ? '' : (entry.value ?? ''));
  const { busy, error, run } = useAction();
  const [results, setResults] = useState<SettingResult[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const choices = entry.valuesList?.split(',').map((v) => v.trim()) ?? [];

  useEffect(() => input.current?.focus(), []);

  async function apply(event: FormEvent) {
    event.preventDefault();
    setResults([]);
    await run(async () => {
      const answer = await api.call('config.set', {
        identity: props.identity,
        changes: [{ key: entry.key, value }],
      });
      setResults(answer);
      props.onApplied(answer);
    });
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose();
    }
  }

  return (
    <form className="setting-editor" onSubmit={apply} onKeyDown={onKeyDown} data-testid="setting-editor">
      <div className="field">
        <label htmlFor={`${id}-value`}>{t('config.edit.value', { key: entry.key })}</label>
        <input
          ref={input}
          id={`${id}-value`}
          type={entry.writeOnly ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          list={choices.length > 0 ? `${id}-choices` : undefined}
          readOnly={busy}
          aria-describedby={`${id}-help`}
        />
        {choices.length > 0 && (
          <datalist id={`${id}-choices`}>
            {choices.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        )}
      </div>
      <button type="submit" disabled={busy}>
        {busy ? t('config.edit.applying') : t('config.edit.apply')}
      </button>
      <button type="button" className="secondary" onClick={props.onClose}>
        {t('config.edit.close')}
      </button>
      <p id={`${id}-help`} className="hint field-help">
        {entry.writeOnly ? t('config.edit.writeOnlyHelp') : t('config.edit.help')}
      </p>
      <ErrorNotice error={error} />
      <output aria-live="polite" className="setting-results" data-testid="setting-results">
        {results.map((r) => (
          <span key={r.key} className={`setting-result status-${r.status}`} data-status={r.status}>
            <strong>{t(`config.status.${r.status}`)}</strong> {t(`config.status.${r.status}.help`)}
          </span>
        ))}
      </output>
    </form>
  );
}
