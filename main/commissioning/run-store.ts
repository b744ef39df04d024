// Commissioning runs in SQLite: every step change is one transaction, committed before anyone is told,
// so a run survives a crash, a closed laptop or a box that vanished, and resumes where it stood.
import { randomUUID } from 'node:crypto';
import { AppError } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import type { AuditAction } from '../store/audit-actions.ts';
import type { Store } from '../store/database.ts';
import { jsonCopy } from '../store/json-copy.ts';
import type { Template } from './template.ts';
import {
  type RunDetail,
  type RunError,
  type RunState,
  type RunStatus,
  type RunSummary,
  type StepName,
  type SwapState,
  stepNames,
} from './types.ts';

/** The table's CHECK knows 'succeeded' (schema 3); the two outcomes of a run that ended without a failure
 *  are told apart by its verify state, so no migration rebuilds the table. Old 'succeeded' rows were never
 *  confirmed by a CSMS: they read as left-not-confirmed. */
type StoredStatus = Exclude<RunStatus, 'confirmed' | 'left-not-confirmed'> | 'succeeded';

function stored(status: RunStatus): StoredStatus {
  return status === 'confirmed' || status === 'left-not-confirmed' ? 'succeeded' : status;
}

function shown(status: StoredStatus, state: RunState): RunStatus {
  if (status !== 'succeeded') return status;
  return state.verify?.outcome === 'confirmed' ? 'confirmed' : 'left-not-confirmed';
}

interface RunRow {
  id: number;
  identity: string;
  fleet_id: string | null;
  template: string;
  status: StoredStatus;
  step: StepName;
  approval: 'auto' | 'manual';
  state: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** Templates by their stored text: the runs of a car park share one, parsed once (and never changed). */
const templates = new Map<string, Template>();
const MAX_TEMPLATES = 64;

function parseTemplate(text: string): Template {
  const known = templates.get(text);
  if (known) return known;
  const template = deepFreeze(JSON.parse(text) as Template);
  if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value as string);
  templates.set(text, template);
  return template;
}

/** A value read from a row, made unchangeable: every reader of a run shares it (see RunStore.get). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The run as a row says, with its own state to change (RunStore.#apply hands it to the change). */
function toDetail(row: RunRow): RunDetail {
  return detailOf(
    row,
    JSON.parse(row.state) as RunState,
    row.error ? (JSON.parse(row.error) as RunError) : null,
  );
}

/** The run of a row whose state and error are at hand already (parsed, or copied as they were stored). */
function detailOf(row: RunRow, state: RunState, error: RunError | null): RunDetail {
  const template = parseTemplate(row.template);
  return {
    id: row.id,
    identity: row.identity,
    fleetId: row.fleet_id,
    templateName: template.name,
    status: shown(row.status, state),
    step: row.step,
    error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    template,
    approval: row.approval,
    state,
  };
}

/** Whether two rows of a run hold the same run (updated_at aside, which a read does not show differently). */
function sameRun(a: RunRow, b: RunRow): boolean {
  return a.state === b.state && a.error === b.error && a.status === b.status && a.step === b.step;
}

export function summary(detail: RunDetail): RunSummary {
  const { template: _t, approval: _a, state, ...rest } = detail;
  const verify = state.verify;
  // While the box is watched after its reset, the fleet view counts down each box from the summary alone.
  if (
    detail.status === 'running' &&
    detail.step === 'verify' &&
    verify?.outcome === 'watching' &&
    verify.deadline
  )
    return { ...rest, watch: { deadline: verify.deadline, windowS: verify.windowS } };
  return rest;
}

export function newFleetId(): string {
  return randomUUID();
}

type ListQuery = { fleetId?: string | undefined; identity?: string | undefined; limit: number };

/**
 * One statement per filter present, never `(? IS NULL OR identity = ?)`: SQLite cannot use an index for
 * such a condition, so each box checked at a fleet's start read the whole run history. With the filter
 * spelled out, `runs_identity (identity, id)` answers a box's newest runs directly.
 */
export function listSql(query: ListQuery): string {
  const where = [
    ...(query.fleetId === undefined ? [] : ['fleet_id = ?']),
    ...(query.identity === undefined ? [] : ['identity = ?']),
  ];
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return `SELECT * FROM commissioning_runs${filter} ORDER BY id DESC LIMIT ?`;
}

function listParams(query: ListQuery): Array<string | number> {
  return [
    ...(query.fleetId === undefined ? [] : [query.fleetId]),
    ...(query.identity === undefined ? [] : [query.identity]),
    query.limit,
  ];
}

export class RunStore {
  readonly #store: Store;
  /**
   * The rows of runs this process wrote or read, as last written, with the run read from it (made on the
   * first read, unchangeable, shared by every reader): a run's many reads (every step, every write of a
   * fleet) come from here, neither from SQLite nor parsed again. Set inside the writing transaction,
   * dropped when a write fails (that transaction is undone), so a read never sees what was not committed.
   * Only this class writes commissioning_runs.
   */
  readonly #rows = new Map<number, { row: RunRow; detail?: RunDetail }>();
  #readRow(id: number): RunRow {
    const row = this.#store.stmt('SELECT * FROM commissioning_runs WHERE id = ?').get(id) as
      | RunRow
      | undefined;
    if (!row) throw new AppError('NOT_FOUND', { entity: 'run', id });
    return row;
  }

  constructor(store: Store) {
    this.#store = store;
  }

  create(
    actor: string,
    identity: string,
    template: Template,
    approval: 'auto' | 'manual',
    fleetId: string | null,
    keepOnFailure = false,
    swap?: SwapState,
  ): RunDetail {
    const state: RunState = {
      steps: stepNames.map((step) => ({ step, status: 'pending', startedAt: null, finishedAt: null })),
      boot: null,
      ocppVersion: null,
      snapshotId: null,
      plan: null,
      passwordSecretId: null,
      results: {},
      cards: null,
      reset: null,
      verify: null,
      reconnects: 0,
      keepOnFailure,
      rollback: null,
      ...(swap ? { swap } : {}),
    };
    const now = this.#store.now();
    return this.#store.write(() => {
      const info = this.#store
        .stmt(
          `INSERT INTO commissioning_runs (identity, fleet_id, template, status, step, approval, state, created_at, updated_at)
           VALUES (?, ?, ?, 'running', 'identify', ?, ?, ?, ?)`,
        )
        .run(identity, fleetId, JSON.stringify(template), approval, JSON.stringify(state), now, now);
      const id = Number(info.lastInsertRowid);
      recordAudit(this.#store, {
        actor,
        action: 'commissioning.start',
        entity: 'station',
        entityId: identity,
        after: { run: id, template: template.name, ...(swap ? { swapFrom: swap.from } : {}) },
      });
      return this.get(id);
    });
  }

  /** The run as committed. Shared with every other reader and frozen: change it through save or update. */
  get(id: number): RunDetail {
    const cached = this.#rows.get(id);
    if (cached) {
      cached.detail ??= deepFreeze(toDetail(cached.row));
      return cached.detail;
    }
    const row = this.#readRow(id);
    const detail = deepFreeze(toDetail(row));
    // Inside a write that may still be undone, what is read is not yet known to be committed.
    if (!this.#store.db.inTransaction) this.#rows.set(id, { row, detail });
    return detail;
  }

  /** A forgotten box's runs were deleted outside this store: what it held of them goes too. */
  forget(identity: string): void {
    for (const [id, { row }] of this.#rows) if (row.identity === identity) this.#rows.delete(id);
  }

  list(query: ListQuery): RunSummary[] {
    const rows = this.#store.stmt(listSql(query)).all(...listParams(query)) as RunRow[];
    return rows.map((r) => summary(toDetail(r)));
  }

  /** Driver runs (serial, HTTP, Modbus, console) still marked as moving: none can go on after a restart. */
  unfinishedDriverRuns(): number[] {
    const rows = this.#store
      .stmt(
        "SELECT id FROM commissioning_runs WHERE status IN ('running', 'waiting-for-box', 'awaiting-approval') AND json_extract(state, '$.driver') IS NOT NULL ORDER BY id",
      )
      .all() as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  /** OCPP runs under way when the tool stopped, oldest first, and those waiting for the user's approval:
   *  `begun` when its box had been taken up (a fleet's run still waiting for its place has not). */
  unfinishedOcppRuns(): Array<{
    id: number;
    identity: string;
    fleetId: string | null;
    begun: boolean;
    awaitingApproval: boolean;
  }> {
    const rows = this.#store
      .stmt(
        `SELECT id, identity, fleet_id AS fleetId, status = 'awaiting-approval' AS awaitingApproval,
                step <> 'identify' OR json_extract(state, '$.steps[0].status') <> 'pending' AS begun
         FROM commissioning_runs
         WHERE status IN ('running', 'waiting-for-box', 'awaiting-approval')
           AND json_extract(state, '$.driver') IS NULL ORDER BY id`,
      )
      .all() as Array<{
      id: number;
      identity: string;
      fleetId: string | null;
      begun: number;
      awaitingApproval: number;
    }>;
    return rows.map((r) => ({ ...r, begun: r.begun === 1, awaitingApproval: r.awaitingApproval === 1 }));
  }

  /** Applies a change to one run in one transaction and returns the run as committed. */
  update(
    id: number,
    change: (run: RunDetail) => void,
    audit?: { actor: string; action: AuditAction; after?: unknown },
  ): RunDetail {
    // Part of a caller's transaction: that one may still be undone, so the row is not kept.
    const nested = this.#store.db.inTransaction;
    try {
      const run = this.#store.write(() => this.#apply(id, change, audit));
      if (nested) this.#rows.delete(id);
      return run;
    } catch (error) {
      this.#rows.delete(id);
      throw error;
    }
  }

  /**
   * The same as update, in the transaction the writes of this burst share (one disk flush for a whole
   * car park's steps): resolves with the run once that transaction is committed, never before.
   */
  async save(
    id: number,
    change: (run: RunDetail) => void,
    audit?: { actor: string; action: AuditAction; after?: unknown },
  ): Promise<RunDetail> {
    const nested = this.#store.db.inTransaction;
    try {
      const run = await this.#store.writeGrouped(() => this.#apply(id, change, audit));
      if (nested) this.#rows.delete(id);
      return run;
    } catch (error) {
      this.#rows.delete(id);
      throw error;
    }
  }

  #apply(
    id: number,
    change: (run: RunDetail) => void,
    audit: { actor: string; action: AuditAction; after?: unknown } | undefined,
  ): RunDetail {
    // What the transaction holds now; the cache is only set once this write has succeeded.
    const cached = this.#rows.get(id);
    this.#rows.delete(id);
    const before = this.#readRow(id);
    // The run as read before, when it is what the transaction holds: its state copied, not parsed again.
    const known = cached?.detail && sameRun(cached.row, before) ? cached.detail : null;
    const run = known
      ? detailOf(before, jsonCopy(known.state), known.error ? jsonCopy(known.error) : null)
      : toDetail(before);
    change(run);
    const row: RunRow = {
      ...before,
      status: stored(run.status),
      step: run.step,
      state: JSON.stringify(run.state),
      error: run.error ? JSON.stringify(run.error) : null,
      updated_at: this.#store.now(),
    };
    this.#store
      .stmt(
        'UPDATE commissioning_runs SET status = ?, step = ?, state = ?, error = ?, updated_at = ? WHERE id = ?',
      )
      .run(row.status, row.step, row.state, row.error, row.updated_at, id);
    if (audit)
      recordAudit(this.#store, {
        actor: audit.actor,
        action: audit.action,
        entity: 'station',
        entityId: run.identity,
        after: { run: id, ...(audit.after as object) },
      });
    // As its text in the row would read back (a copy: what the change put in stays the caller's).
    const detail = deepFreeze(detailOf(row, jsonCopy(run.state), run.error ? jsonCopy(run.error) : null));
    this.#rows.set(id, { row, detail });
    return detail;
  }
}
