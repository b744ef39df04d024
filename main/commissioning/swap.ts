// The store side of a box swap: what the tool knows of the broken box (snapshot, what its last run wrote,
// its password in the vault, the cards it holds), the cards pushed to the replacement at the same list
// version, and the broken box's record marked "replaced" with both boxes kept in its history.
import { AppError } from '../api/errors.ts';
import type { ConfigBackup } from '../diagnostics/config-backup.ts';
import { BOX_PASSWORD_PURPOSE } from '../ocpp/box-passwords.ts';
import { pushLocalList } from '../ocpp/local-list-push.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { BootInfo, ConfigEntry, LocalListEntry, PushOutcome } from '../ocpp/types.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { lastPushedList, savePushedList } from './cards-for-box.ts';
import { passwordFits } from './passwords.ts';
import type { RunStore } from './run-store.ts';
import { sourceFromBackup } from './swap-file.ts';
import type { SwapSource } from './swap-plan.ts';
import type { Replacement, RunDetail, SwapState } from './types.ts';

const OK = new Set(['Accepted', 'RebootRequired']);

/**
 * The broken box as the tool knows it. Its newest snapshot, and when a run of it ended after that snapshot
 * was taken (the usual case: the snapshot "before commissioning" is the last read), that run's accepted
 * writes laid on top, so the URL and settings it left with are what move, not the factory values it had.
 */
export function swapSource(
  store: Store,
  ocpp: OcppService,
  runs: RunStore,
  identity: string,
  vault?: Vault,
): SwapSource {
  const snapshot = ocpp.latestSnapshot(identity);
  if (!snapshot) throw new AppError('CONFIG_NO_SNAPSHOT', { identity });
  const version = snapshot.ocppVersion === '2.0.1' ? '2.0.1' : '1.6';
  const entries: ConfigEntry[] = snapshot.entries.map((e) => ({ ...e }));
  let runId: number | null = null;
  let networkProfile: SwapSource['networkProfile'] = null;
  const finished = runs
    .list({ identity, limit: 20 })
    .filter((r) => r.status === 'confirmed' || r.status === 'left-not-confirmed')
    .map((r) => runs.get(r.id));
  const run = finished[0] ?? null;
  const plan = run?.state.plan;
  if (run && plan && (run.state.snapshotId ?? 0) >= snapshot.id) {
    runId = run.id;
    for (const write of plan.writes) {
      if (write.secret || !OK.has(String(run.state.results[write.key] ?? ''))) continue;
      const entry = entries.find((e) => e.key.toLowerCase() === write.key.toLowerCase());
      if (entry) entry.value = write.to;
      else entries.push({ key: write.key, value: write.to, readonly: false });
    }
  }
  // A 2.0.1 report never holds the network slots: the connection a run gave the box stands until another run.
  if (plan?.networkProfile && OK.has(String(run?.state.results.SetNetworkProfile ?? '')))
    networkProfile = { url: plan.networkProfile.url, securityProfile: plan.networkProfile.securityProfile };
  const password = vaultPassword(store, identity, vault);
  return {
    identity,
    ocppVersion: version,
    entries,
    snapshotId: snapshot.id,
    takenAt: snapshot.takenAt,
    runId,
    networkProfile,
    passwordSecretId: password.secretId,
    ...(password.fits ? { passwordFits: password.fits } : {}),
    localList: lastPushedList(store, identity) ?? null,
    ...trustedCertificate(finished),
  };
}

/**
 * The CSMS root CA certificate the broken box holds from a run of the tool (the newest that installed one:
 * an installed certificate stays on the box through later runs); null when its last run took it to
 * profile 2+ without one; nothing when the tool does not know (no run of it took the box there).
 */
function trustedCertificate(finished: RunDetail[]): { caCertificate?: string | null } {
  const installed = finished.find(
    (r) => r.state.results.InstallCertificate === 'Accepted' && r.template.csms.caCertificate,
  );
  if (installed?.template.csms.caCertificate) return { caCertificate: installed.template.csms.caCertificate };
  if ((finished[0]?.template.csms.securityProfile ?? 0) >= 2) return { caCertificate: null };
  return {};
}

/** The box's password in this laptop's vault, by id, and the OCPP versions whose password rules it fits. */
function vaultPassword(
  store: Store,
  identity: string,
  vault?: Vault,
): { secretId: number | null; fits?: Array<'1.6' | '2.0.1'> } {
  const secret = store
    .stmt('SELECT id FROM secrets WHERE purpose = ? AND label = ?')
    .get(BOX_PASSWORD_PURPOSE, identity) as { id: number } | undefined;
  if (!secret || !vault) return { secretId: secret?.id ?? null };
  const fits = vault.use(secret.id, (value) =>
    (['1.6', '2.0.1'] as const).filter((version) => passwordFits(version, value)),
  );
  return { secretId: secret.id, fits };
}

/**
 * The source of a swap run: the backup file it was started with (kept in the run), else what the tool's
 * own database knows of the broken box. A file source says whether the database knows that box too.
 */
export function swapSourceOf(
  deps: { store: Store; ocpp: OcppService; runs: RunStore; vault: Vault },
  swap: { from: string; backup?: ConfigBackup; caCertificate?: string },
): SwapSource {
  const { store, ocpp, runs, vault } = deps;
  const known = swap.backup ? ocpp.latestSnapshot(swap.from) : null;
  const source = swap.backup
    ? sourceFromBackup(swap.backup, vaultPassword(store, swap.from, vault), known?.takenAt ?? null)
    : swapSource(store, ocpp, runs, swap.from, vault);
  // The certificate the user gave (they know their company CSMS's CA) wins over what the tool knows.
  return swap.caCertificate ? { ...source, caCertificate: swap.caCertificate } : source;
}

/** The broken box as its stations row last knew it: kept in the run for the box's history. */
export function oldBoxOf(store: Store, identity: string): SwapState['oldBox'] {
  const row = store.db
    .prepare('SELECT vendor, model, serial_number FROM stations WHERE identity = ?')
    .get(identity) as
    | { vendor: string | null; model: string | null; serial_number: string | null }
    | undefined;
  return row ? { vendor: row.vendor, model: row.model, serialNumber: row.serial_number } : null;
}

/**
 * The broken box's cards to the replacement, as a full list reaching at least the broken box's list version
 * (a company CSMS that sends differential updates goes on from there). What the tool records for the broken
 * box's identity then is what the replacement holds, since the replacement takes that identity.
 */
export async function pushSwapList(options: {
  store: Store;
  ocpp: OcppService;
  actor: string;
  identity: string;
  from: string;
  list: { version: number; entries: LocalListEntry[] } | null;
  signal: AbortSignal;
}): Promise<PushOutcome> {
  const { store, ocpp, identity, from, list } = options;
  if (!list) throw new AppError('INTERNAL', { method: 'commissioning', incident: 'swap-list' });
  const session = ocpp.csms.session(identity);
  const configuration =
    ocpp.latestSnapshot(identity)?.entries ??
    (await ocpp.readConfiguration(identity, 'before a card push', options.signal)).entries;
  const outcome = await pushLocalList(session, {
    entries: list.entries,
    limits: session.localListLimits(configuration),
    minVersion: list.version,
    signal: options.signal,
  });
  if (!outcome.verified) {
    throw new AppError('LOCAL_LIST_REFUSED', {
      identity,
      status: `read back ${outcome.readBack}`,
      version: outcome.version,
    });
  }
  savePushedList(store, identity, outcome.version, list.entries);
  ocpp.audit(options.actor, identity, 'box.local-list', {
    swapFrom: from,
    cards: list.entries.length,
    version: outcome.version,
  });
  return outcome;
}

/**
 * Inside the transaction that ends the run: the broken box's record now describes the replacement (its
 * vendor, model and serial from the boot), the local list recorded under its identity is the replacement's,
 * and an audit row keeps both boxes (before: the broken one, after: the replacement) for the box's history.
 */
export function markReplaced(store: Store, actor: string, run: RunDetail, boot: BootInfo | null): string {
  const swap = run.state.swap as SwapState;
  const at = store.now();
  store
    .stmt(
      `UPDATE stations SET vendor = COALESCE(?, vendor), model = COALESCE(?, model), serial_number = ?,
       firmware_version = ?, updated_at = ? WHERE identity = ?`,
    )
    .run(
      boot?.vendor || null,
      boot?.model || null,
      boot?.serialNumber ?? null,
      boot?.firmwareVersion ?? null,
      at,
      swap.from,
    );
  const pushed = lastPushedList(store, run.identity);
  if (pushed) savePushedList(store, swap.from, pushed.version, pushed.entries);
  recordAudit(store, {
    actor,
    action: 'box.replaced',
    at,
    entity: 'station',
    entityId: swap.from,
    before: swap.oldBox,
    after: {
      run: run.id,
      replacement: run.identity,
      vendor: boot?.vendor ?? null,
      model: boot?.model ?? null,
      serialNumber: boot?.serialNumber ?? null,
    },
  });
  return at;
}

/** A box's replacements, newest first, from its history (the audit log keeps both boxes). */
export function replacementsOf(store: Store, identity: string): Replacement[] {
  const rows = store.db
    .prepare(
      "SELECT at, before, after FROM audit_log WHERE action = 'box.replaced' AND entity_id = ? ORDER BY id DESC",
    )
    .all(identity) as Array<{ at: string; before: string | null; after: string | null }>;
  return rows.map((row) => {
    const after = JSON.parse(row.after ?? '{}') as {
      run?: number;
      replacement?: string;
      serialNumber?: string | null;
      model?: string | null;
    };
    return {
      at: row.at,
      runId: after.run ?? null,
      replacement: after.replacement ?? '',
      old: row.before ? (JSON.parse(row.before) as SwapState['oldBox']) : null,
      serialNumber: after.serialNumber ?? null,
      model: after.model ?? null,
    };
  });
}

/**
 * A swap started from a backup file: which file (its box, when it was exported), what it moves, and whether
 * the tool's database knows the broken box too (the file is used then, as the user chose it). No secret.
 */
export function auditRestore(
  store: Store,
  actor: string,
  runId: number,
  replacement: string,
  backup: ConfigBackup,
  source: SwapSource,
): void {
  store.write(() =>
    recordAudit(store, {
      actor,
      action: 'config.restore',
      at: store.now(),
      entity: 'station',
      entityId: backup.identity,
      before: null,
      after: {
        run: runId,
        replacement,
        exportedAt: backup.exportedAt,
        snapshotTakenAt: backup.snapshot.takenAt,
        ocppVersion: backup.snapshot.ocppVersion,
        settings: backup.settings.length,
        cards: backup.localList?.cards.length ?? 0,
        listVersion: backup.localList?.version ?? null,
        passwordInThisVault: source.passwordSecretId !== null,
        databaseSnapshot: source.file?.databaseSnapshot ?? null,
      },
    }),
  );
}
