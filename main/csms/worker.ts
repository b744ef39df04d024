// Delivers the outbox to each company CSMS: a bounded number of requests in flight per CSMS, backoff
// with jitter, Retry-After honoured, a conflict held for the user. All state is in the database, so a
// run killed at any moment leaves every job pending or done, and a repeated PUT changes nothing.
import { setMaxListeners } from 'node:events';
import { AppError, type ErrorCode, type ErrorParams } from '../api/errors.ts';
import type { Store } from '../store/database.ts';
import type { CsmsConnector, ManualStep, RemoteToken } from './connector.ts';
import type { ConnectorInfo } from './connectors-store.ts';
import {
  type JobRow,
  nextDueAt,
  type SyncJob,
  sameToken,
  type TokenPayload,
  toJob,
  tokenOf,
} from './outbox.ts';

export interface WorkerOptions {
  /** Longest the run waits for a job's next attempt before it stops (and leaves it pending). */
  maxWaitS?: number;
  signal?: AbortSignal;
  random?: () => number;
  /** Called after each job ends an attempt (progress for the CLI). */
  progress?: (job: SyncJob) => void;
}

export interface SyncRunSummary {
  connector: string;
  delivered: number;
  conflicts: number;
  failed: number;
  manual: number;
  retried: number;
  /** Still pending when the run stopped, and why the last attempt failed. */
  pending: number;
  stoppedBy: { code: ErrorCode; params: ErrorParams } | null;
  /** File export: the file the cards were handed over in. */
  file?: string;
}

/** Errors after which the job waits and is tried again; any other AppError fails it for the user. */
const transient = new Set<ErrorCode>([
  'CSMS_UNREACHABLE',
  'CSMS_TIMEOUT',
  'CSMS_BAD_ANSWER',
  'CSMS_RATE_LIMITED',
]);

export function backoffMs(attempts: number, info: ConnectorInfo, random: () => number): number {
  const base = info.settings.backoffBaseMs ?? 1000;
  const max = info.settings.backoffMaxMs ?? 300_000;
  const full = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  // "Equal jitter": at least half the delay, so a fleet of laptops coming back online spreads out.
  return Math.round(full / 2 + (random() * full) / 2);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

function errorOf(error: unknown): { code: ErrorCode; params: ErrorParams } {
  if (error instanceof AppError) return { code: error.code, params: error.params };
  return { code: 'CSMS_UNREACHABLE', params: { name: '', reason: 'internal error' } };
}

type Outcome =
  | { kind: 'done'; pushed: TokenPayload | null }
  | { kind: 'conflict'; theirs: RemoteToken }
  | { kind: 'manual'; steps: ManualStep[] };

export class SyncWorker {
  readonly #store: Store;
  readonly #info: ConnectorInfo;
  readonly #connector: CsmsConnector;

  readonly #lend: (secretId: number) => string;

  /** `lend` hands a station's password from the vault for the one call that registers it. */
  constructor(
    store: Store,
    info: ConnectorInfo,
    connector: CsmsConnector,
    lend: (secretId: number) => string = () => {
      throw new AppError('NOT_FOUND', { entity: 'secret', id: 0 });
    },
  ) {
    this.#store = store;
    this.#info = info;
    this.#connector = connector;
    this.#lend = lend;
  }

  #pushedBefore(key: string): boolean {
    return (
      this.#store.db
        .prepare('SELECT 1 FROM sync_pushed WHERE connector_id = ? AND key = ?')
        .get(this.#info.id, key) !== undefined
    );
  }

  async #deliver(job: SyncJob, signal: AbortSignal): Promise<Outcome> {
    const c = this.#connector;
    if (job.kind === 'station.register') {
      const { passwordSecretId, ...station } = job.payload;
      // SteVe and the like: the station is added by hand, and the job says exactly what to enter.
      if (!c.registerStation) return { kind: 'manual', steps: c.manualSteps(station) };
      const password = passwordSecretId === null ? null : this.#lend(passwordSecretId);
      await c.registerStation({ ...station, password }, signal);
      return { kind: 'done', pushed: null };
    }
    if (job.kind === 'token.revoke') {
      if (!c.revokeToken)
        throw new AppError('CSMS_CAPABILITY_MISSING', { name: c.name, capability: 'token.revoke' });
      await c.revokeToken(tokenOf(job.payload), signal);
      return { kind: 'done', pushed: job.payload };
    }
    if (job.kind !== 'token.upsert' || !c.upsertToken) {
      throw new AppError('CSMS_CAPABILITY_MISSING', { name: c.name, capability: job.kind });
    }
    // Before the first push of a card: the CSMS may hold it already, set up by someone else.
    if (!job.force && c.getToken && !this.#pushedBefore(job.key)) {
      const theirs = await c.getToken(job.key, signal);
      if (theirs && !sameToken(job.payload, theirs)) return { kind: 'conflict', theirs };
      if (theirs) return { kind: 'done', pushed: job.payload };
    }
    await c.upsertToken(tokenOf(job.payload), signal);
    return { kind: 'done', pushed: job.payload };
  }

  /** Records an outcome only for the revision delivered: a newer change keeps the job pending. Runs
   *  inside the caller's transaction (a batch of outcomes is one commit). */
  #settleOne(job: SyncJob, outcome: Outcome, now: string): boolean {
    if (outcome.kind === 'manual') {
      const missing = {
        code: 'CSMS_CAPABILITY_MISSING',
        params: { name: this.#connector.name, capability: job.kind },
      };
      return (
        this.#store
          .stmt(
            "UPDATE sync_outbox SET state = 'manual', attempts = attempts + 1, last_error = ?, manual_steps = ?, updated_at = ? WHERE id = ? AND revision = ?",
          )
          .run(JSON.stringify(missing), JSON.stringify(outcome.steps), now, job.id, job.revision).changes ===
        1
      );
    }
    if (outcome.kind === 'conflict') {
      return (
        this.#store
          .stmt(
            "UPDATE sync_outbox SET state = 'conflict', theirs = ?, attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ? AND revision = ?",
          )
          .run(JSON.stringify(outcome.theirs), now, job.id, job.revision).changes === 1
      );
    }
    const changed = this.#store
      .stmt(
        "UPDATE sync_outbox SET state = 'done', attempts = attempts + 1, last_error = NULL, done_at = ?, updated_at = ? WHERE id = ? AND revision = ?",
      )
      .run(now, now, job.id, job.revision).changes;
    if (outcome.pushed) {
      this.#store
        .stmt(
          'INSERT INTO sync_pushed (connector_id, key, payload, pushed_at) VALUES (?, ?, ?, ?) ON CONFLICT (connector_id, key) DO UPDATE SET payload = excluded.payload, pushed_at = excluded.pushed_at',
        )
        .run(this.#info.id, job.key, JSON.stringify(outcome.pushed), now);
    }
    return changed === 1;
  }

  #fail(
    job: SyncJob,
    error: { code: ErrorCode; params: ErrorParams },
    state: 'pending' | 'failed' | 'manual',
    delayMs: number,
  ): void {
    this.#store.write(() => {
      const now = this.#store.now();
      const next = new Date(Date.now() + delayMs).toISOString();
      this.#store.db
        .prepare(
          'UPDATE sync_outbox SET state = CASE WHEN revision = ? THEN ? ELSE state END, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?',
        )
        .run(job.revision, state, JSON.stringify(error), next, now, job.id);
    });
  }

  #due(exclude: ReadonlySet<number>, limit: number): SyncJob[] {
    const rows = this.#store.db
      .prepare(
        "SELECT * FROM sync_outbox WHERE connector_id = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
      )
      .all(this.#info.id, new Date().toISOString(), limit + exclude.size) as JobRow[];
    return rows
      .filter((r) => !exclude.has(r.id))
      .slice(0, limit)
      .map(toJob);
  }

  #nextDue(): number | null {
    return nextDueAt(this.#store, this.#info.id);
  }

  async run(options: WorkerOptions = {}): Promise<SyncRunSummary> {
    const random = options.random ?? Math.random;
    const signal = options.signal ?? new AbortController().signal;
    // Each request in flight listens to the run's signal.
    setMaxListeners(0, signal);
    const maxWaitMs = (options.maxWaitS ?? 30) * 1000;
    const concurrency = Math.max(1, this.#info.settings.concurrency ?? 4);
    const summary: SyncRunSummary = {
      connector: this.#info.name,
      delivered: 0,
      conflicts: 0,
      failed: 0,
      manual: 0,
      retried: 0,
      pending: 0,
      stoppedBy: null,
    };
    const inFlight = new Map<number, Promise<void>>();
    let stop = false;
    /** The CSMS asked to slow down (429): nothing is sent before this instant. */
    let notBefore = 0;

    // Outcomes are committed in batches (many cards, one fsync); a run killed before a batch is committed
    // leaves those jobs pending, and repeating their PUT changes nothing at the CSMS.
    let settling: Array<{ job: SyncJob; outcome: Outcome }> = [];
    let flushTimer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      const batch = settling;
      settling = [];
      if (batch.length === 0) return;
      this.#store.write(() => {
        const now = this.#store.now();
        for (const { job, outcome } of batch) {
          const settled = this.#settleOne(job, outcome, now);
          if (settled && outcome.kind === 'done') summary.delivered++;
          if (settled && outcome.kind === 'conflict') summary.conflicts++;
          if (settled && outcome.kind === 'manual') summary.manual++;
        }
      });
      for (const { job } of batch) options.progress?.(job);
    };

    const work = async (job: SyncJob) => {
      try {
        const outcome = await this.#deliver(job, signal);
        settling.push({ job, outcome });
        if (settling.length >= concurrency) flush();
        else flushTimer ??= setTimeout(flush, 25);
        return;
      } catch (error) {
        if (signal.aborted) return;
        const e = errorOf(error);
        if (e.code === 'CSMS_AUTH_FAILED' || e.code === 'CSMS_TLS_FAILED') {
          // The same credentials (or certificate) will not work for the next card either: the run stops
          // for this CSMS and the card waits, for new credentials, a renewed certificate, another network.
          this.#fail(job, e, 'pending', 0);
          summary.stoppedBy = e;
          stop = true;
        } else if (e.code === 'CSMS_RATE_LIMITED') {
          const waitMs = Number(e.params.retryAfterS ?? 1) * 1000;
          notBefore = Math.max(notBefore, Date.now() + waitMs);
          this.#fail(job, e, 'pending', waitMs);
          summary.retried++;
        } else if (transient.has(e.code)) {
          this.#fail(job, e, 'pending', backoffMs(job.attempts + 1, this.#info, random));
          summary.retried++;
        } else if (e.code === 'CSMS_CAPABILITY_MISSING') {
          this.#fail(job, e, 'manual', 0);
          summary.manual++;
        } else {
          this.#fail(job, e, 'failed', 0);
          summary.failed++;
        }
      }
      options.progress?.(job);
    };

    while (!signal.aborted) {
      if (!stop && Date.now() >= notBefore && inFlight.size < concurrency) {
        const jobs = this.#due(
          new Set([...inFlight.keys(), ...settling.map((s) => s.job.id)]),
          concurrency - inFlight.size,
        );
        for (const job of jobs) {
          const p = work(job).finally(() => inFlight.delete(job.id));
          inFlight.set(job.id, p);
        }
        if (jobs.length > 0) continue;
      }
      if (inFlight.size > 0) {
        await Promise.race(inFlight.values());
        continue;
      }
      // Nothing in flight: what was delivered is committed before deciding whether to wait or stop.
      flush();
      if (stop) break;
      const next = this.#nextDue();
      if (next === null) break;
      const waitMs = Math.max(next, notBefore) - Date.now();
      if (waitMs > maxWaitMs) break;
      if (waitMs > 0) await sleep(waitMs, signal);
    }
    await Promise.allSettled(inFlight.values());
    flush();
    summary.pending = (
      this.#store.db
        .prepare("SELECT COUNT(*) AS n FROM sync_outbox WHERE connector_id = ? AND state = 'pending'")
        .get(this.#info.id) as { n: number }
    ).n;
    if (!summary.stoppedBy && summary.pending > 0) {
      const last = this.#store.db
        .prepare(
          "SELECT last_error FROM sync_outbox WHERE connector_id = ? AND state = 'pending' AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
        )
        .get(this.#info.id) as { last_error: string } | undefined;
      if (last) summary.stoppedBy = JSON.parse(last.last_error) as SyncRunSummary['stoppedBy'];
    }
    return summary;
  }
}
