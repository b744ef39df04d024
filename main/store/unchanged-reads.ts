// Reads the api repeats on every call (the language, the sites list) answered from their last result while
// the database is unchanged: SQLite's own counters tell, for this connection and for any other process.
import type Database from 'better-sqlite3';
import type { Db } from './database.ts';

interface Remembered {
  stamp: string;
  value: unknown;
}

interface Counters {
  stamp: Database.Statement;
  remembered: Map<string, Remembered>;
}

const perConnection = new WeakMap<Db, Counters>();

function countersOf(db: Db): Counters {
  let counters = perConnection.get(db);
  if (!counters) {
    counters = {
      // total_changes: rows this connection inserted, changed or deleted (triggers too), rolled back or not;
      // data_version moves whenever another connection (a `wbc` command, the app) committed to the file.
      stamp: db.prepare("SELECT total_changes() || ':' || data_version AS stamp FROM pragma_data_version"),
      remembered: new Map(),
    };
    perConnection.set(db, counters);
  }
  return counters;
}

/**
 * read()'s last result when nothing was written since (by this connection or another), else read() again.
 * Inside a transaction it always reads: what it sees there may still be rolled back. The result is shared
 * between callers: `copy` hands each one its own.
 */
export function readUnchanged<T>(db: Db, key: string, read: () => T, copy: (value: T) => T): T {
  if (db.inTransaction || !db.open) return read();
  const counters = countersOf(db);
  const { stamp } = counters.stamp.get() as { stamp: string };
  const found = counters.remembered.get(key);
  if (found?.stamp === stamp) return copy(found.value as T);
  const value = read();
  counters.remembered.set(key, { stamp, value });
  return copy(value);
}
