// Waiting for something a box does (connects, boots, sends a call): resolves with the first event that
// picks a value, or with what the timeout gives; a cancel rejects CANCELLED. Listeners are always removed.
import { AppError } from '../api/errors.ts';

export interface WaitOptions<T> {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** What the wait ends with when nothing came in time: a value, or a typed error to reject with. */
  onTimeout: () => T | AppError;
}

/** subscribe registers a listener and returns its removal; pick turns an event into the awaited value. */
export function waitForEvent<E, T>(
  subscribe: (listener: (event: E) => void) => () => void,
  pick: (event: E) => T | undefined,
  options: WaitOptions<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new AppError('CANCELLED'));
    const finish = (value: T | AppError) => {
      unsubscribe();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (value instanceof AppError) reject(value);
      else resolve(value);
    };
    const unsubscribe = subscribe((event) => {
      const value = pick(event);
      if (value !== undefined) finish(value);
    });
    const onAbort = () => finish(new AppError('CANCELLED'));
    const timer = setTimeout(() => finish(options.onTimeout()), options.timeoutMs ?? 2 ** 31 - 1);
    options.signal?.addEventListener('abort', onAbort);
  });
}
