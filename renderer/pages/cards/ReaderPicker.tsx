// Which readers the batch listens to: every reader present (kind and state in words, its fault with the
// remedy), why a kind of reader cannot be listed (PC/SC service down), and the window's own typing.
import { useId } from 'react';
import type { ReaderList, ReaderRow } from '../../api/cards-hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { asWire } from './BatchTable.tsx';
import type { Notation } from './enroll-draft.ts';

/** How the keyboard reader types UIDs; changeable mid-batch when its digits turn out ambiguous. */
export function WindowNotation(props: { value: Notation; onChange(value: Notation): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <span className="window-notation">
      <label htmlFor={id}>{t('cards.reader.window.notation')}</label>{' '}
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as Notation)}
        data-testid="window-notation"
      >
        <option value="auto">{t('cards.typed.notation.auto')}</option>
        <option value="hex">{t('cards.typed.notation.hex')}</option>
        <option value="decimal">{t('cards.typed.notation.decimal')}</option>
      </select>
    </span>
  );
}

function ReaderFault({ reader }: { reader: ReaderRow }) {
  const { describe } = useI18n();
  if (!reader.error) return null;
  const { message, remedy } = describe(asWire(reader.error));
  return (
    <span className="reader-fault" data-code={reader.error.code}>
      <span className="error-message">{message}</span> <span className="error-remedy">{remedy}</span>
    </span>
  );
}

export function ReaderPicker(props: {
  list: ReaderList | undefined;
  selected: ReadonlySet<string>;
  onToggle(id: string): void;
  windowTyping: boolean;
  onWindowTyping(on: boolean): void;
  windowNotation: Notation;
  onWindowNotation(value: Notation): void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const readers = props.list?.readers ?? [];
  const problems = props.list?.problems ?? [];
  return (
    <fieldset className="reader-picker" data-testid="reader-picker" disabled={props.disabled}>
      <legend>{t('cards.readers.legend')}</legend>
      {props.list && readers.length === 0 && <p className="hint">{t('cards.readers.none')}</p>}
      <ul className="readers">
        {readers.map((reader) => (
          <li key={reader.id} data-testid="reader" data-id={reader.id} data-state={reader.state}>
            <label className="reader-choice">
              <input
                type="checkbox"
                checked={props.selected.has(reader.id)}
                onChange={() => props.onToggle(reader.id)}
                data-testid={`reader-${reader.id}`}
              />
              <span className="reader-label">{reader.label}</span>
            </label>{' '}
            <span className="hint">{t(`cards.reader.kind.${reader.kind}`)}</span>{' '}
            <span className={`badge reader-${reader.state}`}>{t(`cards.reader.state.${reader.state}`)}</span>
            {reader.unverified && <span className="hint"> {t('cards.reader.unverified')}</span>}
            <ReaderFault reader={reader} />
          </li>
        ))}
        <li data-testid="reader-window">
          <label className="reader-choice">
            <input
              type="checkbox"
              checked={props.windowTyping}
              onChange={(e) => props.onWindowTyping(e.target.checked)}
              aria-describedby="window-typing-help"
              data-testid="window-typing"
            />
            <span className="reader-label">{t('cards.reader.window')}</span>
          </label>{' '}
          {props.windowTyping && (
            <WindowNotation value={props.windowNotation} onChange={props.onWindowNotation} />
          )}
          <span className="hint field-help" id="window-typing-help">
            {t('cards.reader.window.help')}
          </span>
        </li>
      </ul>
      {problems.map((p) => (
        <div
          key={`${p.kind}:${p.code}`}
          className="reader-problem"
          data-testid="reader-problem"
          data-kind={p.kind}
        >
          <p className="problem-kind">{t(`cards.reader.kind.${p.kind}`)}</p>
          <ErrorNotice error={asWire(p)} />
        </div>
      ))}
    </fieldset>
  );
}
