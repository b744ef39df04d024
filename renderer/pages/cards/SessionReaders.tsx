// The readers a running batch listens to, live: listening, unplugged, or failing with the remedy, so
// a reader pulled out mid-stack is noticed before twenty cards go untapped.
import type { ReaderList } from '../../api/cards-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { asWire } from './BatchTable.tsx';
import type { Notation } from './enroll-draft.ts';
import { WindowNotation } from './ReaderPicker.tsx';

export function SessionReaders(props: {
  ids: string[];
  list: ReaderList | undefined;
  windowTyping: boolean;
  windowNotation: Notation;
  onWindowNotation(value: Notation): void;
  readerName(id: string): string;
}) {
  const { t, describe } = useI18n();
  return (
    <ul className="session-readers" aria-label={t('cards.session.readersLabel')}>
      {props.ids.map((id) => {
        const reader = props.list?.readers.find((r) => r.id === id);
        const state = reader?.state ?? 'missing';
        const fault = reader?.error ? describe(asWire(reader.error)) : undefined;
        return (
          <li key={id} data-testid="session-reader" data-id={id} data-state={state}>
            <span className="reader-label">{props.readerName(id)}</span>{' '}
            <span className={`badge reader-${state}`}>{t(`cards.reader.state.${state}`)}</span>
            {fault && (
              <span className="reader-fault" role="alert">
                <span className="error-message">{fault.message}</span>{' '}
                <span className="error-remedy">{fault.remedy}</span>
              </span>
            )}
            {state === 'missing' && (
              <span className="reader-fault" role="alert">
                {t('cards.session.readerMissing')}
              </span>
            )}
          </li>
        );
      })}
      {props.windowTyping && (
        <li data-testid="session-reader" data-id="window" data-state="open">
          <span className="reader-label">{props.readerName('window')}</span>{' '}
          <span className="badge reader-open">{t('cards.reader.state.open')}</span>{' '}
          <WindowNotation value={props.windowNotation} onChange={props.onWindowNotation} />
        </li>
      )}
    </ul>
  );
}
