// One enrollment batch as the screen shows it: a row per card (newest first), error rows, the counters
// and what Undo takes back. Pure state transitions, so the same tap delivered twice is shown once.
import type { Card, TapOutcome } from '../../main/api/types.ts';

export interface CodedValue {
  code: string;
  params: Record<string, string | number>;
}

/** What the core says about one tap (the cards.tapped event, or the answer of enrollment.tap). */
export type Tap = TapOutcome;

export type RowKind = 'new' | 'duplicate' | 'error';

export interface BatchRow {
  /** Stable per card ("card-12") or per error ("error-3"). */
  key: string;
  kind: RowKind;
  at: string;
  reader: string;
  card?: Card;
  flags: CodedValue[];
  error?: CodedValue;
  /** Taps of this card after it was first shown in the batch. */
  repeats: number;
  /** Goes up with every tap that lands on this row, so its flash plays again. */
  flash: number;
}

export interface Batch {
  rows: BatchRow[];
  enrolled: number;
  duplicates: number;
  errors: number;
  /** The row the last tap landed on, and what it was. */
  last: { key: string; kind: RowKind } | null;
  /** Goes up with every tap shown: a change means "sound and flash now". */
  seq: number;
  /** Ids of cards enrolled in this batch, oldest first: Undo takes the last one. */
  undoable: number[];
  /** Taps already shown (event and answer of one tap carry the same one). */
  seen: string[];
  errorCount: number;
}

export const emptyBatch: Batch = {
  rows: [],
  enrolled: 0,
  duplicates: 0,
  errors: 0,
  last: null,
  seq: 0,
  undoable: [],
  seen: [],
  errorCount: 0,
};

/** One tap, whichever way it reached the screen. */
export function tapKey(tap: Tap): string {
  return tap.ok
    ? `${tap.at}|${tap.reader}|card-${tap.card.id}|${tap.duplicate}`
    : `${tap.at}|${tap.reader}|${tap.error.code}|${JSON.stringify(tap.error.params)}`;
}

/** How many taps are remembered for de-duplication: far more than arrive between event and answer. */
const SEEN_LIMIT = 200;

/** The row a card's first tap in this batch makes, lit up once. */
function cardRow(tap: Extract<Tap, { ok: true }>, kind: 'new' | 'duplicate'): BatchRow {
  return {
    key: `card-${tap.card.id}`,
    kind,
    at: tap.at,
    reader: tap.reader,
    card: tap.card,
    flags: tap.flags,
    repeats: 0,
    flash: 1,
  };
}

export function applyTap(batch: Batch, tap: Tap): Batch {
  const key = tapKey(tap);
  if (batch.seen.includes(key)) return batch;
  const seen = [...batch.seen.slice(-SEEN_LIMIT + 1), key];
  const seq = batch.seq + 1;
  if (!tap.ok) {
    const errorCount = batch.errorCount + 1;
    const row: BatchRow = {
      key: `error-${errorCount}`,
      kind: 'error',
      at: tap.at,
      reader: tap.reader,
      flags: [],
      error: tap.error,
      repeats: 0,
      flash: 1,
    };
    return {
      ...batch,
      rows: [row, ...batch.rows],
      errors: batch.errors + 1,
      errorCount,
      last: { key: row.key, kind: 'error' },
      seq,
      seen,
    };
  }
  const rowKey = `card-${tap.card.id}`;
  const existing = batch.rows.find((r) => r.key === rowKey);
  if (tap.duplicate) {
    // Already enrolled: never a second row. The row it has (if this batch shows it) lights up again.
    const rows = existing
      ? batch.rows.map((r) =>
          r.key === rowKey ? { ...r, repeats: r.repeats + 1, flash: r.flash + 1, card: tap.card } : r,
        )
      : [cardRow(tap, 'duplicate'), ...batch.rows];
    return {
      ...batch,
      rows,
      duplicates: batch.duplicates + 1,
      last: { key: rowKey, kind: 'duplicate' },
      seq,
      seen,
    };
  }
  return {
    ...batch,
    rows: [cardRow(tap, 'new'), ...batch.rows.filter((r) => r.key !== rowKey)],
    enrolled: batch.enrolled + 1,
    undoable: [...batch.undoable.filter((id) => id !== tap.card.id), tap.card.id],
    last: { key: rowKey, kind: 'new' },
    seq,
    seen,
  };
}

/** The card Undo would take back, if any. */
export function undoTarget(batch: Batch): Card | undefined {
  const id = batch.undoable.at(-1);
  return batch.rows.find((r) => r.key === `card-${id}`)?.card;
}

/** The card is gone from the store (Undo here, or deleted elsewhere): its row and count go too. */
export function removeCard(batch: Batch, cardId: number): Batch {
  const rowKey = `card-${cardId}`;
  const row = batch.rows.find((r) => r.key === rowKey);
  if (!row) return batch;
  return {
    ...batch,
    rows: batch.rows.filter((r) => r.key !== rowKey),
    enrolled: row.kind === 'new' ? batch.enrolled - 1 : batch.enrolled,
    undoable: batch.undoable.filter((id) => id !== cardId),
    last: batch.last?.key === rowKey ? null : batch.last,
  };
}

/**
 * The batch of a session that was running before this page loaded (a reload, a second window): the
 * core keeps its counters, and its cards are those stored since it started. Stored before shown, so
 * nothing of it is lost; which taps were duplicates or refused is only counted.
 */
export function resumeBatch(
  cards: Card[],
  session: { startedAt: string; duplicates: number; failed: number },
): Batch {
  const since = Date.parse(session.startedAt);
  const mine = cards
    .filter((c) => Date.parse(c.createdAt) >= since)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id);
  const rows: BatchRow[] = mine.reverse().map((card) => ({
    key: `card-${card.id}`,
    kind: 'new',
    at: card.createdAt,
    reader: card.reader ?? card.source,
    card,
    flags: [],
    repeats: 0,
    flash: 0,
  }));
  return {
    ...emptyBatch,
    rows,
    enrolled: rows.length,
    duplicates: session.duplicates,
    errors: session.failed,
    undoable: rows.map((r) => r.card?.id ?? 0).reverse(),
  };
}
