// The roster of names the cards get in turn: pasted, or loaded from a CSV or text file (first column),
// with what was read shown before the batch starts: how many names, the first ones, what was dropped.
import { type ChangeEvent, useId, useState } from 'react';
import { maxLabelLength, type Roster } from '../../cards/roster.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** Larger than any car park's roster; a bigger file is the wrong file. */
const MAX_FILE_BYTES = 1024 * 1024;

export function RosterField(props: {
  text: string;
  onText(text: string): void;
  header: boolean;
  onHeader(header: boolean): void;
  roster: Roster;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [fileProblem, setFileProblem] = useState<string>();
  const { roster } = props;

  async function load(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileProblem(t('cards.roster.fileTooLarge', { name: file.name }));
      return;
    }
    setFileProblem(undefined);
    props.onText(await file.text());
  }

  return (
    <div className="roster" data-testid="roster">
      <div className="field roster-text">
        <label htmlFor={`${id}-text`}>{t('cards.roster.text')}</label>
        <textarea
          id={`${id}-text`}
          value={props.text}
          onChange={(e) => props.onText(e.target.value)}
          className="roster-input"
          rows={5}
          spellCheck={false}
          disabled={props.disabled}
          aria-describedby={`${id}-summary`}
          data-testid="roster-text"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('cards.roster.file')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          onChange={load}
          disabled={props.disabled}
          data-testid="roster-file"
        />
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-header`}
          type="checkbox"
          checked={props.header}
          onChange={(e) => props.onHeader(e.target.checked)}
          disabled={props.disabled}
          data-testid="roster-header"
        />
        <label htmlFor={`${id}-header`}>{t('cards.roster.header')}</label>
      </div>
      <p className="hint" id={`${id}-summary`} data-testid="roster-summary" aria-live="polite">
        {roster.names.length === 0
          ? t('cards.roster.empty')
          : t('cards.roster.summary', {
              count: roster.names.length,
              first: roster.names.slice(0, 3).join(', '),
            })}
        {roster.duplicates > 0 && ` ${t('cards.roster.duplicates', { count: roster.duplicates })}`}
      </p>
      {roster.tooLong.length > 0 && (
        <p className="field-issues" role="alert" data-testid="roster-too-long">
          {t('cards.roster.tooLong', {
            count: roster.tooLong.length,
            max: maxLabelLength,
            first: roster.tooLong[0] ?? '',
          })}
        </p>
      )}
      {fileProblem && (
        <p className="field-issues" role="alert">
          {fileProblem}
        </p>
      )}
    </div>
  );
}
