// The file server's FTP face, for boxes that only speak FTP: passive mode only, one directory ("/"), the
// job's one-time token as user or password; RETR serves a firmware job's file, STOR takes a log job's upload.
import { createReadStream, renameSync, statSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { displayName, storedFileName } from './box-folder.ts';
import { restartOffset } from './byte-range.ts';
import type {
  DownloadSlot,
  FileServerEvent,
  ReceivedFile,
  RefusalReason,
  Slot,
  UploadSlot,
} from './file-server.ts';
import { receiveIncoming } from './incoming-file.ts';
import { listenOn } from './listen-port.ts';

export const DEFAULT_FTP_PORT = 9221;

export interface FtpServerOptions {
  dataDir: string;
  /** The file server's slot for a token (the same one-time URLs as HTTP). */
  slotFor: (token: string) => Slot | undefined;
  onReceived: (slot: UploadSlot, file: ReceivedFile) => number;
  /** Refusals carry the FTP reply code in httpStatus. */
  onEvent: (event: FileServerEvent) => void;
  log?: Logger | undefined;
  /** A control connection without a command for this long is closed (default 60 s). */
  idleMs?: number | undefined;
  /** A passive port nobody connects to, or a data connection without bytes, for this long is closed (default 30 s). */
  dataIdleMs?: number | undefined;
  /** Control connections at once (default 8). */
  maxConnections?: number | undefined;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;
const MAX_LINE = 2048;

interface Passive {
  listener: Server;
  socket: Promise<Socket | null>;
}

interface Session {
  control: Socket;
  user: string | null;
  /** The token logged in with; its slot is looked up again for every command (the job may have ended). */
  token: string | null;
  passive: Passive | null;
  /** The data connection in use, cut when the session goes (the server closed, the client gone). */
  data: Socket | null;
  busy: boolean;
  /** The byte the next RETR starts at (REST, a box resuming a broken-off download); 0 after every RETR. */
  restart: number;
}

export class FtpServer {
  readonly #options: FtpServerOptions;
  readonly #sessions = new Set<Session>();
  #server: Server | null = null;

  constructor(options: FtpServerOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async listen(host: string, port: number): Promise<void> {
    if (this.#server) return;
    const server = createServer((socket) => this.#connect(socket));
    await listenOn(server, host, port, 'FILES_FTP_PORT_IN_USE');
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const session of [...this.#sessions]) this.#drop(session);
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #connect(control: Socket): void {
    const max = this.#options.maxConnections ?? 8;
    control.on('error', () => control.destroy());
    if (this.#sessions.size >= max) {
      control.end('421 Too many connections, try again later\r\n');
      return;
    }
    const session: Session = {
      control,
      user: null,
      token: null,
      passive: null,
      data: null,
      busy: false,
      restart: 0,
    };
    this.#sessions.add(session);
    control.setTimeout(this.#options.idleMs ?? 60_000, () => {
      if (session.busy) return;
      control.end('421 Idle too long, closing\r\n');
      this.#drop(session);
    });
    control.on('error', () => this.#drop(session));
    control.on('close', () => this.#drop(session));
    let pending = '';
    let queue = Promise.resolve();
    control.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end = pending.indexOf('\n');
      while (end >= 0) {
        const line = pending.slice(0, end).replace(/\r$/, '');
        pending = pending.slice(end + 1);
        queue = queue
          .then(() => this.#command(session, line))
          .catch((error: unknown) => {
            this.#options.log?.log('error', 'ftp server fault', { error: String(error) });
            this.#say(session, '451 Local error');
          });
        end = pending.indexOf('\n');
      }
      if (pending.length > MAX_LINE) {
        control.end('500 Line too long\r\n');
        this.#drop(session);
      }
    });
    this.#say(session, '220 Wallbox Commissioner file server');
  }

  #drop(session: Session): void {
    if (!this.#sessions.delete(session)) return;
    this.#closePassive(session);
    session.data?.destroy();
    if (!session.control.destroyed) session.control.destroySoon();
  }

  #say(session: Session, line: string): void {
    if (!session.control.destroyed && session.control.writable) session.control.write(`${line}\r\n`);
  }

  #refuse(slot: Slot | null, reason: RefusalReason, code: number, bytes?: number): void {
    this.#options.onEvent({
      type: 'refused',
      jobId: slot?.jobId ?? null,
      reason,
      httpStatus: code,
      ...(bytes === undefined ? {} : { bytes }),
    });
  }

  async #command(session: Session, line: string): Promise<void> {
    if (!this.#sessions.has(session)) return;
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : line.slice(space + 1);
    const open = ['USER', 'PASS', 'SYST', 'FEAT', 'NOOP', 'QUIT', 'OPTS'];
    if (!open.includes(verb) && session.token === null && verb !== '') {
      const known = ['PWD', 'CWD', 'TYPE', 'SIZE', 'REST', 'RETR', 'STOR', 'PASV', 'EPSV'];
      this.#say(
        session,
        known.includes(verb) ? '530 Please log in with USER and PASS' : '502 Not implemented',
      );
      return;
    }
    switch (verb) {
      case 'USER':
        session.user = arg;
        session.token = null;
        return this.#say(session, '331 Password required');
      case 'PASS':
        return this.#login(session, arg);
      case 'SYST':
        return this.#say(session, '215 UNIX Type: L8');
      case 'FEAT':
        return this.#say(
          session,
          '211-Features:\r\n EPSV\r\n PASV\r\n REST STREAM\r\n SIZE\r\n UTF8\r\n211 End',
        );
      case 'NOOP':
        return this.#say(session, '200 OK');
      case 'OPTS':
        return this.#say(
          session,
          /^UTF8( ON)?$/i.test(arg.trim()) ? '200 Always in UTF8 mode' : '501 Option not understood',
        );
      case 'QUIT':
        session.control.end('221 Goodbye\r\n');
        this.#drop(session);
        return;
      case 'PWD':
        return this.#say(session, '257 "/" is the only directory');
      case 'CWD':
        return this.#say(session, arg === '/' || arg === '' ? '250 Directory is "/"' : '550 Only "/" exists');
      case 'TYPE':
        return this.#say(
          session,
          /^[AI]( N)?$/i.test(arg.trim()) ? '200 Type set' : '504 Only types A and I',
        );
      case 'PASV':
      case 'EPSV':
        return this.#passive(session, verb, arg);
      case 'SIZE':
        return this.#size(session);
      case 'REST': {
        const offset = restartOffset(arg);
        if (offset === null) return this.#say(session, '501 REST takes a byte offset');
        session.restart = offset;
        return this.#say(session, `350 Restarting at ${offset}`);
      }
      case 'RETR':
        return this.#retrieve(session);
      case 'STOR':
        return this.#store(session, arg);
      default:
        return this.#say(session, '502 Not implemented');
    }
  }

  async #login(session: Session, pass: string): Promise<void> {
    const token = [session.user ?? '', pass].find((c) => TOKEN.test(c) && this.#options.slotFor(c));
    const slot = token === undefined ? undefined : this.#options.slotFor(token);
    if (token === undefined || !slot) {
      this.#refuse(null, 'unknown-token', 530);
      return this.#say(session, '530 Login incorrect');
    }
    if (Date.now() > slot.expiresAt) {
      this.#refuse(slot, 'expired', 530);
      return this.#say(session, '530 This link has expired');
    }
    if (slot.kind === 'upload' && slot.used) {
      this.#refuse(slot, 'used', 530);
      return this.#say(session, '530 This link was used already');
    }
    session.token = token;
    this.#say(session, '230 Logged in');
  }

  /** The session's slot while its job runs and has not expired; null once revoked or expired. */
  #slot(session: Session): Slot | null {
    const slot = session.token === null ? undefined : this.#options.slotFor(session.token);
    return slot && Date.now() <= slot.expiresAt ? slot : null;
  }

  #closePassive(session: Session): void {
    const passive = session.passive;
    session.passive = null;
    if (passive?.listener.listening) passive.listener.close();
  }

  /** A data port on the control connection's own address, from the OS; one connection, from the same peer. */
  async #passive(session: Session, verb: 'PASV' | 'EPSV', arg: string): Promise<void> {
    if (verb === 'EPSV' && arg.trim().toUpperCase() === 'ALL')
      return this.#say(session, '200 EPSV only from now');
    const local = (session.control.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    if (verb === 'PASV' && !/^\d+\.\d+\.\d+\.\d+$/.test(local))
      return this.#say(session, '522 Use EPSV on IPv6');
    this.#closePassive(session);
    const peer = (session.control.remoteAddress ?? '').replace(/^::ffff:/, '');
    const listener = createServer();
    const dataIdle = this.#options.dataIdleMs ?? 30_000;
    const socket = new Promise<Socket | null>((resolve) => {
      const timer = setTimeout(() => {
        listener.close();
        resolve(null);
      }, dataIdle);
      listener.on('connection', (s) => {
        s.on('error', () => s.destroy());
        if ((s.remoteAddress ?? '').replace(/^::ffff:/, '') !== peer) {
          s.destroy();
          return;
        }
        clearTimeout(timer);
        listener.close();
        s.setTimeout(dataIdle, () => s.destroy());
        resolve(s);
      });
      listener.on('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    const listening = await new Promise<boolean>((resolve) => {
      listener.once('error', () => resolve(false));
      listener.listen(0, local, () => resolve(true));
    });
    if (!listening) return this.#say(session, '425 Cannot open a data port');
    session.passive = { listener, socket };
    const port = (listener.address() as AddressInfo).port;
    if (verb === 'EPSV') return this.#say(session, `229 Entering Extended Passive Mode (|||${port}|)`);
    this.#say(session, `227 Entering Passive Mode (${local.replace(/\./g, ',')},${port >> 8},${port & 255})`);
  }

  async #dataSocket(session: Session): Promise<Socket | null> {
    const passive = session.passive;
    session.passive = null;
    if (!passive) return null;
    session.data = await passive.socket;
    return session.data;
  }

  async #size(session: Session): Promise<void> {
    const slot = this.#slot(session);
    if (slot?.kind !== 'download') return this.#say(session, '550 No such file');
    try {
      this.#say(session, `213 ${statSync(slot.path).size}`);
    } catch {
      this.#say(session, '550 No such file');
    }
  }

  async #retrieve(session: Session): Promise<void> {
    const slot = this.#slot(session);
    if (slot?.kind !== 'download') {
      this.#refuse(slot, 'bad-method', 550);
      return this.#say(session, '550 Nothing to download with this login');
    }
    let size: number;
    try {
      size = statSync(slot.path).size;
    } catch {
      return this.#say(session, '550 No such file');
    }
    const from = session.restart;
    session.restart = 0;
    if (from > size) {
      this.#refuse(slot, 'bad-range', 554);
      return this.#say(session, `554 REST ${from} is past the end of the file (${size} bytes)`);
    }
    if (!session.passive) return this.#say(session, '425 Use PASV or EPSV first');
    this.#say(session, from > 0 ? `150 Sending the file from byte ${from}` : '150 Sending the file');
    session.busy = true;
    const data = await this.#dataSocket(session);
    if (!data) {
      session.busy = false;
      return this.#say(session, '425 No data connection');
    }
    const sent = await this.#send(data, slot, from);
    session.busy = false;
    const complete = sent === size - from;
    this.#options.onEvent({ type: 'served', jobId: slot.jobId, bytes: sent, from, complete });
    this.#say(session, complete ? '226 Transfer complete' : '426 Transfer aborted');
  }

  #send(data: Socket, slot: DownloadSlot, from: number): Promise<number> {
    return new Promise((resolve) => {
      let sent = 0;
      const stream = createReadStream(slot.path, { start: from });
      stream.on('data', (chunk) => {
        sent += chunk.length;
      });
      stream.on('error', () => data.destroy());
      data.on('close', () => {
        stream.destroy();
        resolve(sent);
      });
      stream.pipe(data);
    });
  }

  async #store(session: Session, given: string): Promise<void> {
    const slot = this.#slot(session);
    if (slot?.kind !== 'upload') {
      this.#refuse(slot, 'bad-method', 550);
      return this.#say(session, '550 Nothing to upload with this login');
    }
    if (slot.used) {
      this.#refuse(slot, 'used', 550);
      return this.#say(session, '550 This link was used already');
    }
    if (!session.passive) return this.#say(session, '425 Use PASV or EPSV first');
    // Taken now, so a second upload racing this one is refused; given back when this one fails.
    slot.used = true;
    this.#say(session, '150 Ok to send data');
    session.busy = true;
    const data = await this.#dataSocket(session);
    if (!data) {
      slot.used = false;
      session.busy = false;
      return this.#say(session, '425 No data connection');
    }
    const answer = await this.#receive(data, slot, displayName(given));
    session.busy = false;
    this.#say(session, answer);
  }

  async #receive(data: Socket, slot: UploadSlot, boxName: string | null): Promise<string> {
    const got = await receiveIncoming(data, this.#options.dataDir, slot, () => data.destroy());
    const { outcome, folder, path: incoming, size, sha256 } = got;
    if (outcome !== 'ok') {
      slot.used = false;
      if (outcome === 'too-large') {
        this.#refuse(slot, 'too-large', 552, size);
        return '552 Upload larger than allowed; nothing kept';
      }
      this.#refuse(slot, 'bad-upload', 426);
      return '426 Upload broken off; nothing kept';
    }
    const name = storedFileName(slot.fileKind, boxName);
    renameSync(incoming, join(folder, name));
    this.#options.onReceived(slot, {
      storedPath: `${folder.split(/[\\/]/).pop()}/${name}`,
      size,
      sha256,
      boxName,
      via: 'ftp',
    });
    return '226 File received';
  }
}
