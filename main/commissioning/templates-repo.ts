// Commissioning templates kept per site, so the electrician on site picks "Depot North" instead of
// retyping URLs. Stored as validated JSON; every change is audited like any other.
import { AppError } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import { translateConstraint } from '../store/constraints.ts';
import type { Store } from '../store/database.ts';
import type { Template } from './template-schema.ts';
import type { StoredTemplate } from './types.ts';

interface Row {
  id: number;
  site_id: number | null;
  name: string;
  body: string;
  updated_at: string;
}

const toStored = (r: Row): StoredTemplate => ({
  id: r.id,
  siteId: r.site_id,
  name: r.name,
  template: JSON.parse(r.body) as Template,
  updatedAt: r.updated_at,
});

export function listTemplates(store: Store, siteId?: number): StoredTemplate[] {
  const rows = (
    siteId === undefined
      ? store.db.prepare('SELECT * FROM templates ORDER BY name').all()
      : store.db.prepare('SELECT * FROM templates WHERE site_id = ? ORDER BY name').all(siteId)
  ) as Row[];
  return rows.map(toStored);
}

export function getTemplate(store: Store, id: number): StoredTemplate {
  const row = store.db.prepare('SELECT * FROM templates WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw new AppError('NOT_FOUND', { entity: 'template', id });
  return toStored(row);
}

/** Creates the template, or replaces the one of the same name on the same site. */
export function saveTemplate(
  store: Store,
  actor: string,
  siteId: number | null,
  template: Template,
): StoredTemplate {
  return store.write(() => {
    const now = store.now();
    const existing = store.db
      .prepare('SELECT * FROM templates WHERE site_id IS ? AND name = ?')
      .get(siteId, template.name) as Row | undefined;
    if (existing) {
      store.db
        .prepare('UPDATE templates SET body = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(template), now, existing.id);
    } else {
      translateConstraint(
        () =>
          store.db
            .prepare(
              'INSERT INTO templates (site_id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(siteId, template.name, JSON.stringify(template), now, now),
        { entity: 'site', name: String(siteId) },
      );
    }
    const saved = store.db
      .prepare('SELECT * FROM templates WHERE site_id IS ? AND name = ?')
      .get(siteId, template.name) as Row;
    recordAudit(store, {
      actor,
      action: existing ? 'template.update' : 'template.create',
      entity: 'template',
      entityId: saved.id,
      before: existing ? JSON.parse(existing.body) : undefined,
      after: template,
    });
    return toStored(saved);
  });
}

export function deleteTemplate(store: Store, actor: string, id: number): void {
  store.write(() => {
    const before = getTemplate(store, id);
    store.db.prepare('DELETE FROM templates WHERE id = ?').run(id);
    recordAudit(store, {
      actor,
      action: 'template.delete',
      entity: 'template',
      entityId: id,
      before: before.template,
    });
  });
}
