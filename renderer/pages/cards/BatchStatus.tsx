// The big line about the last card, readable from a step away and read out by screen readers, and the
// counters of the batch: enrolled now, already enrolled, refused.
import type { Batch } from '../../cards/batch.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { asWire } from './BatchTable.tsx';
import { uidPairs } from './card-text.ts';

/** `override` replaces the line for a moment ("Card-003 taken back") until the next tap. */
export function BatchStatus(props: { batch: Batch; active: boolean; override?: string | undefined }) {
  const { t, describe } = useI18n();
  const { batch } = props;
  const row = batch.last ? batch.rows.find((r) => r.key === batch.last?.key) : undefined;
  let text: string;
  if (props.override) text = props.override;
  else if (row?.kind === 'error' && row.error) text = describe(asWire(row.error)).message;
  else if (row?.card) {
    const values = { label: row.card.label ?? '', uid: uidPairs(row.card.uidHex) };
    const key = batch.last?.kind === 'new' ? 'cards.status.enrolled' : 'cards.status.duplicate';
    text = t(row.card.label ? key : `${key}.noLabel`, values);
  } else text = t(props.active ? 'cards.status.ready' : 'cards.status.idle');

  return (
    <div className="batch-status">
      <p
        className={`last-card last-${batch.last?.kind ?? 'none'}`}
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="last-card"
        data-kind={batch.last?.kind ?? 'none'}
        data-seq={batch.seq}
      >
        {text}
      </p>
      <dl className="batch-counters" data-testid="batch-counters">
        <div data-testid="count-enrolled">
          <dt>{t('cards.count.enrolled')}</dt>
          <dd>{batch.enrolled}</dd>
        </div>
        <div data-testid="count-duplicates">
          <dt>{t('cards.count.duplicates')}</dt>
          <dd>{batch.duplicates}</dd>
        </div>
        <div data-testid="count-errors">
          <dt>{t('cards.count.errors')}</dt>
          <dd>{batch.errors}</dd>
        </div>
      </dl>
    </div>
  );
}
