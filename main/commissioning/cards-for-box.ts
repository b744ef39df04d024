// The local list a box should hold: the cards of the template's groups, each with its group's tag as
// parentIdTag / groupIdToken. Until per-box UID formats are learned, the idTag is the UID in upper-case hex.
import { AppError } from '../api/errors.ts';
import type { LocalListEntry } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';

export function cardsForGroups(store: Store, groupNames: string[]): LocalListEntry[] {
  if (groupNames.length === 0) return [];
  const groups = store.db
    .prepare(
      `SELECT id, name, group_id_tag FROM groups WHERE name IN (${groupNames.map(() => '?').join(',')})`,
    )
    .all(...groupNames) as Array<{ id: number; name: string; group_id_tag: string }>;
  const missing = groupNames.filter((n) => !groups.some((g) => g.name.toLowerCase() === n.toLowerCase()));
  if (missing.length > 0) throw new AppError('NOT_FOUND', { entity: 'group', id: missing.join(', ') });
  const rows = store.db
    .prepare(
      `SELECT c.uid, c.valid_until, g.group_id_tag FROM cards c JOIN groups g ON g.id = c.group_id
       WHERE c.group_id IN (${groups.map(() => '?').join(',')}) ORDER BY c.id`,
    )
    .all(...groups.map((g) => g.id)) as Array<{
    uid: Buffer;
    valid_until: string | null;
    group_id_tag: string;
  }>;
  const now = new Date().toISOString();
  return rows.map((r) => ({
    idTag: r.uid.toString('hex').toUpperCase(),
    status: r.valid_until !== null && r.valid_until < now ? 'Expired' : 'Accepted',
    group: r.group_id_tag,
    tokenType: 'ISO14443',
    ...(r.valid_until ? { expiryDate: r.valid_until } : {}),
  }));
}

export function lastPushedList(
  store: Store,
  identity: string,
): { version: number; entries: LocalListEntry[] } | undefined {
  const row = store.db
    .prepare('SELECT version, entries FROM station_local_lists WHERE identity = ?')
    .get(identity) as { version: number; entries: string } | undefined;
  return row ? { version: row.version, entries: JSON.parse(row.entries) as LocalListEntry[] } : undefined;
}

export function savePushedList(
  store: Store,
  identity: string,
  version: number,
  entries: LocalListEntry[],
): void {
  store.write(() =>
    store.db
      .prepare(
        `INSERT INTO station_local_lists (identity, version, entries, pushed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(identity) DO UPDATE SET version = excluded.version, entries = excluded.entries, pushed_at = excluded.pushed_at`,
      )
      .run(identity, version, JSON.stringify(entries), store.now()),
  );
}
