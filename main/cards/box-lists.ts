// What each box holds (the last local list it confirmed, from station_local_lists) next to what it
// should hold (the cards of its groups), so a user sees which boxes need a push before going on site.
import { cardsForStation, lastPushedList } from '../commissioning/cards-for-box.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { LocalListEntry } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';
import { listStations } from '../store/stations.ts';
import type { StationLocalList } from './types.ts';

/** How many entries a push must add, change or remove (idTags compare without case, as OCPP says). */
export function differences(held: LocalListEntry[], wanted: LocalListEntry[]): number {
  const key = (e: LocalListEntry) => e.idTag.toUpperCase();
  const before = new Map(held.map((e) => [key(e), JSON.stringify(e)]));
  const after = new Set(wanted.map(key));
  let count = 0;
  for (const e of wanted) if (before.get(key(e)) !== JSON.stringify(e)) count++;
  for (const e of held) if (!after.has(key(e))) count++;
  return count;
}

export function stationLocalLists(
  store: Store,
  ocpp: OcppService,
  query: { siteId?: number | undefined },
): StationLocalList[] {
  const boxes = new Map(ocpp.status().boxes.map((b) => [b.identity, b]));
  const memberships = store.db.prepare('SELECT group_id, station_id FROM group_stations').all() as Array<{
    group_id: number;
    station_id: number;
  }>;
  const pushedAt = store.db.prepare('SELECT pushed_at FROM station_local_lists WHERE identity = ?');
  return listStations(store, query).map((station) => {
    const held = lastPushedList(store, station.identity);
    const wanted = cardsForStation(store, station.identity);
    const box = boxes.get(station.identity);
    const at = pushedAt.get(station.identity) as { pushed_at: string } | undefined;
    return {
      stationId: station.id,
      identity: station.identity,
      siteId: station.siteId,
      groupIds: memberships.filter((m) => m.station_id === station.id).map((m) => m.group_id),
      connected: box?.state === 'connected' && box.admitted,
      presence: box?.state !== 'connected' ? 'offline' : box.admitted ? 'connected' : 'lobby',
      holds:
        held && at ? { version: held.version, count: held.entries.length, pushedAt: at.pushed_at } : null,
      shouldHold: wanted.length,
      toPush: differences(held?.entries ?? [], wanted),
    };
  });
}
