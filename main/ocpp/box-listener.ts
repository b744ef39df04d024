// The HTTP(S) server a box's WebSocket upgrade arrives on, shared by the local CSMS and the proxy: 404 for
// plain requests, wss:// with the tool's certificates, and every fault below the upgrade refused, never thrown.
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RefusalReason, refuseSocket } from './handshake-guard.ts';

export interface BoxListenerOptions {
  /** wss://: two certificate pairs (ECDSA and RSA), Node serves the one the box's cipher suites need. */
  tls?: { key: string[]; cert: string[] } | undefined;
  /** A refusal below the upgrade (TLS failed, not HTTP): for the trace, the log and the events. */
  refused(reason: RefusalReason, remoteAddress: string | null, details: Record<string, unknown>): void;
}

export function boxListener(options: BoxListenerOptions): Server {
  const notFound = (_req: unknown, res: { statusCode: number; end(): void }) => {
    res.statusCode = 404;
    res.end();
  };
  const tls = options.tls;
  const http: Server = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, notFound)
    : createServer(notFound);
  if (tls) {
    // A box that does not trust the CA (or speaks no TLS) ends the handshake: traced, never thrown.
    http.on('tlsClientError', (error: Error & { code?: string }, socket: Socket) => {
      options.refused('tls-failed', socket.remoteAddress ?? null, { error: error.code ?? error.message });
    });
  }
  // A request that is not HTTP at all: answered 400 by Node unless the socket is gone; never thrown.
  http.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // A peer that went away is no refusal; anything that is not HTTP (or headers over 16 KB) is.
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      options.refused('bad-request', (socket as Socket).remoteAddress ?? null, {
        error: error.code ?? 'parse error',
      });
      refuseSocket(socket, tooLarge ? 431 : 400);
    } else socket.destroy();
  });
  return http;
}
