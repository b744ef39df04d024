// One outgoing OCPP call with the failures a technician can act on: no answer in time, a CALLERROR
// from the box, an answer that violates the schema, the box gone. Every session call goes through here.
import { AppError } from '../api/errors.ts';
import type { OcppPeer } from './peer.ts';
import { toleratedViolations, type Violation } from './tolerant-validators.ts';

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface Caller {
  readonly identity: string;
  call<T>(action: string, params: unknown, options?: CallOptions): Promise<T>;
}

export function createCaller(
  peer: OcppPeer,
  identity: string,
  defaultTimeoutMs: number,
  onTolerated?: (action: string, violation: Violation) => void,
): Caller {
  let badAnswerAt = 0;
  peer.on('strictValidationFailure', () => {
    badAnswerAt = Date.now();
  });
  let closed = false;
  peer.on('close', () => {
    closed = true;
  });
  return {
    identity,
    async call<T>(action: string, params: unknown, options: CallOptions = {}): Promise<T> {
      if (options.signal?.aborted) throw new AppError('CANCELLED');
      if (closed) throw new AppError('BOX_OFFLINE', { identity });
      const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
      const started = Date.now();
      // ocpp-rpc leaves an abort listener on the signal of every call, answered or not: a run's signal,
      // given to hundreds of calls, would collect them all. Each call gets a signal of its own instead.
      const parent = options.signal;
      const own = parent ? new AbortController() : undefined;
      const onAbort = () => own?.abort(parent?.reason);
      parent?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await peer.call(action, params, { callTimeoutMs: timeoutMs, signal: own?.signal });
        const violation =
          typeof result === 'object' && result !== null ? toleratedViolations.get(result) : undefined;
        if (violation) onTolerated?.(action, violation);
        return result as T;
      } catch (error) {
        if (options.signal?.aborted) throw new AppError('CANCELLED', {}, { cause: error });
        // ocpp-rpc is loaded by now (the CSMS runs on it); importing it here keeps start-up light.
        const { default: ocppRpc } = await import('ocpp-rpc');
        if (error instanceof ocppRpc.TimeoutError) {
          throw new AppError(
            'BOX_NO_ANSWER',
            { identity, action, seconds: Math.round(timeoutMs / 1000) },
            { cause: error },
          );
        }
        if (closed) throw new AppError('BOX_OFFLINE', { identity }, { cause: error });
        if (badAnswerAt >= started)
          throw new AppError('BOX_BAD_ANSWER', { identity, action }, { cause: error });
        const rpc = error as { rpcErrorCode?: string; message?: string };
        if (rpc.rpcErrorCode) {
          throw new AppError(
            'BOX_CALL_FAILED',
            {
              identity,
              action,
              reason: `${rpc.rpcErrorCode}${rpc.message ? ` (${rpc.message.slice(0, 120)})` : ''}`,
            },
            { cause: error },
          );
        }
        throw new AppError('BOX_OFFLINE', { identity }, { cause: error });
      } finally {
        parent?.removeEventListener('abort', onAbort);
      }
    },
  };
}
