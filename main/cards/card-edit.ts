// Editing a card after enrollment: its label, owner, validity and group, and blocking it. A blocked card
// stays in the store and goes to its boxes as Blocked (the CSMS gets it invalid through the outbox).
import { AppError } from '../api/errors.ts';
import type { Card } from '../api/types.ts';
import { recordAudit } from '../store/audit.ts';
import { getCard } from '../store/cards.ts';
import type { Store } from '../store/database.ts';

/** What an edit changes: a field left out keeps its value, null clears it. */
export interface CardChanges {
  label?: string | null | undefined;
  owner?: string | null | undefined;
  validUntil?: string | null | undefined;
  groupId?: number | null | undefined;
}

function pick<T>(value: T | undefined, before: T): T {
  return value === undefined ? before : value;
}

/** One transaction with its `card.update` audit row; the outbox trigger queues the CSMS's copy in it. */
export function updateCard(store: Store, actor: string, id: number, changes: CardChanges): Card {
  return store.write(() => {
    const before = getCard(store, id);
    const groupId = pick(changes.groupId, before.groupId);
    if (groupId !== null && !store.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(groupId)) {
      throw new AppError('NOT_FOUND', { entity: 'group', id: groupId });
    }
    const label = pick(changes.label, before.label) || null;
    const owner = pick(changes.owner, before.owner) || null;
    const validUntil = pick(changes.validUntil, before.validUntil);
    store.db
      .prepare(
        'UPDATE cards SET label = ?, owner = ?, valid_until = ?, group_id = ?, updated_at = ? WHERE id = ?',
      )
      .run(label, owner, validUntil, groupId, store.now(), id);
    const after = getCard(store, id);
    recordAudit(store, { actor, action: 'card.update', entity: 'card', entityId: id, before, after });
    return after;
  });
}

/** Blocks (blocked true) or unblocks a card; a card already so is returned unchanged, with no audit row. */
export function setCardBlocked(store: Store, actor: string, id: number, blocked: boolean): Card {
  return store.write(() => {
    const before = getCard(store, id);
    if ((before.blockedAt !== null) === blocked) return before;
    const now = store.now();
    store.db
      .prepare('UPDATE cards SET blocked_at = ?, updated_at = ? WHERE id = ?')
      .run(blocked ? now : null, now, id);
    const after = getCard(store, id);
    recordAudit(store, {
      actor,
      action: blocked ? 'card.block' : 'card.unblock',
      entity: 'card',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
