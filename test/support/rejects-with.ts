// Awaits a promise that must reject with an AppError of one code, and returns that error for more checks.
import assert from 'node:assert/strict';
import { AppError } from '../../main/api/errors.ts';

export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code, JSON.stringify(error.params));
    return error;
  }
  assert.fail(`expected ${code}`);
}
