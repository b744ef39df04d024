// The audit log: who changed what, when, with the record before and after. Written in the same
// transaction as the change itself, so a change without its audit row cannot exist.
import type { AuditEntry } from '../api/types.ts';
import { redactValue } from '../log/redact.ts';
import type { AuditAction } from './audit-actions.ts';
import type { Store } from './database.ts';

export interface AuditInput {
  actor: string;
  action: AuditAction;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  /** The moment of the change when the caller wrote it elsewhere too (one clock read for both); default now. */
  at?: string;
}

export function recordAudit(store: Store, entry: AuditInput): void {
  store.db
    .prepare(
      'INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      entry.at ?? store.now(),
      entry.actor,
      entry.action,
      entry.entity,
      entry.entityId == null ? null : String(entry.entityId),
      // Masked here, whatever the caller passed: an audit row outlives every screen it was shown on.
      entry.before === undefined ? null : JSON.stringify(redactValue(entry.before)),
      entry.after === undefined ? null : JSON.stringify(redactValue(entry.after)),
    );
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
}

export function listAudit(store: Store, query: { limit: number; entity?: string | undefined }): AuditEntry[] {
  const rows = (
    query.entity
      ? store.db
          .prepare('SELECT * FROM audit_log WHERE entity = ? ORDER BY id DESC LIMIT ?')
          .all(query.entity, query.limit)
      : store.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(query.limit)
  ) as AuditRow[];
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}
