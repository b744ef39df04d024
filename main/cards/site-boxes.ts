// A site and the boxes on it: deleting a site moves its boxes (and templates) to another one first or is
// refused, and a box commissioned with a site's template is put on that site. Audited like any change.
import { AppError } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { getSite } from '../store/sites.ts';
import { assignStationsToSite } from './group-stations.ts';

/**
 * Deletes a site. One that holds boxes is refused (SITE_HAS_BOXES) unless `moveTo` names the site they
 * go to; its templates go along (a name the other site has already is ALREADY_EXISTS, nothing changed).
 * Without boxes, the site's templates go with it and its audit row keeps them.
 */
export function deleteSiteMoving(
  store: Store,
  actor: string,
  id: number,
  moveTo?: number,
): { moved: number } {
  return store.write(() => {
    const before = getSite(store, id);
    if (moveTo === id) throw new AppError('SITE_MOVE_SAME', { name: before.name });
    const target = moveTo === undefined ? undefined : getSite(store, moveTo);
    const boxes = (
      store.db.prepare('SELECT id FROM stations WHERE site_id = ? ORDER BY identity').all(id) as Array<{
        id: number;
      }>
    ).map((r) => r.id);
    if (boxes.length > 0 && !target) {
      throw new AppError('SITE_HAS_BOXES', { name: before.name, count: boxes.length });
    }
    const templates = store.db
      .prepare('SELECT id, name FROM templates WHERE site_id = ? ORDER BY name')
      .all(id) as Array<{ id: number; name: string }>;
    if (target) {
      if (boxes.length > 0) assignStationsToSite(store, actor, boxes, target.id);
      for (const template of templates) {
        const clash = store.db
          .prepare('SELECT 1 FROM templates WHERE site_id = ? AND name = ?')
          .get(target.id, template.name);
        if (clash) throw new AppError('ALREADY_EXISTS', { entity: 'template', name: template.name });
        store.db
          .prepare('UPDATE templates SET site_id = ?, updated_at = ? WHERE id = ?')
          .run(target.id, store.now(), template.id);
      }
    }
    store.db.prepare('DELETE FROM sites WHERE id = ?').run(id);
    recordAudit(store, {
      actor,
      action: 'site.delete',
      entity: 'site',
      entityId: id,
      before: { ...before, templates: templates.map((t) => t.name) },
      after: target ? { movedTo: target.name, boxes: boxes.length, templates: templates.length } : undefined,
    });
    return { moved: boxes.length };
  });
}

/**
 * Puts the boxes a run with a site's template works on onto that site: only boxes the tool knows (a
 * stations row) and on no site yet; a box someone put on another site by hand stays there.
 */
export function attachToTemplateSite(
  store: Store,
  actor: string,
  identities: string[],
  siteId: number | null,
): number {
  if (siteId === null || identities.length === 0) return 0;
  return store.write(() => {
    if (!store.db.prepare('SELECT 1 FROM sites WHERE id = ?').get(siteId)) return 0;
    const find = store.db.prepare('SELECT id FROM stations WHERE identity = ? AND site_id IS NULL');
    const ids = identities.flatMap((identity) => {
      const row = find.get(identity) as { id: number } | undefined;
      return row ? [row.id] : [];
    });
    if (ids.length > 0) assignStationsToSite(store, actor, ids, siteId);
    return ids.length;
  });
}
