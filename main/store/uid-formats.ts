// The card format each box was taught, one row per box identity: the format, the cards it was learned
// from, and when. Written with its audit row in one transaction; read when a box's local list is built.
import type { UidEvidence, UidFormatProfile } from '../api/types.ts';
import { presetOf, type UidFormat } from '../rfid/uid-format.ts';
import { recordAudit } from './audit.ts';
import type { Store } from './database.ts';

interface Row {
  identity: string;
  format: string;
  preset: string | null;
  token_type: string | null;
  evidence: string;
  source: 'learned' | 'manual';
  learned_at: string;
}

function toProfile(row: Row): UidFormatProfile {
  const format = JSON.parse(row.format) as UidFormat;
  return {
    identity: row.identity,
    format,
    // Recomputed rather than trusted: a preset renamed later still names the same format.
    preset: presetOf(format),
    tokenType: row.token_type,
    evidence: JSON.parse(row.evidence) as UidEvidence[],
    source: row.source,
    learnedAt: row.learned_at,
  };
}

export function getUidFormat(store: Store, identity: string): UidFormatProfile | null {
  const row = store.db.prepare('SELECT * FROM station_uid_formats WHERE identity = ?').get(identity) as
    | Row
    | undefined;
  return row ? toProfile(row) : null;
}

export function listUidFormats(store: Store): UidFormatProfile[] {
  const rows = store.db.prepare('SELECT * FROM station_uid_formats ORDER BY identity').all() as Row[];
  return rows.map(toProfile);
}

export interface UidFormatInput {
  identity: string;
  format: UidFormat;
  tokenType?: string | null;
  evidence?: UidEvidence[];
  source: 'learned' | 'manual';
}

/** Replaces the box's format; the audit row keeps the one before. */
export function saveUidFormat(store: Store, actor: string, input: UidFormatInput): UidFormatProfile {
  return store.write(() => {
    const before = getUidFormat(store, input.identity);
    store.db
      .prepare(
        `INSERT INTO station_uid_formats (identity, format, preset, token_type, evidence, source, learned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(identity) DO UPDATE SET format = excluded.format, preset = excluded.preset,
           token_type = excluded.token_type, evidence = excluded.evidence, source = excluded.source,
           learned_at = excluded.learned_at`,
      )
      .run(
        input.identity,
        JSON.stringify(input.format),
        presetOf(input.format),
        input.tokenType ?? null,
        JSON.stringify(input.evidence ?? []),
        input.source,
        store.now(),
      );
    const after = getUidFormat(store, input.identity) as UidFormatProfile;
    recordAudit(store, {
      actor,
      action: input.source === 'learned' ? 'uid-format.learn' : 'uid-format.save',
      entity: 'uid-format',
      entityId: input.identity,
      before,
      after,
    });
    return after;
  });
}

/** Forgets the box's format (its lists go back to the default); false when there was none. */
export function clearUidFormat(store: Store, actor: string, identity: string): boolean {
  return store.write(() => {
    const before = getUidFormat(store, identity);
    if (!before) return false;
    store.db.prepare('DELETE FROM station_uid_formats WHERE identity = ?').run(identity);
    recordAudit(store, {
      actor,
      action: 'uid-format.clear',
      entity: 'uid-format',
      entityId: identity,
      before,
    });
    return true;
  });
}
