// Sites: a car park or building and the boxes on it. Every write is one transaction with its audit
// row; names are unique regardless of case, because "Depot North" and "depot north" are one place.
import type { Site } from '../api/types.ts';
import { recordAudit } from './audit.ts';
import { notFound, translateConstraint } from './constraints.ts';
import type { Store } from './database.ts';
import { readUnchanged } from './unchanged-reads.ts';

interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  station_count: number;
  created_at: string;
  updated_at: string;
}

const SELECT = `SELECT s.*, (SELECT count(*) FROM stations st WHERE st.site_id = s.id) AS station_count FROM sites s`;

function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    stationCount: row.station_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listSites(store: Store): Site[] {
  return readUnchanged(store.db, 'sites.list', () =>
    (store.db.prepare(`${SELECT} ORDER BY s.name COLLATE NOCASE`).all() as SiteRow[]).map(toSite),
  );
}

export function getSite(store: Store, id: number): Site {
  const row = store.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as SiteRow | undefined;
  if (!row) throw notFound('site', id);
  return toSite(row);
}

export function createSite(
  store: Store,
  actor: string,
  input: { name: string; address?: string | undefined },
): Site {
  return store.write(() => {
    const now = store.now();
    const { lastInsertRowid } = translateConstraint(
      () =>
        store.db
          .prepare('INSERT INTO sites (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(input.name, input.address || null, now, now),
      { entity: 'site', name: input.name },
    );
    const site = getSite(store, Number(lastInsertRowid));
    recordAudit(store, { actor, action: 'site.create', entity: 'site', entityId: site.id, after: site });
    return site;
  });
}

export function renameSite(store: Store, actor: string, id: number, name: string): Site {
  return store.write(() => {
    const before = getSite(store, id);
    translateConstraint(
      () =>
        store.db.prepare('UPDATE sites SET name = ?, updated_at = ? WHERE id = ?').run(name, store.now(), id),
      { entity: 'site', name },
    );
    const after = getSite(store, id);
    recordAudit(store, { actor, action: 'site.rename', entity: 'site', entityId: id, before, after });
    return after;
  });
}

export function deleteSite(store: Store, actor: string, id: number): void {
  store.write(() => {
    const before = getSite(store, id);
    translateConstraint(() => store.db.prepare('DELETE FROM sites WHERE id = ?').run(id), {
      entity: 'site',
      name: before.name,
    });
    recordAudit(store, { actor, action: 'site.delete', entity: 'site', entityId: id, before });
  });
}
