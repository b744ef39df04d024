// Raw handshakes for hostile-peer tests: an HTTP upgrade written byte by byte over a plain TCP or TLS
// socket on loopback, so a test can send what no WebSocket library would (bad escapes, broken headers).
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';

export const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** An upgrade request; a header set to undefined is left out. */
export function upgradeRequest(
  path: string,
  headers: Record<string, string | undefined> = {},
  method = 'GET',
): string {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': WS_KEY,
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'ocpp1.6',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Sends raw bytes and resolves with the status line the server answered ('' when it closed without one).
 * A 101 answer is closed by the test at once. Gives up after 5 s (the server never answered: 'timeout').
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { tls?: boolean } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = options.tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : tcpConnect({ host: '127.0.0.1', port });
    let answer = '';
    let done = false;
    const finish = (line: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    };
    const timer = setTimeout(() => finish('timeout'), 5000);
    socket.on(options.tls ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const end = answer.indexOf('\r\n');
      if (end >= 0) finish(answer.slice(0, end));
    });
    socket.on('error', () => finish(answer.split('\r\n')[0] ?? ''));
    socket.on('close', () => finish(answer.split('\r\n')[0] ?? ''));
  });
}

/** The HTTP status a WebSocket handshake ends with: 101 when it opened (closed again at once). */
export function handshakeStatus(
  url: string,
  options: { protocols?: string[]; authorization?: string; ca?: string; localAddress?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? ['ocpp1.6'], {
      ...(options.authorization ? { headers: { Authorization: options.authorization } } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    ws.on('upgrade', () => {
      resolve(101);
      ws.terminate();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
  });
}
