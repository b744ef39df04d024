// Closed user groups: the cards that belong together and the tag that stands for them on a box
// (parentIdTag in OCPP 1.6, groupIdToken in 2.0.1). Writes are audited in the same transaction.
import { AppError } from '../api/errors.ts';
import type { Group } from '../api/types.ts';
import { recordAudit } from './audit.ts';
import { notFound, translateConstraint } from './constraints.ts';
import type { Store } from './database.ts';

interface GroupRow {
  id: number;
  name: string;
  group_id_tag: string;
  card_count: number;
  station_count: number;
  created_at: string;
  updated_at: string;
}

const SELECT = `SELECT g.*, (SELECT count(*) FROM cards c WHERE c.group_id = g.id) AS card_count,
  (SELECT count(*) FROM group_stations gs WHERE gs.group_id = g.id) AS station_count FROM groups g`;

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    groupIdTag: row.group_id_tag,
    cardCount: row.card_count,
    stationCount: row.station_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A tag a box accepts as an OCPP 1.6 idTag (CiString20, printable ASCII) derived from a group name. */
export function defaultGroupIdTag(name: string): string {
  const ascii = name
    // German spelling first (Gäste → GAESTE), then any other accent is dropped (Café → CAFE).
    .replace(/[ÄäÖöÜü]/g, (c) => `${c.normalize('NFD')[0]}E`)
    .replace(/ß/g, 'SS')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x21-\x7e]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .toUpperCase();
  return (ascii || 'GROUP').slice(0, 20);
}

export function listGroups(store: Store): Group[] {
  return (store.db.prepare(`${SELECT} ORDER BY g.name COLLATE NOCASE`).all() as GroupRow[]).map(toGroup);
}

export function getGroup(store: Store, id: number): Group {
  const row = store.db.prepare(`${SELECT} WHERE g.id = ?`).get(id) as GroupRow | undefined;
  if (!row) throw notFound('group', id);
  return toGroup(row);
}

export function createGroup(
  store: Store,
  actor: string,
  input: { name: string; groupIdTag?: string | undefined },
): Group {
  const tag = input.groupIdTag ?? defaultGroupIdTag(input.name);
  return store.write(() => {
    const now = store.now();
    const { lastInsertRowid } = translateConstraint(
      () =>
        store.db
          .prepare('INSERT INTO groups (name, group_id_tag, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(input.name, tag, now, now),
      { entity: 'group', name: `${input.name} (${tag})` },
    );
    const group = getGroup(store, Number(lastInsertRowid));
    recordAudit(store, { actor, action: 'group.create', entity: 'group', entityId: group.id, after: group });
    return group;
  });
}

/** Renames a group or changes its tag; the boxes get the new tag with their next list push. */
export function updateGroup(
  store: Store,
  actor: string,
  id: number,
  input: { name?: string | undefined; groupIdTag?: string | undefined },
): Group {
  return store.write(() => {
    const before = getGroup(store, id);
    const name = input.name ?? before.name;
    const tag = input.groupIdTag ?? before.groupIdTag;
    translateConstraint(
      () =>
        store.db
          .prepare('UPDATE groups SET name = ?, group_id_tag = ?, updated_at = ? WHERE id = ?')
          .run(name, tag, store.now(), id),
      { entity: 'group', name: `${name} (${tag})` },
    );
    const after = getGroup(store, id);
    recordAudit(store, { actor, action: 'group.update', entity: 'group', entityId: id, before, after });
    return after;
  });
}

/**
 * Deletes a group. A group that still has cards is refused (GROUP_HAS_CARDS) unless the caller says
 * 'ungroup': its cards stay enrolled without a group, so they go to no box until they get another.
 * A group allowed on boxes is refused (GROUP_ON_BOXES) unless the caller says 'detach'.
 */
export function deleteGroup(
  store: Store,
  actor: string,
  id: number,
  cards: 'refuse' | 'ungroup',
  boxes: 'refuse' | 'detach' = 'refuse',
): { ungrouped: number } {
  return store.write(() => {
    const before = getGroup(store, id);
    if (before.cardCount > 0 && cards === 'refuse') {
      throw new AppError('GROUP_HAS_CARDS', { name: before.name, count: before.cardCount });
    }
    if (before.stationCount > 0 && boxes === 'refuse') {
      throw new AppError('GROUP_ON_BOXES', { name: before.name, count: before.stationCount });
    }
    const stations = (
      store.db
        .prepare(
          'SELECT s.identity FROM group_stations gs JOIN stations s ON s.id = gs.station_id WHERE gs.group_id = ? ORDER BY s.identity',
        )
        .all(id) as Array<{ identity: string }>
    ).map((s) => s.identity);
    const { changes } = store.db
      .prepare('UPDATE cards SET group_id = NULL, updated_at = ? WHERE group_id = ?')
      .run(store.now(), id);
    store.db.prepare('DELETE FROM groups WHERE id = ?').run(id);
    recordAudit(store, {
      actor,
      action: 'group.delete',
      entity: 'group',
      entityId: id,
      before: { ...before, stations },
      after: { ungrouped: changes },
    });
    return { ungrouped: changes };
  });
}
