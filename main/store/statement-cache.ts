// Prepared statements made once per connection and reused: every `db.prepare(sql)` of the core (117 places
// and those to come) gets the statement prepared for that SQL text before, instead of compiling it again.
import type Database from 'better-sqlite3';

/** Enough for every constant statement of the core; SQL built per call (IN lists) falls out, oldest first. */
const MAX_STATEMENTS = 512;

/**
 * Makes db.prepare return the statement already made for the same SQL text, most recently used kept.
 * A statement still iterating (`.iterate()` not finished) is not handed out twice: the caller gets a new
 * one. One handed out again is returned in its plain mode (no pluck, raw or expand left over from the
 * caller before), as a freshly prepared one would be.
 */
export function cacheStatements(db: Database.Database, max = MAX_STATEMENTS): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    const found = statements.get(sql);
    if (found && !found.busy) {
      try {
        if (found.reader) found.pluck(false).raw(false).expand(false);
        found.safeIntegers(false);
        statements.delete(sql);
        statements.set(sql, found);
        return found;
      } catch {
        // the connection is busy with another statement's iteration: a statement of its own, as before
        return prepare(sql);
      }
    }
    const statement = prepare(sql);
    if (found) return statement;
    statements.set(sql, statement);
    if (statements.size > max) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    return statement;
  };
  db.prepare = cached as typeof db.prepare;
}
