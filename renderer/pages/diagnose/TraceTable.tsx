// The rows of the live trace as one keyboard stop: arrow keys, Home/End and Page keys move the
// selection, the mouse selects too. New rows scroll into view unless auto-scroll is paused.
import { type KeyboardEvent, memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { TraceFrame } from '../../../main/ocpp/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { knownText } from '../../i18n/known-text.ts';
import type { TraceItem } from './use-trace.ts';

const moves: Record<string, (index: number, last: number) => number> = {
  ArrowDown: (i) => i + 1,
  ArrowUp: (i) => i - 1,
  PageDown: (i) => i + 20,
  PageUp: (i) => i - 20,
  Home: () => 0,
  End: (_i, last) => last,
};

/** One row; memoised, so a batch of new frames renders only the new rows. */
const TraceRow = memo(function TraceRow(props: {
  item: TraceItem;
  selected: boolean;
  time: Intl.DateTimeFormat;
  direction: string;
  kind: string;
  onSelect(item: TraceItem): void;
}) {
  const { item, selected } = props;
  const f = item.frame;
  return (
    <tr
      id={`trace-row-${item.seq}`}
      aria-selected={selected}
      className={`dir-${f.direction} kind-${f.kind}${selected ? ' selected' : ''}`}
      data-action={f.action ?? ''}
      data-kind={f.kind}
      data-side={f.side ?? ''}
      onClick={() => props.onSelect(item)}
    >
      <td>
        <time dateTime={f.at}>{props.time.format(new Date(f.at))}</time>
      </td>
      <td>{props.direction}</td>
      <td>{props.kind}</td>
      <td>{f.action ?? ''}</td>
    </tr>
  );
});

function sideText(sides: Record<string, string>, f: TraceFrame): string | undefined {
  if (!f.side || f.direction === 'event') return undefined;
  return f.side === 'tool' ? sides[`tool-${f.direction}`] : sides[f.side];
}

export function TraceTable(props: {
  items: TraceItem[];
  selected: number | null;
  onSelect(item: TraceItem): void;
  paused: boolean;
}) {
  const { t, language } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const { items, selected, paused } = props;
  const time = useMemo(
    () =>
      new Intl.DateTimeFormat(language, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        fractionalSecondDigits: 3,
        hour12: false,
      }),
    [language],
  );
  const directions = useMemo(
    () => ({ in: t('trace.direction.in'), out: t('trace.direction.out'), event: t('trace.direction.event') }),
    [t],
  );
  // A relayed frame (proxy mode) says who sent it: the box, the company CSMS or the tool itself.
  const sides = useMemo(
    () => ({
      box: t('proxy.side.box'),
      csms: t('proxy.side.csms'),
      'tool-out': t('proxy.ui.side.toolToBox'),
      'tool-in': t('proxy.ui.side.boxToTool'),
    }),
    [t],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && !paused && items.length > 0) el.scrollTop = el.scrollHeight;
  }, [items, paused]);

  useEffect(() => {
    if (selected !== null)
      document.getElementById(`trace-row-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  function onKeyDown(event: KeyboardEvent) {
    const move = moves[event.key];
    if (!move || items.length === 0) return;
    event.preventDefault();
    const last = items.length - 1;
    const index = items.findIndex((i) => i.seq === selected);
    const from = index === -1 ? (event.key === 'ArrowUp' ? items.length : -1) : index;
    const target = items[Math.max(0, Math.min(last, move(from, last)))];
    if (target) props.onSelect(target);
  }

  return (
    <div className="table-scroll trace-scroll" ref={scroller}>
      <table
        className="trace"
        data-testid="trace-table"
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA grid pattern (one tab stop, arrow keys pick a row)
        role="grid"
        tabIndex={0}
        aria-label={t('trace.table.label')}
        aria-activedescendant={selected !== null ? `trace-row-${selected}` : undefined}
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr>
            <th scope="col">{t('trace.time')}</th>
            <th scope="col">{t('trace.direction')}</th>
            <th scope="col">{t('trace.kind')}</th>
            <th scope="col">{t('trace.action')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <TraceRow
              key={item.seq}
              item={item}
              selected={item.seq === selected}
              time={time}
              direction={sideText(sides, item.frame) ?? directions[item.frame.direction]}
              kind={knownText(t, 'trace.kinds', item.frame.kind)}
              onSelect={props.onSelect}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
