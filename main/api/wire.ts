// What travels between a face and the router: replies, events and WebSocket frames.
// Pure types and one error class, so the renderer can share them without importing Node code.
import type { EventName, Events, MethodName, ParamsOf, ResultOf } from './contract.ts';
import type { WireError } from './errors.ts';

export type Reply<R = unknown> = { ok: true; result: R } | { ok: false; error: WireError };

/** The api as a caller sees it, whatever carries it (IPC, WebSocket, in-process). */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** A reply that failed, as an exception a caller can catch and still read the code from. */
export class ApiCallError extends Error {
  readonly error: WireError;
  constructor(error: WireError) {
    super(`${error.code}: ${error.message}`);
    this.name = 'ApiCallError';
    this.error = error;
  }
}

export type ClientFrame = { type: 'call'; id: number; method: string; params: unknown };

export type ServerFrame =
  | { type: 'reply'; id: number; reply: Reply }
  | { type: 'event'; event: EventName; payload: unknown };

/** What the preload script exposes as window.commissioner: the same shape over IPC. */
export interface BridgeApi {
  call(method: string, params: unknown): Promise<Reply>;
  on(listener: (event: EventName, payload: unknown) => void): () => void;
}
