// Trace frames are written on a connection of their own, set once to commit without waiting for the disk
// (synchronous NORMAL): the store's connection keeps flushing every commit and no commit switches a setting.
import Database from 'better-sqlite3';
import type { Db } from './database.ts';
import { cacheStatements } from './statement-cache.ts';

/** One trace row as the recorder builds it (main/ocpp/trace.ts). */
export interface TraceRow {
  at: string;
  identity: string;
  direction: string;
  kind: string;
  action: string | null;
  messageId: string | null;
  frame: string;
  side?: string | undefined;
}

/** How long relaxed trace commits may wait for their disk flush while nothing else flushes. */
export const TRACE_SYNC_MS = 1_000;

/** How long a trace commit on the timer waits for another process's write before it is tried later. */
const TRACE_BUSY_MS = 50;

export interface TraceWriter {
  /**
   * Commits the rows now, in their order, in one transaction. With `wait: false` (the recorder's timer) a
   * database held by another writer throws SQLITE_BUSY after a short wait, and the caller keeps the rows for
   * its next try; otherwise it waits as Store.write does (a reader about to show the trace).
   */
  append(rows: readonly TraceRow[], options?: { wait?: boolean }): void;
  /** Puts the committed rows on disk now (a checkpoint: the WAL is flushed first), when any are not yet. */
  sync(): void;
  /** True when the rows go through the store's own connection (the trace's could not be opened). */
  readonly shared: boolean;
  close(): void;
}

/** Rows per insert: one statement of 16 rows costs half the time per row of 16 statements of one (small
 *  frames: a relay's heartbeats); what is left goes in fours and ones. Rows get their ids in this order. */
const ROWS_PER_INSERT = [16, 4, 1] as const;

/** The insert of n rows, in the order given. */
function insertSql(n: number): string {
  const values = Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  return `INSERT INTO trace_frames (at, identity, direction, kind, action, message_id, frame, side) VALUES ${values}`;
}
const INSERTS = new Map<number, string>(ROWS_PER_INSERT.map((n) => [n, insertSql(n)]));

/** The rows in order, through inserts of ROWS_PER_INSERT rows each; `statement(n)` gives the one for n rows. */
function insertRows(rows: readonly TraceRow[], statement: (n: number) => Database.Statement): void {
  let at = 0;
  const args: Array<string | null> = [];
  for (const n of ROWS_PER_INSERT) {
    if (rows.length - at < n) continue;
    const insert = statement(n);
    for (; rows.length - at >= n; at += n) {
      args.length = 0;
      for (let i = at; i < at + n; i++) {
        const r = rows[i] as TraceRow;
        args.push(r.at, r.identity, r.direction, r.kind, r.action, r.messageId, r.frame, r.side ?? null);
      }
      insert.run(...args);
    }
  }
}

/**
 * The trace's connection to the store's file (WAL: both connections write the same database, one at a time).
 * Rows written while the store's connection is inside a transaction of its own join that one: the trace's
 * connection would wait for a lock this thread holds. When the connection cannot be opened the rows go
 * through the store's connection (`shared`), committed and flushed like any other write.
 */
export function openTraceWriter(main: Db, runWrite: <T>(db: Db, fn: () => T) => T): TraceWriter {
  let own: Db | undefined;
  try {
    own = new Database(main.name, { fileMustExist: true });
    own.pragma(`busy_timeout = ${TRACE_BUSY_MS}`);
    // Committed frames survive a crash of the tool (they are in the WAL); the disk flush follows (sync).
    own.pragma('synchronous = NORMAL');
    cacheStatements(own);
  } catch {
    own?.close();
    own = undefined;
  }
  /** Relaxed commits not yet on disk, and the timer that puts them there. */
  let unsynced = false;
  let syncTimer: ReturnType<typeof setTimeout> | undefined;

  /** The inserts on the trace's connection, each prepared once with it (the store's go through its cache). */
  const ownInserts = new Map<number, Database.Statement>();
  const ownInsert = (n: number): Database.Statement => {
    let insert = ownInserts.get(n);
    if (!insert) {
      insert = (own as Db).prepare(INSERTS.get(n) ?? insertSql(n));
      ownInserts.set(n, insert);
    }
    return insert;
  };
  const insertAll = (db: Db, rows: readonly TraceRow[]) =>
    insertRows(rows, db === own ? ownInsert : (n) => db.prepare(INSERTS.get(n) ?? insertSql(n)));

  const sync = (): void => {
    clearTimeout(syncTimer);
    syncTimer = undefined;
    if (!unsynced || !own?.open) return;
    try {
      // A checkpoint flushes the WAL to disk before it copies it into the database (and flushes that).
      const [result] = own.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
      if (result && result.checkpointed >= result.log) unsynced = false;
    } catch {
      // another writer holds the file: tried again below
    }
    if (unsynced) syncLater();
  };

  const syncLater = (): void => {
    unsynced = true;
    if (syncTimer) return;
    syncTimer = setTimeout(sync, TRACE_SYNC_MS);
    syncTimer.unref();
  };

  return {
    append(rows, options = {}) {
      if (rows.length === 0) return;
      if (!own?.open || main.inTransaction) {
        runWrite(main, () => insertAll(main, rows));
        return;
      }
      const db = own;
      if (options.wait === false) db.transaction(() => insertAll(db, rows)).immediate();
      else runWrite(db, () => insertAll(db, rows));
      syncLater();
    },
    sync,
    get shared() {
      return own === undefined;
    },
    close() {
      sync();
      clearTimeout(syncTimer);
      own?.close();
    },
  };
}
