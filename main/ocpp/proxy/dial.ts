// Dials the company CSMS for one box, the way the box would: its subprotocols and its Authorization header
// unchanged, the CA trust the tool has; and says plainly what came of it (open, refused with a status, gone).
import { rootCertificates } from 'node:tls';
import { WebSocket } from 'ws';

export interface UpstreamTarget {
  /** The full URL, identity included (upstream-url.ts). */
  url: string;
  /** PEM of a CA to trust besides the system's, for wss:// to a CSMS with a private CA. */
  ca?: string | undefined;
  maxPayload: number;
  handshakeTimeoutMs: number;
}

export type DialOutcome =
  | { kind: 'open'; socket: WebSocket }
  /** The CSMS answered the upgrade with an HTTP status (401 wrong password, 404 unknown box, ...). */
  | { kind: 'refused'; status: number; retryAfter: string | null }
  /** It chose none of the subprotocols offered (or one not offered). */
  | { kind: 'no-subprotocol' }
  /** No answer at all: refused connection, DNS, TLS, timeout. */
  | { kind: 'unreachable'; error: string };

export function dialUpstream(
  target: UpstreamTarget,
  protocols: readonly string[],
  authorization: string | undefined,
): Promise<DialOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: DialOutcome) => {
      if (settled) {
        if (outcome.kind === 'open') outcome.socket.terminate();
        return;
      }
      settled = true;
      resolve(outcome);
    };
    let socket: WebSocket;
    try {
      socket = new WebSocket(target.url, [...protocols], {
        headers: authorization === undefined ? {} : { authorization },
        ...(target.ca ? { ca: [...rootCertificates, target.ca] } : {}),
        maxPayload: target.maxPayload,
        perMessageDeflate: false,
        handshakeTimeout: target.handshakeTimeoutMs,
        followRedirects: false,
      });
    } catch (error) {
      done({ kind: 'unreachable', error: error instanceof Error ? error.message : String(error) });
      return;
    }
    // Every later error of this socket is the relay's to report; this listener only keeps it from throwing.
    socket.on('error', (error: Error & { code?: string }) => {
      if (/subprotocol/i.test(error.message)) done({ kind: 'no-subprotocol' });
      else done({ kind: 'unreachable', error: error.code ?? error.message });
    });
    socket.on('unexpected-response', (request, response) => {
      const retryAfter = response.headers['retry-after'];
      done({
        kind: 'refused',
        status: response.statusCode ?? 502,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      });
      response.resume();
      request.destroy();
    });
    socket.once('open', () => done({ kind: 'open', socket }));
  });
}
