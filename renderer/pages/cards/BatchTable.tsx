// The batch being enrolled, newest tap on top: each card once with its label, UID, group, owner,
// validity and reader; a card tapped again lights its row up; a refused tap is a row with the remedy.
import { useEffect, useRef } from 'react';
import type { ErrorCode, WireError } from '../../../main/api/errors.ts';
import type { Group } from '../../../main/api/types.ts';
import type { Batch, BatchRow, CodedValue } from '../../cards/batch.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { dateText, timeText, uidPairs } from './card-text.ts';

/** A coded value from an event as the typed error ErrorNotice renders (message and remedy by code). */
export function asWire(value: CodedValue): WireError {
  return { code: value.code as ErrorCode, params: value.params, message: '', remedy: '', fields: [] };
}

function ErrorCells({ row }: { row: BatchRow }) {
  const { describe } = useI18n();
  if (!row.error) return null;
  const { message, remedy } = describe(asWire(row.error));
  return (
    <td colSpan={5} className="batch-error">
      <p className="error-message">{message}</p>
      {remedy && <p className="error-remedy">{remedy}</p>}
    </td>
  );
}

function Outcome({ row }: { row: BatchRow }) {
  const { t } = useI18n();
  if (row.kind === 'error') return <span className="badge badge-error">{t('cards.batch.error')}</span>;
  if (row.kind === 'duplicate' || row.repeats > 0) {
    return (
      <span className="badge badge-duplicate">
        {row.kind === 'new'
          ? t('cards.batch.tappedAgain', { count: row.repeats })
          : t('cards.batch.alreadyEnrolled')}
      </span>
    );
  }
  return <span className="badge badge-new">{t('cards.batch.enrolled')}</span>;
}

export function BatchTable(props: { batch: Batch; groups: Group[]; readerName(id: string): string }) {
  const { t, language } = useI18n();
  const { batch } = props;
  const body = useRef<HTMLTableSectionElement>(null);
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));

  // The row of the last tap comes into view, also when it is an earlier row lit up again.
  useEffect(() => {
    if (!batch.last) return;
    const row = body.current?.querySelector<HTMLElement>(`tr[data-key="${batch.last.key}"]`);
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [batch.last]);

  return (
    <div className="table-scroll batch-scroll">
      <table data-testid="batch-table" className="batch-table">
        <caption className="visually-hidden">{t('cards.batch.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cards.col.time')}</th>
            <th scope="col">{t('cards.col.label')}</th>
            <th scope="col">{t('cards.col.uid')}</th>
            <th scope="col">{t('cards.col.group')}</th>
            <th scope="col">{t('cards.col.owner')}</th>
            <th scope="col">{t('cards.col.validUntil')}</th>
            <th scope="col">{t('cards.col.reader')}</th>
            <th scope="col">{t('cards.col.result')}</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {batch.rows.length === 0 && (
            <tr>
              <td colSpan={8} className="hint">
                {t('cards.batch.empty')}
              </td>
            </tr>
          )}
          {batch.rows.map((row) => {
            const card = row.card;
            const lit = batch.last?.key === row.key;
            return (
              <tr
                // A new key each time the row is hit again restarts its flash.
                key={`${row.key}:${row.flash}`}
                data-key={row.key}
                data-testid="batch-row"
                data-kind={row.kind}
                data-uid={card?.uidHex}
                data-label={card?.label ?? undefined}
                data-code={row.error?.code}
                data-last={lit ? 'yes' : undefined}
                className={[`batch-${row.kind}`, lit ? 'batch-last' : '', row.flash > 0 ? 'batch-flash' : '']
                  .filter(Boolean)
                  .join(' ')}
              >
                <td>{timeText(row.at, language)}</td>
                {card ? (
                  <>
                    <th scope="row">{card.label ?? ''}</th>
                    <td>
                      <code className="uid-hex">{uidPairs(card.uidHex)}</code>
                      {row.flags.map((f) => (
                        <span key={f.code} className="flag" data-code={f.code}>
                          {t(`cards.flag.${f.code}`, f.params)}
                        </span>
                      ))}
                    </td>
                    <td>{card.groupId === null ? '' : (groupName.get(card.groupId) ?? '')}</td>
                    <td>{card.owner ?? ''}</td>
                    <td>{dateText(card.validUntil, language)}</td>
                  </>
                ) : (
                  <ErrorCells row={row} />
                )}
                <td>{props.readerName(row.reader)}</td>
                <td>
                  <Outcome row={row} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
