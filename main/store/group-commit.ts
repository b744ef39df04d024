// Group commit: the writes that arrive in one burst (one turn of the event loop) share one transaction
// and one disk flush, and each caller hears of its write only after that commit, as with a write alone.
import { AppError } from '../api/errors.ts';
import type { Db } from './database.ts';

interface Queued {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The one writer of a store: runs a transaction (BEGIN IMMEDIATE, waiting for other processes). */
export type RunWrite = <T>(fn: () => T) => T;

export interface GroupCommit {
  /** Queues fn for the burst's transaction; resolves with its result once that transaction is committed. */
  enqueue<T>(fn: () => T): Promise<T>;
  /** Writes of the burst still waiting for their transaction. */
  readonly pending: number;
  /**
   * The queued writes joined to a write that comes meanwhile (so they keep their order): run() inside its
   * transaction gives the settle to call after its commit; fail() when that transaction was not committed.
   */
  take(): { run(): () => void; fail(error: unknown): void } | null;
  /** Commits whatever is queued now (before a close). */
  flush(): void;
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
    try {
      if (!db.open) throw new AppError('STORE_UNAVAILABLE', { file: db.name });
      // A retried transaction runs every write again from the start (nothing of the failed try stays).
      runWrite(() => {
        settle = runAll(items);
      });
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    settle?.();
  };

  return {
    enqueue<T>(fn: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
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
  };
}
