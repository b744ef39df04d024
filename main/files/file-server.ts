// The tool's file server on the LAN for boxes: firmware to download (UpdateFirmware) and log uploads
// (GetDiagnostics, GetLog) over HTTP PUT and POST, raw or multipart. Every URL carries a random token of
// one job; a download URL lasts until its job ends, an upload URL takes one file. Sizes are capped.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { PRIVATE_FILE_MODE } from '../store/private-files.ts';
import { displayName, storedFileName } from './box-folder.ts';
import { requestedPart } from './byte-range.ts';
import { receiveIncoming } from './incoming-file.ts';
import { listenOn } from './listen-port.ts';
import { multipartBoundary, multipartFile } from './multipart.ts';
import type { FileJobKind } from './types.ts';

/** The largest upload taken by default (64 MB): real diagnostics archives are a few MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FILES_PORT = 9231;

interface SlotBase {
  jobId: number;
  identity: string;
  expiresAt: number;
}
export interface DownloadSlot extends SlotBase {
  kind: 'download';
  path: string;
  name: string;
}
export interface UploadSlot extends SlotBase {
  kind: 'upload';
  fileKind: FileJobKind;
  maxBytes: number;
  used: boolean;
}
export type Slot = DownloadSlot | UploadSlot;

export interface ReceivedFile {
  /** Relative to <data>/box-files. */
  storedPath: string;
  size: number;
  sha256: string;
  boxName: string | null;
  via: 'multipart' | 'post' | 'put' | 'ftp';
}

export type RefusalReason =
  | 'too-large'
  | 'used'
  | 'expired'
  | 'unknown-token'
  | 'bad-upload'
  | 'bad-method'
  | 'bad-range';

/** What the server saw, for the job it belongs to (null: a token no job has). */
export type FileServerEvent =
  /** Bytes sent from byte `from` (0 unless the box resumed); complete: the file's end went out whole. */
  | { type: 'served'; jobId: number; bytes: number; from: number; complete: boolean }
  | { type: 'refused'; jobId: number | null; reason: RefusalReason; httpStatus: number; bytes?: number };

export interface FileServerOptions {
  dataDir: string;
  /** Stores the file's record (in the store's transaction) before the box hears 201; returns its id. */
  onReceived: (slot: UploadSlot, file: ReceivedFile) => number;
  onEvent: (event: FileServerEvent) => void;
  log?: Logger | undefined;
}

const tokenKey = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function reply(res: ServerResponse, status: number, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Length': '0',
    'Cache-Control': 'no-store',
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end();
}

export class FileServer {
  readonly #options: FileServerOptions;
  readonly #slots = new Map<string, Slot>();
  #server: Server | null = null;
  #host = '127.0.0.1';

  constructor(options: FileServerOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get host(): string {
    return this.#host;
  }

  async listen(host: string, port: number): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#options.log?.log('error', 'file server fault', { error: String(error) });
        reply(res, 500, true);
      });
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    await listenOn(server, host, port, 'FILES_PORT_IN_USE');
    this.#host = host;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#slots.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A URL path (after http://host:port) the box downloads the firmware from, until revoke() or expiry. */
  offerDownload(slot: Omit<DownloadSlot, 'kind'>): { token: string; path: string } {
    const token = randomBytes(24).toString('base64url');
    this.#slots.set(tokenKey(token), { ...slot, kind: 'download' });
    return { token, path: `/files/fw/${token}/${encodeURIComponent(slot.name)}` };
  }

  /** A URL path the box uploads one file to (it may append its own file name). */
  expectUpload(slot: Omit<UploadSlot, 'kind' | 'used'>): { token: string; path: string } {
    const token = randomBytes(24).toString('base64url');
    this.#slots.set(tokenKey(token), { ...slot, kind: 'upload', used: false });
    return { token, path: `/files/up/${token}` };
  }

  revoke(token: string): void {
    this.#slots.delete(tokenKey(token));
  }

  /** The job's slot for a token (the FTP face takes the same one-time tokens). */
  slotFor(token: string): Slot | undefined {
    return this.#slots.get(tokenKey(token));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path, split before any decoding: the token must be its own whole segment.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const segments = rawPath.split('/');
    const [, root, area, token = '', ...rest] = segments;
    const slot = root === 'files' && /^[A-Za-z0-9_-]{32}$/.test(token) ? this.slotFor(token) : undefined;
    const refuse = (reason: RefusalReason, status: number, bytes?: number) => {
      this.#options.onEvent({
        type: 'refused',
        jobId: slot?.jobId ?? null,
        reason,
        httpStatus: status,
        ...(bytes === undefined ? {} : { bytes }),
      });
      reply(res, status, true);
      if (!req.readableEnded) req.resume();
    };
    if (!slot || (area === 'fw' && slot.kind !== 'download') || (area === 'up' && slot.kind !== 'upload'))
      return refuse('unknown-token', 404);
    if (Date.now() > slot.expiresAt) return refuse('expired', 410);
    if (slot.kind === 'download') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse('bad-method', 405);
      return this.#serve(req, res, slot);
    }
    if (req.method !== 'PUT' && req.method !== 'POST') return refuse('bad-method', 405);
    if (slot.used) return refuse('used', 410);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > slot.maxBytes) return refuse('too-large', 413, declared);
    let given: string | null = null;
    try {
      given = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
    } catch {
      given = rest.join('/');
    }
    // Taken now, so a second upload racing this one is refused; given back when this one fails.
    slot.used = true;
    await this.#receive(req, res, slot, displayName(given), refuse);
  }

  #serve(req: IncomingMessage, res: ServerResponse, slot: DownloadSlot): void {
    let size: number;
    let modified: Date;
    try {
      const stat = statSync(slot.path);
      size = stat.size;
      modified = stat.mtime;
    } catch {
      reply(res, 404);
      return;
    }
    // A box resuming a broken-off download asks for the rest; If-Range guards against a changed file.
    const etag = `"${size.toString(16)}-${Math.floor(modified.getTime()).toString(16)}"`;
    const lastModified = modified.toUTCString();
    const given = req.headers['if-range'];
    const part = requestedPart(req.headers.range, size, {
      given: Array.isArray(given) ? given[0] : given,
      etag,
      lastModified,
    });
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${slot.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'no-store',
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': lastModified,
    };
    if (part === 'unsatisfiable') {
      this.#options.onEvent({ type: 'refused', jobId: slot.jobId, reason: 'bad-range', httpStatus: 416 });
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const { start, end } = part === 'whole' ? { start: 0, end: size - 1 } : part;
    const length = Math.max(0, end - start + 1);
    res.writeHead(part === 'whole' ? 200 : 206, {
      ...headers,
      'Content-Length': String(length),
      ...(part === 'whole' ? {} : { 'Content-Range': `bytes ${start}-${end}/${size}` }),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let sent = 0;
    const stream = length === 0 ? null : createReadStream(slot.path, { start, end });
    stream?.on('data', (chunk) => {
      sent += chunk.length;
    });
    stream?.on('error', () => res.destroy());
    res.on('close', () =>
      this.#options.onEvent({
        type: 'served',
        jobId: slot.jobId,
        bytes: sent,
        from: start,
        complete: sent === length && end === size - 1,
      }),
    );
    if (stream) stream.pipe(res);
    else res.end();
  }

  async #receive(
    req: IncomingMessage,
    res: ServerResponse,
    slot: UploadSlot,
    pathName: string | null,
    refuse: (reason: RefusalReason, status: number, bytes?: number) => void,
  ): Promise<void> {
    const got = await receiveIncoming(req, this.#options.dataDir, slot, () => req.pause());
    const { outcome, folder, path: incoming, size, sha256 } = got;
    if (outcome !== 'ok') {
      slot.used = false;
      if (outcome === 'too-large') refuse('too-large', 413, size);
      else
        this.#options.onEvent({ type: 'refused', jobId: slot.jobId, reason: 'bad-upload', httpStatus: 400 });
      return;
    }
    const boundary = multipartBoundary(req.headers['content-type']);
    const name = storedFileName(slot.fileKind, pathName);
    const final = join(folder, name);
    let file: ReceivedFile;
    if (boundary !== null) {
      const part = multipartFile(readFileSync(incoming), boundary);
      rmSync(incoming, { force: true });
      if (part === null) {
        slot.used = false;
        return refuse('bad-upload', 400);
      }
      const boxName = displayName(part.filename) ?? pathName;
      const named = join(folder, storedFileName(slot.fileKind, boxName));
      const fd = createWriteStream(named, { mode: PRIVATE_FILE_MODE, flags: 'wx' });
      await new Promise<void>((resolve, reject) => {
        fd.on('error', reject);
        fd.end(part.content, () => resolve());
      });
      file = {
        storedPath: `${folder.split(/[\\/]/).pop()}/${named.split(/[\\/]/).pop()}`,
        size: part.content.length,
        sha256: createHash('sha256').update(part.content).digest('hex'),
        boxName,
        via: 'multipart',
      };
    } else {
      renameSync(incoming, final);
      file = {
        storedPath: `${folder.split(/[\\/]/).pop()}/${name}`,
        size,
        sha256,
        boxName: pathName,
        via: req.method === 'PUT' ? 'put' : 'post',
      };
    }
    this.#options.onReceived(slot, file);
    reply(res, req.method === 'PUT' ? 201 : 200);
  }
}
