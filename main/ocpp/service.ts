// The OCPP capability as the api sees it: the local CSMS (started and stopped by the user), the trace,
// configuration snapshots and audited writes. Boxes that boot are recorded as stations.
import { EventEmitter } from 'node:events';
import { AppError } from '../api/errors.ts';
import type { Logger } from '../log/logger.ts';
import { recordAudit } from '../store/audit.ts';
import type { AuditAction } from '../store/audit-actions.ts';
import type { Store } from '../store/database.ts';
import { jsonCopy } from '../store/json-copy.ts';
import { IdentityListeners, type Unsubscribe } from './identity-listeners.ts';
import { lanAddresses } from './lan-addresses.ts';
import { type CsmsRefusal, LocalCsms, type LocalCsmsOptions } from './local-csms.ts';
import { readOnly201 } from './read201.ts';
import { REPORT_WAIT_MS } from './session201.ts';
import { type NameMapping, resolveNames } from './setting-names.ts';
import { type TraceLimits, TraceRecorder } from './trace.ts';
import type { BoxInfo, ConfigEntry, ConfigSnapshot, CsmsStatus, ReadVia, SettingResult } from './types.ts';

export type CsmsStartOptions = Omit<LocalCsmsOptions, 'trace'> & {
  /** How long a call waits for the BootNotification of a box that connected but has not booted
   *  (default 10 s, or WBC_BOOT_WAIT_S). */
  bootWaitMs?: number;
  /** How long a 2.0.1 read waits for the first (or next) NotifyReport part before reading with
   *  GetVariables (default 5 s, or WBC_REPORT_WAIT_S). */
  reportWaitMs?: number;
};

/** A duration from the environment in seconds (for the CLI and tests), else the default in ms. */
function envMs(name: string, fallback: number): number {
  const seconds = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : fallback;
}

const SECRET_KEYS = /authorizationkey|basicauthpassword|password/i;

export class OcppService extends EventEmitter {
  readonly trace: TraceRecorder;
  readonly #store: Store;
  #csms: LocalCsms | null = null;
  /** The boot each station row was last written for: a box's status updates do not rewrite it. */
  readonly #recorded = new Map<string, string>();
  /** Each box's latest snapshot as last read or taken here: every write of a run checks its names against
   *  it, and a GetBaseReport of a few hundred entries is not read and parsed again for each. */
  readonly #snapshots = new Map<string, ConfigSnapshot>();
  #reportWaitMs = REPORT_WAIT_MS;
  readonly #log: Logger | undefined;
  /** One box's 'box' and 'refused' events for those who wait on that box alone (each run of a car park). */
  readonly #boxOf = new IdentityListeners<BoxInfo>();
  readonly #refusedOf = new IdentityListeners<CsmsRefusal>();

  constructor(store: Store, options: { log?: Logger; traceLimits?: Partial<TraceLimits> } = {}) {
    super();
    this.#store = store;
    this.#log = options.log;
    this.trace = new TraceRecorder(store, { limits: options.traceLimits, log: options.log });
  }

  get csms(): LocalCsms {
    if (!this.#csms?.running) throw new AppError('CSMS_NOT_RUNNING');
    return this.#csms;
  }

  async start(startOptions: CsmsStartOptions): Promise<CsmsStatus> {
    if (this.#csms?.running) await this.stop();
    const { bootWaitMs, reportWaitMs, ...options } = startOptions;
    const csms = new LocalCsms({
      ...options,
      trace: this.trace,
      ...(this.#log === undefined ? {} : { log: this.#log }),
    });
    // real-firmware read paths: a box that has not booted yet is waited for, a withheld report is not.
    csms.bootWaitMs = bootWaitMs ?? envMs('WBC_BOOT_WAIT_S', 10_000);
    csms.knownBoot = (identity) => this.#recorded.has(identity) || this.#knownStation(identity);
    this.#reportWaitMs = reportWaitMs ?? envMs('WBC_REPORT_WAIT_S', REPORT_WAIT_MS);
    // Waits on one box listen by its identity (csms.onBox, this.onBox): 'box' keeps its few listeners, and
    // more than ten on it would be a leak worth the warning.
    csms.on('box', (info: BoxInfo) => {
      // A lobby box is a stranger until admitted: it gets no stations row (10,000 identities would
      // otherwise leave 10,000 rows). Admitting it emits 'box' again, and then it is recorded.
      // A box booting again with the same identity card (every few seconds while Pending) changes nothing
      // in its row: only a boot that says something new is written.
      const seen = info.boot ? bootSignature(info) : undefined;
      if (info.admitted && seen !== undefined && seen !== this.#recorded.get(info.identity)) {
        this.#recorded.set(info.identity, seen);
        this.#recordStation(info);
      }
      this.emit('box', info);
      this.#boxOf.emit(info.identity, info);
    });
    csms.on('refused', (r: CsmsRefusal) => {
      this.emit('refused', r);
      if (r.identity !== null) this.#refusedOf.emit(r.identity, r);
    });
    await csms.listen();
    this.#csms = csms;
    const status = this.status();
    this.emit('csms', status);
    return status;
  }

  /** The 'box' events of one box: a run listens to its own box here, not to every box's events. */
  onBox(identity: string, listener: (info: BoxInfo) => void): Unsubscribe {
    return this.#boxOf.on(identity, listener);
  }

  /** The 'refused' events of one box (handshakes the local CSMS turned away under its identity). */
  onRefused(identity: string, listener: (refusal: CsmsRefusal) => void): Unsubscribe {
    return this.#refusedOf.on(identity, listener);
  }

  async stop(): Promise<CsmsStatus> {
    const csms = this.#csms;
    // Told before the boxes are let go: what runs on them stops where it is instead of failing for it.
    if (csms?.running) this.emit('stopping');
    this.#csms = null;
    await csms?.close();
    const status = this.status();
    if (csms) this.emit('csms', status);
    return status;
  }

  status(): CsmsStatus {
    const csms = this.#csms;
    if (!csms?.running)
      return { running: false, port: null, urls: [], lan: [], boxes: csms?.boxes() ?? [], tls: null };
    const urls = csms.urls();
    return {
      running: true,
      port: csms.port,
      urls,
      lan: lanAddresses(urls),
      boxes: csms.boxes(),
      tls: csms.tls(),
    };
  }

  /** Reads the box's whole configuration and keeps it as a snapshot; `alongside` runs in the snapshot's
   *  transaction with its id (a run's step ending with it: one commit, not two). */
  async readConfiguration(
    identity: string,
    reason: string,
    signal?: AbortSignal,
    options: { alongside?: (snapshotId: number) => void } = {},
  ): Promise<ConfigSnapshot> {
    const session = this.csms.session(identity);
    const { entries, readVia } = await session.readSnapshot({ signal, reportWaitMs: this.#reportWaitMs });
    const takenAt = this.#store.now();
    // How the box was read is kept with the entries (a JSON object; older rows hold a bare array).
    const stored = JSON.stringify({ readVia, entries });
    const info = await this.#store.writeGrouped(() => {
      const inserted = this.#store
        .stmt(
          'INSERT INTO config_snapshots (identity, ocpp_version, taken_at, reason, entries) VALUES (?, ?, ?, ?, ?)',
        )
        .run(identity, session.ocppVersion, takenAt, reason, stored);
      options.alongside?.(Number(inserted.lastInsertRowid));
      return inserted;
    });
    const snapshot: ConfigSnapshot = {
      id: Number(info.lastInsertRowid),
      identity,
      ocppVersion: session.ocppVersion,
      takenAt,
      reason,
      entries,
      readVia,
    };
    // Committed: the run's plan and writes that follow read it from here, not parsed back from its row
    // (a copy as the row reads back, so what the caller does with its own changes nothing here).
    this.#snapshots.set(identity, { ...snapshot, entries: jsonCopy(entries) });
    return snapshot;
  }

  latestSnapshot(identity: string): ConfigSnapshot | null {
    // Which row is the latest is asked every time (another process, a forgotten box): only its parsing is saved.
    const latest = this.#store.db
      .prepare('SELECT id, taken_at FROM config_snapshots WHERE identity = ? ORDER BY id DESC LIMIT 1')
      .get(identity) as { id: number; taken_at: string } | undefined;
    if (!latest) return null;
    const cached = this.#snapshots.get(identity);
    if (cached?.id === latest.id && cached.takenAt === latest.taken_at) return cached;
    const row = this.#store.db.prepare('SELECT * FROM config_snapshots WHERE id = ?').get(latest.id) as
      | {
          id: number;
          identity: string;
          ocpp_version: string;
          taken_at: string;
          reason: string;
          entries: string;
        }
      | undefined;
    if (!row) return null;
    const stored = JSON.parse(row.entries) as ConfigEntry[] | { readVia: ReadVia; entries: ConfigEntry[] };
    const snapshot: ConfigSnapshot = {
      id: row.id,
      identity: row.identity,
      ocppVersion: row.ocpp_version,
      takenAt: row.taken_at,
      reason: row.reason,
      ...(Array.isArray(stored) ? { entries: stored } : { entries: stored.entries, readVia: stored.readVia }),
    };
    // Only what is committed is kept: inside a write, the row may still be undone.
    if (!this.#store.db.inTransaction) this.#snapshots.set(identity, snapshot);
    return snapshot;
  }

  /**
   * Setting names as the user typed them, checked before anything waits for the box: mapped to the name
   * the box's OCPP version uses (HeartbeatInterval on 2.0.1 is OCPPCommCtrlr.HeartbeatInterval), and refused
   * at once when they cannot be, or (by a full read of the box) are not, its names. The version comes from
   * the connected box, else from what the tool recorded at its boot.
   */
  checkSettingNames<T extends { key: string }>(
    identity: string,
    changes: T[],
    options: { version?: '1.6' | '2.0.1'; strict?: boolean; reading?: boolean } = {},
  ): { changes: T[]; mapped: NameMapping[] } {
    const snapshot = this.latestSnapshot(identity);
    const seen = options.version ?? this.#csms?.box(identity)?.ocppVersion ?? this.#recordedVersion(identity);
    // Only a name the user typed is held against the names the box reported: a run's planned writes
    // include keys some firmwares take without reporting them.
    const full =
      options.strict === true &&
      snapshot !== null &&
      snapshot.ocppVersion === seen &&
      snapshot.readVia !== 'get-variables';
    const resolved = resolveNames(
      { identity, version: seen ?? null, known: full ? snapshot.entries.map((e) => e.key) : null },
      changes,
    );
    // A typed write to a 2.0.1 variable the box only reports is refused here, before anything is sent:
    // ReadOnly by the spec (read201.ts) or in the box's own latest read. (A 1.6 box answers for itself.)
    if (options.strict === true && options.reading !== true && seen === '2.0.1') {
      const sameRead = snapshot?.ocppVersion === seen ? snapshot.entries : [];
      for (const change of resolved.changes) {
        const wanted = change.key.toLowerCase();
        const marked = sameRead.some((e) => e.readonly && e.key.toLowerCase() === wanted);
        if (!marked && !readOnly201(change.key)) continue;
        const typed = resolved.mapped.find((m) => m.to === change.key)?.from ?? change.key;
        throw new AppError('SETTING_READ_ONLY', { identity, name: change.key, typed, version: seen });
      }
    }
    return resolved;
  }

  /**
   * Writes settings and records each key the box confirmed (or refused) in the audit log. `alongside`
   * runs in the transaction of those audit rows (a run recording the box's answers: one commit, not two).
   */
  async changeSettings(
    actor: string,
    identity: string,
    requested: Array<{ key: string; value: string }>,
    signal?: AbortSignal,
    options: { strict?: boolean; alongside?: (results: SettingResult[]) => void } = {},
  ): Promise<SettingResult[]> {
    const session = this.csms.session(identity);
    const before = new Map((this.latestSnapshot(identity)?.entries ?? []).map((e) => [e.key, e.value]));
    const resolved = this.checkSettingNames(identity, requested, {
      ...(options.strict === undefined ? {} : { strict: options.strict }),
      version: session.ocppVersion,
    });
    const changes = resolved.changes;
    const asked = new Map(resolved.mapped.map((m) => [m.to, m.from]));
    const results = (await session.changeSettings(changes, { signal })).map((r) =>
      asked.has(r.key) ? { ...r, requestedKey: asked.get(r.key) as string } : r,
    );
    // Committed with the other boxes' writes of the same moment, before the results are handed back.
    await this.#store.writeGrouped(() => {
      for (const result of results) {
        const secret = SECRET_KEYS.test(result.key);
        const value = changes.find((c) => c.key === result.key)?.value ?? null;
        recordAudit(this.#store, {
          actor,
          action: 'box.setting',
          entity: 'station',
          entityId: identity,
          before: { key: result.key, value: secret ? '***' : (before.get(result.key) ?? null) },
          after: { key: result.key, value: secret ? '***' : value, status: result.status },
        });
      }
      options.alongside?.(results);
    });
    return results;
  }

  /** An audit row for something done to a box outside a commissioning run (a reset from Diagnose). */
  audit(actor: string, identity: string, action: AuditAction, after: unknown): void {
    this.#store.write(() =>
      recordAudit(this.#store, { actor, action, entity: 'station', entityId: identity, after }),
    );
  }

  async close(): Promise<void> {
    await this.stop();
    this.trace.close();
  }

  /** A box that booted at this tool in an earlier run (its station row is written at boot). */
  #knownStation(identity: string): boolean {
    return this.#recordedVersion(identity) !== undefined;
  }

  #recordedVersion(identity: string): '1.6' | '2.0.1' | undefined {
    const row = this.#store.db
      .prepare('SELECT ocpp_version FROM stations WHERE identity = ?')
      .get(identity) as { ocpp_version: string | null } | undefined;
    const version = row?.ocpp_version;
    return version === '1.6' || version === '2.0.1' ? version : undefined;
  }

  #recordStation(info: BoxInfo): void {
    const boot = info.boot;
    if (!boot) return;
    const now = this.#store.now();
    this.#store.write(() => {
      const existing = this.#store.db
        .prepare('SELECT id FROM stations WHERE identity = ?')
        .get(info.identity) as { id: number } | undefined;
      const values = [
        boot.vendor || null,
        boot.model || null,
        boot.serialNumber,
        boot.firmwareVersion,
        info.ocppVersion,
      ];
      if (existing) {
        this.#store.db
          .prepare(
            'UPDATE stations SET vendor = ?, model = ?, serial_number = ?, firmware_version = ?, ocpp_version = ?, updated_at = ? WHERE id = ?',
          )
          .run(...values, now, existing.id);
      } else {
        const created = this.#store.db
          .prepare(
            'INSERT INTO stations (identity, vendor, model, serial_number, firmware_version, ocpp_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(info.identity, ...values, now, now);
        recordAudit(this.#store, {
          actor: 'local-csms',
          action: 'station.discovered',
          entity: 'station',
          entityId: Number(created.lastInsertRowid),
          after: {
            identity: info.identity,
            vendor: boot.vendor,
            model: boot.model,
            ocppVersion: info.ocppVersion,
          },
        });
      }
    });
  }
}

/** What a boot tells about the box (not when it came): a change of any of it updates the stations row. */
function bootSignature(info: BoxInfo): string {
  const boot = info.boot;
  return JSON.stringify([
    boot?.vendor,
    boot?.model,
    boot?.serialNumber,
    boot?.firmwareVersion,
    info.ocppVersion,
  ]);
}
