// The browser shell: one HTTP server on loopback that serves the built renderer and carries the api
// over a WebSocket at /api. The renderer cannot tell it from the desktop's IPC.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../api/errors.ts';
import { wireError } from '../api/router.ts';
import { replyFrameText } from '../api/shared-results.ts';
import type { ClientFrame, ServerFrame } from '../api/wire.ts';
import type { Core } from '../core.ts';
import { type AccessPolicy, allowedHosts, checkApiAccess, checkHost, isLoopbackHost } from './access.ts';
import { securityHeaders } from './security-headers.ts';
import { serveStatic } from './static-files.ts';

export interface ShellServerOptions {
  core: Core;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Serve on an address beyond this computer (plain HTTP, the token in the URL): only when the user
   *  asked for it (`serve --allow-remote`); refused otherwise. */
  allowRemote?: boolean;
}

export interface ShellServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** One api call: a card CSV (up to 50 MB, main/cards, sent as one JSON string) is the largest thing the
 *  renderer sends; a longer frame is refused from its header with 1009, before its body is read. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function parseFrame(data: WebSocket.RawData): ClientFrame | null {
  try {
    const value = JSON.parse(data.toString()) as Partial<ClientFrame>;
    if (
      value &&
      value.type === 'call' &&
      Number.isSafeInteger(value.id) &&
      typeof value.method === 'string'
    ) {
      return value as ClientFrame;
    }
  } catch {
    // falls through to null: not JSON
  }
  return null;
}

export async function startShellServer(options: ShellServerOptions): Promise<ShellServer> {
  const { core } = options;
  const host = options.host ?? '127.0.0.1';
  const remote = !isLoopbackHost(host);
  if (remote && !options.allowRemote) throw new AppError('SHELL_HOST_NOT_LOOPBACK', { host });
  if (remote) core.log.log('warn', 'browser shell listens beyond this computer over plain HTTP', { host });
  const token = options.token ?? randomBytes(24).toString('base64url');
  let policy: AccessPolicy = { token, hosts: new Set() };

  const http = createServer((req, res) => {
    const verdict = checkHost(policy, req.headers.host);
    if (!verdict.ok) {
      res.writeHead(403, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Forbidden: this server only answers on its own address.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders, allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    serveStatic(options.staticDir, path, res);
  });

  // No permessage-deflate, though a browser offers it: on loopback, compressing every answer costs more
  // CPU than the bytes it saves (ws's default, said here so that it stays).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // From here the socket is ours, not the HTTP server's: a peer that resets it mid-handshake must not
    // become an unhandled 'error' event (ws adds its own handler once the upgrade is done).
    socket.on('error', (error) => socketFault(error));
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/api') return refuse(socket, 404, 'Not Found');
    const verdict = checkApiAccess(policy, {
      host: req.headers.host,
      origin: req.headers.origin,
      token: url.searchParams.get('token'),
    });
    if (!verdict.ok) {
      core.log.log('warn', 'browser shell refused a connection', { reason: verdict.reason });
      return refuse(socket, verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const ctx = core.context('browser');
  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }
  function socketFault(error: Error & { code?: string }): void {
    core.log.log('warn', 'browser shell closed a broken api socket', { code: error.code ?? error.name });
  }
  // A frame that breaks the protocol (invalid UTF-8, no mask, RSV bits, a bad opcode or close code, too
  // long) makes ws close the socket with the fitting code (1007, 1002, 1009) and emit 'error': without
  // a listener that 'error' ended the whole process. Only this socket ends.
  wss.on('error', (error) => socketFault(error));
  function serveSocket(ws: WebSocket): void {
    ws.on('error', (error) => socketFault(error));
    ws.on('message', async (data) => {
      const frame = parseFrame(data);
      if (!frame) {
        const error = wireError('BAD_REQUEST', {}, core.language());
        send(ws, { type: 'reply', id: -1, reply: { ok: false, error } });
        return;
      }
      const reply = await core.router.call(frame.method, frame.params, ctx);
      if (ws.readyState === WebSocket.OPEN) ws.send(replyFrameText(frame.id, reply));
    });
  }
  const unsubscribe = core.router.subscribe((event, payload) => {
    for (const client of wss.clients) send(client, { type: 'event', event, payload });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const hosts = allowedHosts(host, port);
  if (remote && (host === '0.0.0.0' || host === '::')) {
    // Bound to every interface on purpose: a browser on the LAN names one of this computer's addresses.
    for (const address of Object.values(networkInterfaces()).flat()) {
      if (!address) continue;
      hosts.add(
        `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${port}`.toLowerCase(),
      );
    }
  }
  policy = { token, hosts };
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
