// The live trace of the chosen box, or of a serial port or Modbus target the support tools used: history then
// live frames, a filter by action, pause and resume of auto-scroll, the selected frame as JSON, and an export.
import { useEffect, useId, useMemo, useState } from 'react';
import { saveBlob } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { TraceTable } from './TraceTable.tsx';
import { MAX_KEPT, type TraceItem, traceJsonLines, useTrace } from './use-trace.ts';
import { useTracePlaces } from './use-trace-places.ts';

/** Rows rendered at most; the rest stay in memory and go into the export. */
export const MAX_ROWS = 500;
const EVENTS = '\u0000events';

function pretty(frame: string): string {
  try {
    return JSON.stringify(JSON.parse(frame), null, 2);
  } catch {
    return frame;
  }
}

function download(identity: string, items: TraceItem[]) {
  const blob = new Blob([traceJsonLines(items)], { type: 'application/x-ndjson' });
  saveBlob(`trace-${identity}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`, blob);
}

/** The trace of the box, or of a place picked beside it (the box's live and config panels stay the box's);
 *  `offerPlaces` false: the box's alone (a relayed box in the proxy panel). */
export function TraceView({ box, offerPlaces = true }: { box: string | null; offerPlaces?: boolean }) {
  const { t } = useI18n();
  const places = useTracePlaces(offerPlaces);
  const [picked, setPicked] = useState<string | null>(null);
  const id = useId();
  const sources = [
    ...(box === null ? [] : [{ identity: box, label: t('trace.source.box', { identity: box }) }]),
    ...places
      .filter((p) => p.identity !== box)
      .map((p) => ({ identity: p.identity, label: t(`trace.source.${p.kind}`, { place: p.place }) })),
  ];
  const source = sources.find((s) => s.identity === picked)?.identity ?? sources[0]?.identity;
  // What is shown stays shown: a port that appears later (newest first) joins the list without taking over.
  useEffect(() => {
    if (picked === null && source !== undefined) setPicked(source);
  }, [picked, source]);
  if (source === undefined) return null;
  return (
    <section aria-labelledby={`${id}-heading`} className="trace-view" data-testid="trace-view">
      <h3 id={`${id}-heading`}>{t('trace.title')}</h3>
      {places.length > 0 && (
        <div className="toolbar">
          <label htmlFor={`${id}-source`}>{t('trace.source')}</label>
          <select
            id={`${id}-source`}
            value={source}
            onChange={(e) => setPicked(e.target.value)}
            data-testid="trace-source"
          >
            {sources.map((s) => (
              <option key={s.identity} value={s.identity}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <TraceFrames key={source} identity={source} />
    </section>
  );
}

function TraceFrames({ identity }: { identity: string }) {
  const { t } = useI18n();
  const { items, loading, error } = useTrace(identity);
  const [action, setAction] = useState('');
  // While paused the view stays as it was: frames that arrive later wait until the user resumes.
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const paused = pausedAt !== null;
  const [selected, setSelected] = useState<TraceItem | null>(null);
  const id = useId();

  const actions = useMemo(
    () => [...new Set(items.flatMap((i) => (i.frame.action ? [i.frame.action] : [])))].sort(),
    [items],
  );
  const visible = useMemo(
    () => (pausedAt === null ? items : items.filter((i) => pausedAt >= i.seq)),
    [items, pausedAt],
  );
  const waiting = items.length - visible.length;
  const matching = useMemo(
    () =>
      action === ''
        ? visible
        : visible.filter((i) =>
            action === EVENTS ? i.frame.direction === 'event' : i.frame.action === action,
          ),
    [visible, action],
  );
  const shown = matching.length > MAX_ROWS ? matching.slice(-MAX_ROWS) : matching;

  return (
    <div data-testid="trace-frames" data-identity={identity}>
      <div className="toolbar">
        <label htmlFor={`${id}-action`}>{t('trace.filter')}</label>
        <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">{t('trace.filter.all')}</option>
          <option value={EVENTS}>{t('trace.filter.events')}</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="secondary"
          onClick={() => setPausedAt(paused ? null : (items.at(-1)?.seq ?? 0))}
        >
          {paused ? t('trace.resume') : t('trace.pause')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={items.length === 0}
          onClick={() => download(identity, items)}
        >
          {t('trace.export', { count: items.length })}
        </button>
        <output aria-live="polite" className="hint" data-testid="trace-status">
          {loading ? t('trace.loading') : paused ? t('trace.paused') : t('trace.live')}
        </output>
      </div>
      <ErrorNotice error={error} />
      {!loading && items.length === 0 ? (
        <p className="hint">{t('trace.empty')}</p>
      ) : (
        <>
          <p className="hint" data-testid="trace-count">
            {matching.length > MAX_ROWS
              ? t('trace.capped', { shown: MAX_ROWS, count: matching.length })
              : t('trace.count', { count: matching.length })}
            {paused && ` ${t('trace.waiting', { count: waiting })}`}
            {items.length >= MAX_KEPT && ` ${t('trace.kept', { max: MAX_KEPT })}`}
          </p>
          <TraceTable items={shown} selected={selected?.seq ?? null} onSelect={setSelected} paused={paused} />
        </>
      )}
      {selected ? (
        <div className="frame-detail" data-testid="frame-detail">
          <h4>
            {t('trace.frame.heading', {
              direction: t(`trace.direction.${selected.frame.direction}`),
              kind: selected.frame.kind,
              action: selected.frame.action ?? '',
            })}
          </h4>
          <pre data-testid="frame-json">{pretty(selected.frame.frame)}</pre>
        </div>
      ) : (
        items.length > 0 && <p className="hint">{t('trace.frame.none')}</p>
      )}
    </div>
  );
}
