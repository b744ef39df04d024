// Cards as stored: the raw UID bytes once, plus where they were read and which group they are in.
// Formatting for a box or a CSMS happens elsewhere, per target; the enrollment capability writes here.
import type { Card, CardSource } from '../api/types.ts';
import { notFound } from './constraints.ts';
import type { Store } from './database.ts';

interface CardRow {
  id: number;
  uid: Buffer;
  source: CardSource;
  reader: string | null;
  label: string | null;
  owner: string | null;
  group_id: number | null;
  valid_until: string | null;
  blocked_at: string | null;
  created_at: string;
  updated_at: string;
}

function toCard(row: CardRow): Card {
  return {
    id: row.id,
    uidHex: row.uid.toString('hex').toUpperCase(),
    source: row.source,
    reader: row.reader,
    label: row.label,
    owner: row.owner,
    groupId: row.group_id,
    validUntil: row.valid_until,
    blockedAt: row.blocked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listCards(store: Store, query: { groupId?: number | undefined } = {}): Card[] {
  const rows = (
    query.groupId === undefined
      ? store.db.prepare('SELECT * FROM cards ORDER BY label, id').all()
      : store.db.prepare('SELECT * FROM cards WHERE group_id = ? ORDER BY label, id').all(query.groupId)
  ) as CardRow[];
  return rows.map(toCard);
}

export function getCard(store: Store, id: number): Card {
  const row = store.db.prepare('SELECT * FROM cards WHERE id = ?').get(id) as CardRow | undefined;
  if (!row) throw notFound('card', id);
  return toCard(row);
}
