// The raw serial terminal as the core keeps it: one open port per session, every line sent or received
// recorded in the trace (masked, at most 512 bytes a frame, throttled with the losses said), RAPI checksums
// and sequence ids added on request. The app's Connect page and `wbc serial term` both drive it.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../api/errors.ts';
import type { ConsoleProfile } from '../console/console-profile.ts';
import { rapiChecksum } from '../openevse/rapi-frame.ts';
import { type ByteLine, SerialLine, type SerialLineOptions } from './serial-line.ts';
import { TerminalMask, type TerminalText } from './terminal-trace.ts';

export const lineEndings = { cr: '\r', lf: '\n', crlf: '\r\n', none: '' } as const;
export type LineEnding = keyof typeof lineEndings;

/** Where the terminal's lines go: the trace (main/ocpp/trace.ts). */
export interface TerminalTraceSink {
  record(identity: string, direction: 'in' | 'out', kind: string, details: Record<string, unknown>): unknown;
  event(identity: string, kind: string, details?: Record<string, unknown>): unknown;
}

export interface TerminalLimits {
  /** The largest frame kept: a longer line is cut into frames of this size. */
  frameBytes: number;
  /** Received frames recorded at once before the rate applies. */
  burst: number;
  /** Received frames recorded per second after the burst; the rest are counted and reported. */
  perSecond: number;
  /** A half line (a prompt) is recorded after this much quiet. */
  idleFlushMs: number;
  /** Lines the user may send per second. */
  sendsPerSecond: number;
}

export const defaultTerminalLimits: TerminalLimits = {
  frameBytes: 512,
  burst: 50,
  perSecond: 25,
  idleFlushMs: 80,
  sendsPerSecond: 20,
};

export interface SendRequest {
  text: string;
  /** `text` is hex bytes ("24 47 56 0D"), sent exactly as given (no line ending, no checksum). */
  hex?: boolean | undefined;
  lineEnding: LineEnding;
  /** Adds the RAPI `^XK` checksum (replacing one typed by hand). */
  rapi?: boolean | undefined;
  /** With `rapi`: adds the next sequence id ` :SS` (01..FF) before the checksum. */
  sequence?: boolean | undefined;
  /** Masks the line in the trace whatever it holds (a password typed on purpose). */
  secret?: boolean | undefined;
}

export interface SentLine extends Omit<TerminalText, 'masked'> {
  sequence: number | null;
}

export interface TerminalInfo {
  session: string;
  identity: string;
  path: string;
  baudRate: number;
  profile: string | null;
}

/** A trace identity for a place that is not a box: `serial-ttyUSB0` (no ':', '/' or spaces, like a box's). */
export function placeIdentity(prefix: string, place: string): string {
  const last = place.split(/[\\/]/).filter(Boolean).at(-1) ?? 'port';
  return `${prefix}-${last}`.replace(/[:/\s]+/g, '-').slice(0, 48);
}

/** The trace identity of a port: `serial-ttyUSB0`. */
export function serialIdentity(path: string): string {
  return placeIdentity('serial', path);
}

/** "24 47 56 0d", "2447560D" or "0x24,0x47": the bytes; anything else is SERIAL_HEX_INVALID. */
export function parseHexBytes(text: string): Buffer {
  const cleaned = text.replace(/0x/gi, '').replace(/[\s,;:-]+/g, '');
  if (cleaned === '' || cleaned.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(cleaned))
    throw new AppError('SERIAL_HEX_INVALID', { text: text.slice(0, 40) });
  return Buffer.from(cleaned, 'hex');
}

/** A typed RAPI command with its checksum (and sequence id): `$GV` -> `$GV :01^0C`. */
export function rapiLine(text: string, sequence: number | null): string {
  let body = text.trim().replace(/\^[0-9A-Fa-f]{2}$/, '');
  if (sequence !== null) body += ` :${sequence.toString(16).toUpperCase().padStart(2, '0')}`;
  return `${body}^${rapiChecksum(body)}`;
}

export class TerminalSession {
  readonly id = randomUUID();
  readonly identity: string;
  readonly #line: ByteLine;
  readonly #sink: TerminalTraceSink;
  readonly #mask: TerminalMask;
  readonly #limits: TerminalLimits;
  #pending = Buffer.alloc(0);
  #idle: ReturnType<typeof setTimeout> | undefined;
  #tokens: number;
  #refilledAt = Date.now();
  #dropped = { frames: 0, bytes: 0 };
  #dropTimer: ReturnType<typeof setTimeout> | undefined;
  #sequence = 0;
  #sends: number[] = [];
  #closed = false;
  readonly #onEnd: (() => void) | undefined;
  readonly #offs: Array<() => void> = [];

  constructor(
    line: ByteLine,
    sink: TerminalTraceSink,
    options: {
      profile?: ConsoleProfile | undefined;
      limits?: Partial<TerminalLimits>;
      onEnd?: () => void;
    } = {},
  ) {
    this.#line = line;
    this.#sink = sink;
    this.identity = serialIdentity(line.address);
    this.#mask = new TerminalMask(options.profile);
    this.#limits = { ...defaultTerminalLimits, ...options.limits };
    this.#tokens = this.#limits.burst;
    this.#offs.push(line.onData((chunk) => this.#receive(chunk)));
    this.#onEnd = options.onEnd;
    this.#offs.push(line.onGone((error) => this.#gone(error)));
  }

  /** The port went away (cable pulled): said once in the trace, and the session ends. */
  #gone(error: AppError): void {
    if (this.#closed) return;
    this.#flushPending();
    this.#reportDrops();
    this.#sink.event(this.identity, 'serial-gone', { path: this.#line.address, code: error.code });
    this.#end();
    this.#onEnd?.();
  }

  get path(): string {
    return this.#line.address;
  }

  get isOpen(): boolean {
    return !this.#closed && this.#line.isOpen;
  }

  #receive(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    // A line ends at LF, or at a CR not followed by LF (RAPI ends its frames with CR alone).
    for (;;) {
      let end = -1;
      for (let i = 0; i < this.#pending.length; i++) {
        const b = this.#pending[i];
        if (b === 0x0a) {
          end = i + 1;
          break;
        }
        if (b === 0x0d && i + 1 < this.#pending.length) {
          end = this.#pending[i + 1] === 0x0a ? i + 2 : i + 1;
          break;
        }
      }
      // A line longer than a frame is cut, whether its end came in the same chunk or has not come yet.
      if (end === -1 ? this.#pending.length >= this.#limits.frameBytes : end > this.#limits.frameBytes)
        end = this.#limits.frameBytes;
      if (end === -1) break;
      this.#take('in', this.#pending.subarray(0, end));
      this.#pending = this.#pending.subarray(end);
    }
    // A prompt waits without a line end: what it asks decides whether the next line sent is secret.
    if (this.#pending.length > 0) this.#mask.heard(this.#pending);
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle =
      this.#pending.length > 0 ? setTimeout(() => this.#flushPending(), this.#limits.idleFlushMs) : undefined;
  }

  #flushPending(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
    if (this.#pending.length === 0) return;
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    this.#take('in', rest);
  }

  /** A received frame, if the rate allows it; otherwise counted, and the count recorded later. */
  #take(direction: 'in', bytes: Buffer): void {
    const now = Date.now();
    this.#tokens = Math.min(
      this.#limits.burst,
      this.#tokens + ((now - this.#refilledAt) / 1000) * this.#limits.perSecond,
    );
    this.#refilledAt = now;
    if (this.#tokens < 1) {
      // Still read for the mask: a prompt in a flood must not let the next password through.
      this.#mask.heard(bytes);
      this.#dropped.frames++;
      this.#dropped.bytes += bytes.length;
      this.#dropTimer ??= setTimeout(() => this.#reportDrops(), 1000);
      return;
    }
    this.#tokens -= 1;
    this.#reportDrops();
    this.#record(direction, this.#mask.text(direction, bytes));
  }

  #reportDrops(): void {
    if (this.#dropTimer) clearTimeout(this.#dropTimer);
    this.#dropTimer = undefined;
    if (this.#dropped.frames === 0) return;
    this.#sink.event(this.identity, 'serial-dropped', {
      ...this.#dropped,
      perSecond: this.#limits.perSecond,
    });
    this.#dropped = { frames: 0, bytes: 0 };
  }

  #record(direction: 'in' | 'out', shown: TerminalText): void {
    this.#sink.record(this.identity, direction, 'serial', { text: shown.text, hex: shown.hex });
  }

  /** Sends one line (or raw hex bytes); resolves with what the trace shows of it. */
  async send(request: SendRequest): Promise<SentLine> {
    if (!this.isOpen) throw new AppError('SERIAL_TERMINAL_NOT_OPEN', { session: this.id });
    const now = Date.now();
    this.#sends = this.#sends.filter((at) => now - at < 1000);
    if (this.#sends.length >= this.#limits.sendsPerSecond)
      throw new AppError('SERIAL_TERMINAL_THROTTLED', { perSecond: this.#limits.sendsPerSecond });
    this.#sends.push(now);
    let bytes: Buffer;
    let sequence: number | null = null;
    if (request.hex) bytes = parseHexBytes(request.text);
    else {
      let text = request.text;
      if (request.rapi) {
        if (request.sequence) {
          this.#sequence = (this.#sequence % 255) + 1;
          sequence = this.#sequence;
        }
        text = rapiLine(text, sequence);
      }
      bytes = Buffer.from(`${text}${lineEndings[request.lineEnding]}`, 'latin1');
    }
    if (bytes.length > this.#limits.frameBytes)
      throw new AppError('SERIAL_TERMINAL_LINE_TOO_LONG', {
        bytes: bytes.length,
        max: this.#limits.frameBytes,
      });
    try {
      await this.#line.write(bytes, { drain: false });
    } catch (error) {
      // A write into a pulled cable may be the first sign of it.
      if (error instanceof AppError && error.code === 'SERIAL_PORT_GONE') this.#gone(error);
      throw error;
    }
    const shown = this.#mask.text('out', bytes, request.secret === true);
    this.#record('out', shown);
    return { text: shown.text, hex: shown.hex, sequence };
  }

  #end(): void {
    this.#closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
    for (const off of this.#offs.splice(0)) off();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushPending();
    this.#reportDrops();
    this.#end();
    await this.#line.close();
    this.#sink.event(this.identity, 'serial-closed', { path: this.#line.address });
  }
}

export interface OpenRequest extends Partial<SerialLineOptions> {
  path: string;
  profile?: ConsoleProfile | undefined;
}

/** The open terminals of one core, by session id; a port opened again replaces its older session. */
export class TerminalSessions {
  readonly #sessions = new Map<string, { session: TerminalSession; info: TerminalInfo }>();

  constructor(
    private readonly sink: TerminalTraceSink,
    private readonly limits: Partial<TerminalLimits> = {},
  ) {}

  async open(request: OpenRequest): Promise<TerminalInfo> {
    for (const [id, open] of this.#sessions)
      if (open.info.path === request.path) {
        this.#sessions.delete(id);
        await open.session.close();
      }
    const serial = request.profile?.serial;
    const baudRate = request.baudRate ?? serial?.baudRate ?? 115_200;
    const line = await SerialLine.open(request.path, {
      baudRate,
      dataBits: request.dataBits ?? serial?.dataBits ?? 8,
      parity: request.parity ?? serial?.parity ?? 'none',
      stopBits: request.stopBits ?? serial?.stopBits ?? 1,
    });
    let id = '';
    const session = new TerminalSession(line, this.sink, {
      profile: request.profile,
      limits: this.limits,
      onEnd: () => this.#sessions.delete(id),
    });
    id = session.id;
    const info: TerminalInfo = {
      session: session.id,
      identity: session.identity,
      path: request.path,
      baudRate,
      profile: request.profile?.name ?? null,
    };
    this.#sessions.set(session.id, { session, info });
    this.sink.event(session.identity, 'serial-open', { path: request.path, baudRate, profile: info.profile });
    return info;
  }

  get(id: string): TerminalSession {
    const open = this.#sessions.get(id);
    if (!open) throw new AppError('SERIAL_TERMINAL_NOT_OPEN', { session: id.slice(0, 40) });
    return open.session;
  }

  list(): TerminalInfo[] {
    return [...this.#sessions.values()].map((s) => s.info);
  }

  async close(id: string): Promise<void> {
    const open = this.#sessions.get(id);
    if (!open) return;
    this.#sessions.delete(id);
    await open.session.close();
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.#sessions.keys()]) await this.close(id);
  }
}
