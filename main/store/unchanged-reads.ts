// Reads the api repeats on every call (the language, the sites list) answered from their last result while
// the database is unchanged: SQLite's own counters tell, for this connection and for any other process.
import type Database from 'better-sqlite3';
import type { Db } from './database.ts';
import { shareResult } from './shared-result.ts';

interface Remembered {
  totalChanges: number;
  dataVersion: number;
  value: unknown;
}

interface Counters {
  totalChanges: Database.Statement;
  dataVersion: Database.Statement;
  remembered: Map<string, Remembered>;
}

const perConnection = new WeakMap<Db, Counters>();

function countersOf(db: Db): Counters {
  let counters = perConnection.get(db);
  if (!counters) {
    counters = {
      // total_changes: rows this connection inserted, changed or deleted (triggers too), rolled back or not;
      // data_version moves whenever another connection (a `wbc` command, the app) committed to the file.
      // Two plain statements, one value each, cost less than one that joins them into a string.
      totalChanges: db.prepare('SELECT total_changes()').pluck(),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      remembered: new Map(),
    };
    perConnection.set(db, counters);
  }
  return counters;
}

/**
 * read()'s last result when nothing was written since (by this connection or another), else read() again.
 * Inside a transaction it always reads: what it sees there may still be rolled back. The result is shared
 * between callers, frozen all the way down (shared-result.ts): a caller that wants to change it
 * makes its own copy; a face sending it as JSON writes its text once per change.
 */
export function readUnchanged<T>(db: Db, key: string, read: () => T): T {
  if (db.inTransaction || !db.open) return read();
  const counters = countersOf(db);
  const totalChanges = counters.totalChanges.get() as number;
  const dataVersion = counters.dataVersion.get() as number;
  const found = counters.remembered.get(key);
  if (found && found.totalChanges === totalChanges && found.dataVersion === dataVersion)
    return found.value as T;
  const value = shareResult(read());
  counters.remembered.set(key, { totalChanges, dataVersion, value });
  return value;
}
