// One core per data folder: the face that runs the core (desktop, `wbc serve`, `wbc csms listen`) opens
// this channel, and later `wbc` commands on the same folder send their api calls through it.
//
// The channel is the browser shell's api protocol (call, reply, event frames over a WebSocket) carried
// over a Unix domain socket in the data folder (a named pipe on Windows). Only the user may reach it: the
// folder must be theirs and closed to others (0700), the socket is 0600, and every connection must
// present the token from a 0600 file next to it (on Windows the token is the whole lock: a pipe's default
// ACL lets others open it). Node cannot ask a Unix socket for its peer's uid, so the file modes do that.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../api/errors.ts';
import { wireError } from '../api/router.ts';
import { replyFrameText } from '../api/shared-results.ts';
import type { ClientFrame, Reply, ServerFrame } from '../api/wire.ts';
import type { Core } from '../core.ts';
import { tokenMatches } from './access.ts';

/** One api frame: a card CSV (up to 50 MB, main/cards) is the largest call; anything larger is refused. */
export const CHANNEL_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const SOCKET_FILE = 'wbc.sock';
const TOKEN_FILE = 'wbc.sock.token';

export interface ChannelPaths {
  /** The socket file, or on Windows the pipe's name (\\.\pipe\...). */
  address: string;
  token: string;
  /** False on Windows: the pipe lives outside the folder and there is no file to check or remove. */
  isFile: boolean;
}

export function channelPaths(dataDir: string, platform: NodeJS.Platform = process.platform): ChannelPaths {
  const dir = resolve(dataDir);
  if (platform === 'win32') {
    const hash = createHash('sha256').update(dir.toLowerCase()).digest('hex').slice(0, 24);
    return {
      address: `\\\\.\\pipe\\wallbox-commissioner-${hash}`,
      token: join(dir, TOKEN_FILE),
      isFile: false,
    };
  }
  return { address: join(dir, SOCKET_FILE), token: join(dir, TOKEN_FILE), isFile: true };
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || uid === process.getuid();
}

/**
 * Refuses a data folder someone else owns or may write into (they could put their own socket there and
 * read every call), and a socket or token file that is not the user's. Windows: NTFS ACLs, not modes.
 */
export function checkChannelFolder(dataDir: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  const folder = resolve(dataDir);
  const stat = statSync(folder);
  const mode = stat.mode & 0o777;
  if (!ownedByUs(stat.uid) || (mode & 0o022) !== 0)
    throw new AppError('LOCAL_CHANNEL_UNSAFE', { file: folder, mode: mode.toString(8) });
  const paths = channelPaths(folder, platform);
  for (const file of [paths.address, paths.token]) {
    if (!existsSync(file)) continue;
    const entry = lstatSync(file);
    const fileMode = entry.mode & 0o777;
    if (!ownedByUs(entry.uid) || entry.isSymbolicLink() || (fileMode & 0o077) !== 0)
      throw new AppError('LOCAL_CHANNEL_UNSAFE', { file, mode: fileMode.toString(8) });
  }
}

/** Whether something answers on the channel's address (a running core), or it is a stale file. */
function answers(address: string): Promise<boolean> {
  return new Promise((done) => {
    const socket: Socket = connect(address);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** A socket file left by a core that died (kill -9, power loss): nobody answers on it. */
function removeStale(paths: ChannelPaths): void {
  for (const file of paths.isFile ? [paths.address, paths.token] : [paths.token]) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

export interface LocalChannel {
  readonly address: string;
  /** Connections open now (a `wbc` command that runs). */
  connections(): number;
  close(): Promise<void>;
}

function parseFrame(data: WebSocket.RawData): ClientFrame | null {
  try {
    const value = JSON.parse(data.toString()) as Partial<ClientFrame>;
    if (value?.type === 'call' && Number.isSafeInteger(value.id) && typeof value.method === 'string')
      return value as ClientFrame;
  } catch {
    // not JSON: answered as a bad request below
  }
  return null;
}

/**
 * Opens the channel for the core of this process. CORE_ALREADY_RUNNING when another core answers on
 * this data folder; LOCAL_CHANNEL_UNSAFE when the folder or the files are not the user's alone.
 */
export async function openLocalChannel(
  core: Core,
  options: { maxFrameBytes?: number } = {},
): Promise<LocalChannel> {
  const paths = channelPaths(core.dataDir);
  checkChannelFolder(core.dataDir);
  if (await answers(paths.address)) throw new AppError('CORE_ALREADY_RUNNING', { dataDir: core.dataDir });
  removeStale(paths);
  const token = randomBytes(32).toString('base64url');

  const http = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? CHANNEL_MAX_FRAME_BYTES,
  });
  const ctx = core.context('cli');

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/api' || !tokenMatches(token, url.searchParams.get('token'))) {
      core.log.log('warn', 'local channel refused a connection', { path: url.pathname });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  function serve(ws: WebSocket): void {
    // A frame over the limit or a broken one closes this connection (ws sends 1009 / 1002), never the core.
    ws.on('error', () => ws.terminate());
    const off = core.router.subscribe((event, payload) => send(ws, { type: 'event', event, payload }));
    ws.on('close', off);
    ws.on('message', async (data) => {
      const frame = parseFrame(data);
      const reply: Reply = frame
        ? await core.router.call(frame.method, frame.params, ctx)
        : { ok: false, error: wireError('BAD_REQUEST', {}, core.language()) };
      // The one reply writer of both faces: a shared answer's JSON text is written once, not per call.
      if (ws.readyState === WebSocket.OPEN) ws.send(replyFrameText(frame?.id ?? -1, reply));
    });
  }

  // The token is there before the socket is: a command that finds the socket can always authenticate.
  try {
    writeFileSync(paths.token, token, { mode: 0o600, flag: 'wx' });
  } catch {
    // 'wx': another core starting on this folder at the same moment wrote its own first.
    throw new AppError('CORE_ALREADY_RUNNING', { dataDir: core.dataDir });
  }
  await new Promise<void>((done, fail) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      try {
        unlinkSync(paths.token);
      } catch {
        // not written or gone
      }
      // Another core won the race between our check and our listen.
      fail(
        error.code === 'EADDRINUSE' ? new AppError('CORE_ALREADY_RUNNING', { dataDir: core.dataDir }) : error,
      );
    });
    http.listen(paths.address, () => done());
  });
  if (paths.isFile) chmodSync(paths.address, 0o600);

  return {
    address: paths.address,
    connections: () => wss.clients.size,
    close: async () => {
      // 1001: this core is going away; a command in the middle of a call is told so, not cut off.
      for (const client of wss.clients) client.close(1001);
      wss.close();
      await new Promise<void>((done) => {
        http.close(() => done());
        setTimeout(() => {
          for (const client of wss.clients) client.terminate();
          http.closeAllConnections();
        }, 1000).unref();
      });
      removeStale(paths);
    },
  };
}

/** The token of the channel that runs now, or undefined when there is none to read. */
export function readChannelToken(dataDir: string): string | undefined {
  try {
    return readFileSync(channelPaths(dataDir).token, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export { answers as channelAnswers, removeStale as removeStaleChannel };
