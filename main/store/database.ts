// Opens the SQLite file, refuses one that is damaged or written by a newer version (and never touches
// it then), and applies pending migrations, each in one transaction, after a backup copy.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../api/errors.ts';
import { createGroupCommit } from './group-commit.ts';
import { latestSchemaVersion, type Migration, migrations as shippedMigrations } from './migrations.ts';
import { PRIVATE_DIR_MODE, tightenMode } from './private-files.ts';
import { cacheStatements } from './statement-cache.ts';
import { openTraceWriter, type TraceWriter } from './trace-writer.ts';

export type Db = Database.Database;

export interface Store {
  readonly db: Db;
  readonly file: string;
  readonly schemaVersion: number;
  /** ISO-8601 time for created_at, updated_at and the audit log; a test may pin it. */
  now(): string;
  /** A prepared statement, prepared once per SQL text (statement-cache.ts; db.prepare does the same). */
  stmt(sql: string): Database.Statement;
  /** Runs fn in one write transaction (BEGIN IMMEDIATE): all of it is committed, or none. */
  write<T>(fn: () => T): T;
  /**
   * Runs fn, all of it or none, in the one transaction the writes of this burst share (group-commit.ts):
   * one disk flush for all of them. Resolves with fn's result only once that transaction is committed, so
   * what is shown or acknowledged after awaiting it is on disk. Inside another write it is part of that one.
   */
  writeGrouped<T>(fn: () => T): Promise<T>;
  /** Where trace frames are written (trace-writer.ts): a connection of its own, opened on first use, whose
   *  commits reach the disk within a second. */
  trace(): TraceWriter;
  /** Puts every committed trace frame on disk now: before the trace shows them. */
  sync(): void;
  close(): void;
}

export interface OpenOptions {
  now?: () => string;
  migrations?: readonly Migration[];
  /** Files whose presence says this folder held data before (the vault key): an empty database
   *  next to one is refused (STORE_EMPTY_BUT_KEYED) instead of being set up anew. */
  keyFiles?: readonly string[];
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function corrupt(file: string, cause?: unknown): AppError {
  return new AppError('STORE_CORRUPT', { file }, { cause });
}

/** Checks an existing file without writing to it: a file at all, header, integrity, schema version. */
function inspectExisting(file: string, known: number, keyFiles: readonly string[]): void {
  const stat = statSync(file);
  if (!stat.isFile()) throw new AppError('STORE_NOT_A_FILE', { file });
  if (stat.size === 0) {
    // A new database is 0 bytes only for a moment; next to a vault key it is data that was lost
    // (a failed copy, a full disk): setting it up anew would hide that, and the key's secrets with it.
    const keyFile = keyFiles.find((f) => existsSync(f));
    if (keyFile) throw new AppError('STORE_EMPTY_BUT_KEYED', { file, keyFile });
    return;
  }
  if (!readHeader(file).equals(SQLITE_HEADER)) throw corrupt(file);
  let probe: Db | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true });
    const found = probe.pragma('user_version', { simple: true }) as number;
    if (found > known) throw new AppError('STORE_TOO_NEW', { file, found, known });
    const check = probe.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw corrupt(file);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw corrupt(file, error);
  } finally {
    probe?.close();
  }
}

export function openStore(file: string, options: OpenOptions = {}): Store {
  const migrations = options.migrations ?? shippedMigrations;
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const existed = existsSync(file);
  if (existed) inspectExisting(file, known, options.keyFiles ?? []);
  else mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });

  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new AppError('STORE_UNAVAILABLE', { file }, { cause: error });
  }
  // For its owner only, before the first write: SQLite gives the WAL and shared-memory files the
  // database's mode, so they follow. Files an older version left readable to others are tightened.
  for (const path of [file, `${file}-wal`, `${file}-shm`]) tightenMode(path);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the UI or the CLI says "done", even across a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, migrations);
  } catch (error) {
    db.close();
    if (error instanceof AppError) throw error;
    throw new AppError('STORE_UNAVAILABLE', { file }, { cause: error });
  }

  const now = options.now ?? (() => new Date().toISOString());
  cacheStatements(db);
  const group = createGroupCommit(db, (fn) => writeWaiting(db, fn));
  let traceWriter: TraceWriter | undefined;
  return {
    db,
    stmt: (sql) => db.prepare(sql),
    file,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    now,
    write: <T>(fn: () => T): T => {
      const queued = db.inTransaction ? null : group.take();
      if (!queued) return writeWaiting(db, fn);
      // Writes of the burst queued before this one go first, in the same transaction: order is kept. This
      // write runs in a savepoint, so its failure undoes it alone and the queued ones are still committed.
      let settle: (() => void) | undefined;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = writeWaiting(db, () => {
          settle = queued.run();
          try {
            return { ok: true as const, value: db.transaction(fn)() };
          } catch (error) {
            return { ok: false as const, error };
          }
        });
      } catch (error) {
        queued.fail(error);
        throw error;
      }
      settle?.();
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    },
    writeGrouped: (fn) => {
      if (!db.inTransaction) return group.enqueue(fn);
      try {
        return Promise.resolve(db.transaction(fn)());
      } catch (error) {
        return Promise.reject(error);
      }
    },
    trace: () => {
      if (!db.open) throw new AppError('STORE_UNAVAILABLE', { file });
      traceWriter ??= openTraceWriter(db, writeWaiting);
      return traceWriter;
    },
    sync: () => traceWriter?.sync(),
    close: () => {
      if (db.open) group.flush();
      // The trace's frames on disk (a checkpoint) and its connection closed before the last one is.
      traceWriter?.close();
      if (db.open) db.close();
    },
  };
}

/** How long a write waits in all for another process's write (each try waits busy_timeout itself). */
const WRITE_WAIT_MS = 60_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * One write transaction (BEGIN IMMEDIATE). Another process writing the same file (a second `wbc cards
 * enroll`, the app) makes BEGIN wait busy_timeout; past that the whole transaction is tried again, so a
 * tap waits rather than being lost, until WRITE_WAIT_MS, then STORE_BUSY (a typed error, nothing written).
 * A write inside another write is part of it (a savepoint) and is never retried on its own.
 */
function writeWaiting<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn)();
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      return db.transaction(fn).immediate();
    } catch (error) {
      if (!isBusy(error) || db.inTransaction) throw error;
      if (Date.now() - started >= WRITE_WAIT_MS) {
        throw new AppError(
          'STORE_BUSY',
          { file: db.name, seconds: Math.round(WRITE_WAIT_MS / 1000) },
          { cause: error },
        );
      }
      // A short, growing pause (synchronous, as the transaction is) so the other writer gets its turn.
      Atomics.wait(pause, 0, 0, Math.min(50 * attempt, 500));
    }
  }
}

function migrate(db: Db, file: string, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  if (current > 0) {
    // A copy of the data as the older version knew it, in case a migration surprises a user.
    const backup = `${file}.before-v${pending[0]?.version}.bak`;
    if (!existsSync(backup)) {
      db.prepare('VACUUM INTO ?').run(backup);
      tightenMode(backup);
    }
  }
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export { latestSchemaVersion };
