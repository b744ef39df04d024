// Which closed user groups are allowed on which boxes, and which site a box stands on: together they
// decide the local list of every box. Each change is one transaction with its audit row.
import { AppError } from '../api/errors.ts';
import type { Station } from '../api/types.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { getGroup } from '../store/groups.ts';
import { listStations } from '../store/stations.ts';

function identitiesOf(store: Store, ids: number[]): string[] {
  if (ids.length === 0) return [];
  return (
    store.db
      .prepare(
        `SELECT identity FROM stations WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY identity`,
      )
      .all(...ids) as Array<{ identity: string }>
  ).map((r) => r.identity);
}

function checkStations(store: Store, ids: number[]): void {
  const known = new Set(
    ids.length === 0
      ? []
      : (
          store.db
            .prepare(`SELECT id FROM stations WHERE id IN (${ids.map(() => '?').join(',')})`)
            .all(...ids) as Array<{ id: number }>
        ).map((r) => r.id),
  );
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', { entity: 'station', id: missing.join(', ') });
}

/** The boxes a group is allowed on, replaced by this set; returns the new set (station ids, ascending). */
export function setGroupStations(
  store: Store,
  actor: string,
  groupId: number,
  stationIds: number[],
): { groupId: number; stationIds: number[] } {
  const wanted = [...new Set(stationIds)].sort((a, b) => a - b);
  return store.write(() => {
    const group = getGroup(store, groupId);
    checkStations(store, wanted);
    const before = (
      store.db
        .prepare('SELECT station_id FROM group_stations WHERE group_id = ? ORDER BY station_id')
        .all(groupId) as Array<{ station_id: number }>
    ).map((r) => r.station_id);
    if (JSON.stringify(before) === JSON.stringify(wanted)) return { groupId, stationIds: wanted };
    store.db.prepare('DELETE FROM group_stations WHERE group_id = ?').run(groupId);
    const insert = store.db.prepare('INSERT INTO group_stations (group_id, station_id) VALUES (?, ?)');
    for (const id of wanted) insert.run(groupId, id);
    store.db.prepare('UPDATE groups SET updated_at = ? WHERE id = ?').run(store.now(), groupId);
    recordAudit(store, {
      actor,
      action: 'group.stations',
      entity: 'group',
      entityId: groupId,
      before: { name: group.name, stations: identitiesOf(store, before) },
      after: { name: group.name, stations: identitiesOf(store, wanted) },
    });
    return { groupId, stationIds: wanted };
  });
}

/** Moves boxes to a site (or off every site with null). */
export function assignStationsToSite(
  store: Store,
  actor: string,
  stationIds: number[],
  siteId: number | null,
): Station[] {
  const ids = [...new Set(stationIds)];
  return store.write(() => {
    checkStations(store, ids);
    if (siteId !== null && !store.db.prepare('SELECT 1 FROM sites WHERE id = ?').get(siteId)) {
      throw new AppError('NOT_FOUND', { entity: 'site', id: siteId });
    }
    const now = store.now();
    const update = store.db.prepare('UPDATE stations SET site_id = ?, updated_at = ? WHERE id = ?');
    const read = store.db.prepare('SELECT identity, site_id FROM stations WHERE id = ?');
    for (const id of ids) {
      const before = read.get(id) as { identity: string; site_id: number | null };
      if (before.site_id === siteId) continue;
      update.run(siteId, now, id);
      recordAudit(store, {
        actor,
        action: 'station.site',
        entity: 'station',
        entityId: id,
        before: { identity: before.identity, siteId: before.site_id },
        after: { identity: before.identity, siteId },
      });
    }
    const chosen = new Set(ids);
    return listStations(store).filter((s) => chosen.has(s.id));
  });
}
