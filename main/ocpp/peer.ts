// The slice of an ocpp-rpc connection the tool uses, typed once: calls out, handlers in, events.
// Sessions and the CSMS depend on this interface, not on ocpp-rpc's loose typings.
import type { IncomingHttpHeaders } from 'node:http';

export interface OcppPeer {
  readonly identity: string;
  readonly protocol: string | undefined;
  readonly handshake: {
    remoteAddress: string | undefined;
    headers: IncomingHttpHeaders;
    protocols: Set<string>;
    endpoint: string;
    identity: string;
    password: Buffer | undefined;
  };
  call(
    method: string,
    params?: unknown,
    options?: { callTimeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>;
  handle(handler: (request: { method: string; params: unknown; messageId?: string }) => unknown): void;
  close(options?: {
    code?: number;
    reason?: string;
    force?: boolean;
    awaitPending?: boolean;
  }): Promise<unknown>;
  on(event: 'message', listener: (event: { message: unknown; outbound: boolean }) => void): void;
  /** ocpp-rpc: a call going out (emitted with the array it serialises next) or coming in. */
  on(event: 'call', listener: (event: { outbound: boolean; payload: unknown }) => void): void;
  on(event: 'close', listener: (event: { code?: number; reason?: string }) => void): void;
  on(event: 'strictValidationFailure', listener: (event: { error: Error; messageId?: string }) => void): void;
  on(event: 'badMessage', listener: (event: { buffer: unknown; error: Error }) => void): void;
  /** The WebSocket's own faults (a frame over maxPayload, invalid UTF-8, a bad opcode): the socket closes. */
  on(event: 'socketError', listener: (error: Error & { code?: string }) => void): void;
  off(event: 'close', listener: (event: { code?: number; reason?: string }) => void): void;
}
