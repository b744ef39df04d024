// Group commit: the writes that arrive in one burst (one turn of the event loop) share one transaction
// and one disk flush, and each caller hears of its write only after that commit, as with a write alone.
import { AppError } from '../api/errors.ts';
import type { Db } from './database.ts';

interface Queued {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  durable: boolean;
}

export interface GroupedWriteOptions {
  /**
   * false: committed with the burst like any write (a crash of the tool loses nothing committed), but the
   * disk flush may wait: a burst of only such writes commits without it, and they reach the disk with the
   * next flushed commit or at most RELAXED_SYNC_MS later. For records nobody waits on (trace frames, shown
   * live before they are stored anyway), never for what the user is told is done. Default true.
   */
  durable?: boolean;
}

/** How long relaxed writes may wait for their disk flush while nothing else flushes. */
export const RELAXED_SYNC_MS = 1_000;

/** The one writer of a store: runs a transaction (BEGIN IMMEDIATE, waiting for other processes). */
export type RunWrite = <T>(fn: () => T) => T;

export interface GroupCommit {
  /** Queues fn for the burst's transaction; resolves with its result once that transaction is committed. */
  enqueue<T>(fn: () => T, options?: GroupedWriteOptions): Promise<T>;
  /** Writes of the burst still waiting for their transaction. */
  readonly pending: number;
  /**
   * The queued writes joined to a write that comes meanwhile (so they keep their order): run() inside its
   * transaction gives the settle to call after its commit; fail() when that transaction was not committed.
   */
  take(): { run(): () => void; fail(error: unknown): void } | null;
  /** Commits whatever is queued now (before a close). */
  flush(): void;
  /** Puts relaxed commits on disk now (a checkpoint: the WAL is flushed first), when any are not yet. */
  sync(): void;
}

/**
 * One queue per connection. The first write of a burst schedules the commit after the current turn
 * (setImmediate), so every write that arrives meanwhile joins it; while a commit waits for the disk the
 * next burst gathers. Each write runs in a savepoint: one that throws is undone alone and its caller gets
 * the error, the others are committed. A failed commit fails every write of the group (nothing written).
 */
export function createGroupCommit(db: Db, runWrite: RunWrite): GroupCommit {
  let queue: Queued[] = [];
  let scheduled = false;
  /** Relaxed commits not yet on disk, and the timer that puts them there. */
  let unsynced = false;
  let syncTimer: ReturnType<typeof setTimeout> | undefined;

  /** A burst of relaxed writes only: committed without the disk flush (synchronous NORMAL in WAL mode). */
  const relaxedRun = (fn: () => void): void => {
    const level = db.pragma('synchronous', { simple: true }) as number;
    db.pragma('synchronous = NORMAL');
    try {
      fn();
    } finally {
      db.pragma(`synchronous = ${level}`);
    }
  };

  const sync = (): void => {
    clearTimeout(syncTimer);
    syncTimer = undefined;
    if (!unsynced || !db.open) return;
    try {
      // A checkpoint flushes the WAL to disk before it copies it into the database (and flushes that).
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
      if (result && result.checkpointed >= result.log) unsynced = false;
    } catch {
      // the connection is busy (an iteration): tried again below
    }
    if (unsynced) syncLater();
  };

  const syncLater = (): void => {
    unsynced = true;
    if (syncTimer) return;
    syncTimer = setTimeout(sync, RELAXED_SYNC_MS);
    syncTimer.unref();
  };

  /** Runs each queued write in a savepoint of the open transaction; returns how to settle them. */
  const runAll = (items: Queued[]): (() => void) => {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const item of items) {
      try {
        outcomes.push({ ok: true, value: db.transaction(item.fn)() });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return () =>
      items.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) item.resolve(outcome.value);
        else item.reject(outcome?.error);
      });
  };

  const flush = (): void => {
    scheduled = false;
    const items = queue;
    queue = [];
    if (items.length === 0) return;
    let settle: (() => void) | undefined;
    const relaxed = items.every((item) => !item.durable);
    try {
      if (!db.open) throw new AppError('STORE_UNAVAILABLE', { file: db.name });
      // A retried transaction runs every write again from the start (nothing of the failed try stays).
      const commit = () =>
        runWrite(() => {
          settle = runAll(items);
        });
      if (relaxed) relaxedRun(commit);
      else commit();
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    // Relaxed commits are put on disk by a checkpoint (only: a flushed commit may have written nothing).
    if (relaxed) syncLater();
    settle?.();
  };

  return {
    enqueue<T>(fn: () => T, options: GroupedWriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          fn,
          resolve: resolve as (value: unknown) => void,
          reject,
          durable: options.durable ?? true,
        });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    get pending() {
      return queue.length;
    },
    take() {
      if (queue.length === 0) return null;
      const items = queue;
      queue = [];
      return {
        run: () => runAll(items),
        fail: (error: unknown) => {
          for (const item of items) item.reject(error);
        },
      };
    },
    flush,
    sync,
  };
}
