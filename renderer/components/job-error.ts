// The reason an outbox job waits or failed, in the reader's language: the Sync page's list and the sync
// state on each card's and box's row say it the same way.
import type { ErrorCode, WireError } from '../../main/api/errors.ts';
import type { JobError } from '../../main/csms/outbox.ts';

export function jobErrorText(
  describe: (error: WireError) => { message: string },
  error: JobError | null,
  none = '',
): string {
  if (!error) return none;
  return describe({
    code: error.code as ErrorCode,
    params: error.params,
    message: '',
    remedy: '',
    fields: [],
  }).message;
}
