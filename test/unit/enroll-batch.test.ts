// The batch table's state: a tap shows once however it arrives (event and answer), a card tapped twice
// lights up its row instead of adding one, undo takes back the newest card, and a reload finds the cards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Card } from '../../main/api/types.ts';
import {
  applyTap,
  emptyBatch,
  removeCard,
  resumeBatch,
  type Tap,
  undoTarget,
} from '../../renderer/cards/batch.ts';

function card(id: number, uidHex: string, label: string, createdAt = '2026-05-04T10:00:00.000Z'): Card {
  return {
    id,
    uidHex,
    source: 'hid',
    reader: 'window-wedge',
    label,
    owner: null,
    groupId: 1,
    validUntil: null,
    blockedAt: null,
    createdAt,
    updatedAt: createdAt,
  };
}

const tap = (c: Card, duplicate = false, at = '2026-05-04T10:00:01.000Z'): Tap => ({
  at,
  reader: 'window-wedge',
  ok: true,
  card: c,
  duplicate,
  flags: [],
});

test('a new card goes on top; the same tap arriving as event and as answer shows once', () => {
  const one = tap(card(1, '04A1B2C3', 'Card-001'));
  const two = tap(card(2, '04A1B2C4', 'Card-002'), false, '2026-05-04T10:00:02.000Z');
  let batch = applyTap(emptyBatch, one);
  batch = applyTap(batch, one);
  batch = applyTap(batch, two);
  batch = applyTap(batch, two);
  assert.deepEqual(
    batch.rows.map((r) => r.card?.label),
    ['Card-002', 'Card-001'],
  );
  assert.equal(batch.enrolled, 2);
  assert.equal(batch.seq, 2);
  assert.deepEqual(batch.last, { key: 'card-2', kind: 'new' });
});

test('a card tapped again adds no row: its row lights up again and the duplicate is counted', () => {
  const first = card(1, '04A1B2C3', 'Card-001');
  let batch = applyTap(emptyBatch, tap(first));
  batch = applyTap(batch, tap(card(2, '04A1B2C4', 'Card-002'), false, '2026-05-04T10:00:02.000Z'));
  const flashBefore = batch.rows.find((r) => r.key === 'card-1')?.flash ?? 0;
  batch = applyTap(batch, tap(first, true, '2026-05-04T10:00:03.000Z'));
  assert.equal(batch.rows.length, 2);
  const row = batch.rows.find((r) => r.key === 'card-1');
  assert.equal(row?.repeats, 1);
  assert.ok((row?.flash ?? 0) > flashBefore);
  assert.deepEqual(batch.last, { key: 'card-1', kind: 'duplicate' });
  assert.deepEqual([batch.enrolled, batch.duplicates], [2, 1]);
});

test('a card enrolled before this batch shows once, as already enrolled, and Undo does not take it', () => {
  const old = card(9, '04000009', 'Card-009');
  let batch = applyTap(emptyBatch, tap(old, true));
  batch = applyTap(batch, tap(old, true, '2026-05-04T10:00:05.000Z'));
  assert.deepEqual(
    batch.rows.map((r) => [r.kind, r.repeats]),
    [['duplicate', 1]],
  );
  assert.equal(undoTarget(batch), undefined);
});

test('a refused tap is an error row of its own each time', () => {
  const bad: Tap = {
    at: '2026-05-04T10:00:01.000Z',
    reader: 'typed',
    ok: false,
    error: { code: 'CARD_UID_INVALID', params: { uid: 'XYZ', reason: 'UID_BAD_CHARACTERS', char: 'X' } },
  };
  let batch = applyTap(emptyBatch, bad);
  batch = applyTap(batch, bad);
  batch = applyTap(batch, { ...bad, at: '2026-05-04T10:00:02.000Z' });
  assert.deepEqual(
    batch.rows.map((r) => r.kind),
    ['error', 'error'],
  );
  assert.equal(batch.errors, 2);
});

test('undo takes back the newest card of the batch, then the one before', () => {
  let batch = applyTap(emptyBatch, tap(card(1, '04A1B2C3', 'Card-001')));
  batch = applyTap(batch, tap(card(2, '04A1B2C4', 'Card-002'), false, '2026-05-04T10:00:02.000Z'));
  assert.equal(undoTarget(batch)?.label, 'Card-002');
  batch = removeCard(batch, 2);
  assert.deepEqual(
    batch.rows.map((r) => r.card?.label),
    ['Card-001'],
  );
  assert.equal(batch.enrolled, 1);
  assert.equal(undoTarget(batch)?.label, 'Card-001');
});

test('after a reload the batch is the cards stored since the session started, newest first', () => {
  const cards = [
    card(1, '04000001', 'Before', '2026-05-04T09:59:59.000Z'),
    card(3, '04000003', 'Card-002', '2026-05-04T10:00:02.000Z'),
    card(2, '04000002', 'Card-001', '2026-05-04T10:00:01.000Z'),
  ];
  const batch = resumeBatch(cards, { startedAt: '2026-05-04T10:00:00.000Z', duplicates: 4, failed: 1 });
  assert.deepEqual(
    batch.rows.map((r) => r.card?.label),
    ['Card-002', 'Card-001'],
  );
  assert.deepEqual([batch.enrolled, batch.duplicates, batch.errors], [2, 4, 1]);
  assert.equal(undoTarget(batch)?.label, 'Card-002');
  assert.equal(batch.last, null, 'nothing sounds or flashes for taps before the reload');
});
