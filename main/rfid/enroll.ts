// Enrolling a card: the UID as read or typed becomes a stored card in one transaction (with its audit
// row) before anything shows it; a card tapped twice is enrolled once and the existing card is returned.
import { AppError } from '../api/errors.ts';
import type { Card, CardSource } from '../api/types.ts';
import { recordAudit } from '../store/audit.ts';
import { getCard } from '../store/cards.ts';
import type { Store } from '../store/database.ts';
import { parseUid, type UidFlag } from './uid.ts';

export interface EnrollRequest {
  uid: string;
  source: CardSource;
  reader?: string | undefined;
  notation?: 'auto' | 'hex' | 'decimal' | undefined;
  groupId?: number | undefined;
  /** A fixed label, or a pattern whose run of # is the next free number: "Fleet-###" → Fleet-001. */
  label?: string | undefined;
  owner?: string | undefined;
  validUntil?: string | undefined;
}

export interface EnrollResult {
  card: Card;
  /** True when this card was enrolled before: nothing was written, the existing card is returned. */
  duplicate: boolean;
  flags: UidFlag[];
}

/** The next label of a pattern such as "Fleet-###": one more than the highest number in use. */
export function nextLabel(store: Store, pattern: string): string {
  const run = /#+/.exec(pattern);
  if (!run) return pattern;
  const [before, after] = [pattern.slice(0, run.index), pattern.slice(run.index + run[0].length)];
  const rows = store.db
    .prepare('SELECT label FROM cards WHERE label LIKE ?')
    .all(`${before}%${after}`) as Array<{ label: string }>;
  let highest = 0;
  for (const { label } of rows) {
    const middle = label.slice(before.length, label.length - after.length);
    if (/^\d+$/.test(middle)) highest = Math.max(highest, Number(middle));
  }
  return `${before}${String(highest + 1).padStart(run[0].length, '0')}${after}`;
}

export function enrollCard(store: Store, actor: string, request: EnrollRequest): EnrollResult {
  const parsed = parseUid(request.uid, {
    source: request.source,
    readerId: request.reader ?? null,
    notation: request.notation ?? 'auto',
  });
  if (!parsed.ok) {
    throw new AppError('CARD_UID_INVALID', {
      ...parsed.params,
      uid: request.uid.slice(0, 40),
      reason: parsed.code,
    });
  }
  const bytes = Buffer.from(parsed.value.bytes);
  return store.write(() => {
    const existing = store.db.prepare('SELECT id FROM cards WHERE uid = ?').get(bytes) as
      | { id: number }
      | undefined;
    if (existing) return { card: getCard(store, existing.id), duplicate: true, flags: parsed.flags };
    if (
      request.groupId !== undefined &&
      !store.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(request.groupId)
    ) {
      throw new AppError('NOT_FOUND', { entity: 'group', id: request.groupId });
    }
    const now = store.now();
    const label = request.label ? nextLabel(store, request.label) : null;
    const info = store.db
      .prepare(
        'INSERT INTO cards (uid, source, reader, label, owner, group_id, valid_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        bytes,
        request.source,
        request.reader ?? null,
        label,
        request.owner ?? null,
        request.groupId ?? null,
        request.validUntil ?? null,
        now,
        now,
      );
    const card = getCard(store, Number(info.lastInsertRowid));
    recordAudit(store, { actor, action: 'card.enroll', entity: 'card', entityId: card.id, after: card });
    return { card, duplicate: false, flags: parsed.flags };
  });
}

/** Undo of an enrollment (or removal of a card): the row goes, its audit row keeps what it was. */
export function deleteCard(store: Store, actor: string, id: number): void {
  store.write(() => {
    const before = getCard(store, id);
    store.db.prepare('DELETE FROM cards WHERE id = ?').run(id);
    recordAudit(store, { actor, action: 'card.delete', entity: 'card', entityId: id, before });
  });
}
