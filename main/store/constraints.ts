// Turns SQLite constraint failures into the typed errors a user can act on ("that name is taken",
// "the site still has boxes"), so repositories need no try/catch of their own for them.
import { AppError, type ErrorParams } from '../api/errors.ts';

interface SqliteError {
  code?: string;
}

export function translateConstraint<T>(fn: () => T, params: ErrorParams): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as SqliteError | null)?.code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new AppError('ALREADY_EXISTS', params, { cause: error });
    }
    // ON DELETE RESTRICT reports as a trigger constraint in SQLite; a deferred check as FOREIGNKEY.
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === 'SQLITE_CONSTRAINT_TRIGGER')
      throw new AppError('IN_USE', params, { cause: error });
    throw error;
  }
}

export function notFound(entity: string, id: number | string): AppError {
  return new AppError('NOT_FOUND', { entity, id });
}
