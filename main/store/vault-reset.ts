// The one way out when the vault key is lost: an explicit, confirmed reset that deletes every sealed
// secret (and the CA whose key was among them) and the key files, after saying exactly what goes.
import { X509Certificate } from 'node:crypto';
import { recordAudit } from './audit.ts';
import type { Store } from './database.ts';
import { REVEALABLE } from './vault.ts';
import { discardKeyFiles } from './vault-key.ts';

/** Where the local CSMS keeps its CA and server certificates (main/ocpp/tls.ts); their keys are secrets. */
export const CSMS_TLS_SETTINGS_KEY = 'csms.tls';
const TLS_KEY_PURPOSE = 'csms-tls-key';

export interface VaultResetPlan {
  /** Boxes' OCPP passwords: each box keeps its password, the tool no longer knows it. */
  passwords: number;
  /** CSMS tokens and other secrets the tool used itself. */
  other: number;
  /** The local CSMS's CA, whose key goes with the vault: boxes that trust it need the new one. */
  caFingerprint: string | null;
}

/** The fingerprint of the local CSMS CA kept in the settings, if there is one (readable without the key). */
export function storedCaFingerprint(store: Store): string | null {
  const row = store.db.prepare('SELECT value FROM settings WHERE key = ?').get(CSMS_TLS_SETTINGS_KEY) as
    | { value: string }
    | undefined;
  if (!row) return null;
  try {
    const ca = (JSON.parse(row.value) as { ca?: unknown }).ca;
    return typeof ca === 'string' ? new X509Certificate(ca).fingerprint256 : null;
  } catch {
    return null;
  }
}

/** What a reset would delete, read without the key (the store alone). */
export function vaultResetPlan(store: Store): VaultResetPlan {
  const rows = store.db
    .prepare('SELECT purpose, COUNT(*) AS n FROM secrets GROUP BY purpose')
    .all() as Array<{
    purpose: string;
    n: number;
  }>;
  const count = (match: (purpose: string) => boolean) =>
    rows.filter((r) => match(r.purpose)).reduce((sum, r) => sum + r.n, 0);
  return {
    passwords: count((p) => p === REVEALABLE),
    other: count((p) => p !== REVEALABLE && p !== TLS_KEY_PURPOSE),
    caFingerprint: storedCaFingerprint(store),
  };
}

/** Deletes every secret and the CA in one audited transaction, then the key files of dataDir; the next
 *  start makes a new key. Returns what was deleted. */
export function resetVault(store: Store, dataDir: string, actor: string): VaultResetPlan {
  const plan = store.write(() => {
    const found = vaultResetPlan(store);
    store.db.prepare('DELETE FROM secrets').run();
    store.db.prepare('DELETE FROM settings WHERE key = ?').run(CSMS_TLS_SETTINGS_KEY);
    recordAudit(store, {
      actor,
      action: 'vault.reset',
      entity: 'vault',
      entityId: 'vault',
      before: { ...found },
    });
    return found;
  });
  discardKeyFiles(dataDir);
  return plan;
}
