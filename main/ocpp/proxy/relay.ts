// One box relayed to its company CSMS: every frame both ways byte for byte and traced with its side, the
// tool's own read-only calls slotted in between the CSMS's, the boot answer watched, a dropped side handled.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import { AppError } from '../../api/errors.ts';
import type { LogLevel } from '../../log/logger.ts';
import { type ParsedFrame, parseFrame, type TraceRecorder } from '../trace.ts';
import type { DialOutcome } from './dial.ts';
import { checkReadOnly } from './read-only-calls.ts';

/** What a relay tells its server (and the server its listeners: the CLI, the log). */
export type RelayEvent =
  | { type: 'dropped'; identity: string; side: 'box' | 'csms'; code: number }
  | { type: 'reconnected'; identity: string }
  | { type: 'gave-up'; identity: string }
  | { type: 'boot'; identity: string; status: string };

/** The box's answer to one of the tool's own calls. */
export interface ProxyCallResult {
  identity: string;
  action: string;
  messageId: string;
  result?: Record<string, unknown>;
  error?: { code: string; description: string };
}

export interface RelayOptions {
  identity: string;
  protocol: string;
  box: WebSocket;
  upstream: WebSocket;
  /** Dials the CSMS again for this box (same URL, the chosen subprotocol, the box's Authorization). */
  redial: () => Promise<DialOutcome>;
  trace: TraceRecorder;
  log: (level: LogLevel, message: string, fields: Record<string, unknown>) => void;
  /** Pauses before each redial after the CSMS dropped; the box is closed when all fail. */
  reconnectDelaysMs: readonly number[];
}

interface Frame {
  data: Buffer;
  binary: boolean;
}

interface ToolCall {
  id: string;
  action: string;
  frame: string;
  sent: boolean;
  timer: NodeJS.Timeout;
  resolve: (result: ProxyCallResult) => void;
  reject: (error: unknown) => void;
}

/** Box frames kept while the CSMS side reconnects; beyond this the box is closed instead. */
const MAX_HELD_FRAMES = 200;
const MAX_HELD_BYTES = 4 * 1024 * 1024;
/** Tool message ids remembered, so a late answer to one never reaches the CSMS. */
const MAX_TOOL_IDS = 1000;

/** The head of an OCPP-J frame, read without parsing the payload: [2,"id","Action",…], [3,"id",…], [4,"id",…]. */
const head = /^\s*\[\s*([234])\s*,\s*"((?:[^"\\]|\\.){0,128})"\s*(?:,\s*"((?:[^"\\]|\\.){0,128})")?/;

interface Head {
  type: number;
  id: string;
  action: string | null;
}

/** What the relay needs of a frame, from the one parse it shares with the trace (and the live view); a
 *  frame that is not JSON is still read by its head, so a broken answer to the tool's own call stays the
 *  tool's and never reaches the CSMS. */
function headOf(parsed: ParsedFrame, text: string): Head | null {
  if (parsed.messageId !== null) {
    const type = parsed.kind === 'call' ? 2 : parsed.kind === 'result' ? 3 : 4;
    return { type, id: parsed.messageId, action: parsed.action };
  }
  const match = head.exec(text);
  if (!match) return null;
  return { type: Number(match[1]), id: match[2] ?? '', action: match[3] ?? null };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Close codes a peer may be sent (RFC 6455 7.4): the others stand for "no code" or "dropped". */
function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export class BoxRelay extends EventEmitter {
  readonly identity: string;
  readonly protocol: string;
  readonly connectedAt: string;
  readonly #box: WebSocket;
  #upstream: WebSocket | null;
  readonly #options: RelayOptions;
  /** What the CSMS answered this connection's BootNotification; null before it did. */
  bootStatus: string | null = null;
  /** When the box last sent a frame (milliseconds: every frame sets it, few read it). */
  #lastSeenMs = Date.now();
  #closing = false;
  #alive = true;
  #upstreamAlive = true;
  /** The box's socket was closed by the tool's own guard (a frame over the limit, a protocol error). */
  #boxFault = false;
  /** Box frames held while the CSMS side reconnects. */
  #held: Frame[] = [];
  #heldBytes = 0;
  /** CSMS frames held while the tool's own call is out, so the box has one server call at a time. */
  #csmsQueue: Frame[] = [];
  /** The CSMS's calls the box has not answered yet. */
  readonly #csmsInFlight = new Set<string>();
  /** The box's BootNotification calls whose answer the CSMS has not sent yet. */
  readonly #bootCalls = new Set<string>();
  readonly #toolIds = new Set<string>();
  readonly #toolWaiting: ToolCall[] = [];
  #toolOut: ToolCall | null = null;
  /** requestIds of the tool's own GetBaseReport: the box's NotifyReport parts for them are answered here. */
  readonly #toolReports = new Set<number>();

  constructor(options: RelayOptions) {
    super();
    this.connectedAt = new Date(this.#lastSeenMs).toISOString();
    this.identity = options.identity;
    this.protocol = options.protocol;
    this.#box = options.box;
    this.#upstream = options.upstream;
    this.#options = options;
    this.#box.on('message', (data, binary) => this.#fromBox(toBuffer(data), binary));
    this.#box.on('pong', () => {
      this.#alive = true;
    });
    this.#box.on('error', (error: Error & { code?: string }) => this.#socketError('box', error));
    this.#box.on('close', (code, reason) => this.#boxClosed(code, reason.toString('utf8')));
    this.#attach(options.upstream);
  }

  get lastSeenAt(): string {
    return new Date(this.#lastSeenMs).toISOString();
  }

  /** Whether the company CSMS side is connected now. */
  get csmsConnected(): boolean {
    return this.#upstream !== null && !this.#closing;
  }

  /** Called every ping interval: a box that did not answer the last ping is cut off; a CSMS connection
   *  that did not is dropped and dialled again (a line that died without a close). */
  heartbeat(): void {
    if (this.#closing) return;
    if (!this.#alive) {
      this.#box.terminate();
      return;
    }
    const upstream = this.#upstream;
    if (upstream && !this.#upstreamAlive) {
      upstream.terminate();
      return;
    }
    this.#alive = false;
    this.#upstreamAlive = false;
    try {
      this.#box.ping();
      upstream?.ping();
    } catch {
      // closing already
    }
  }

  /** A read-only call of the tool's own into the session (read-only-calls.ts), answered to the caller only. */
  call(action: string, payload: Record<string, unknown>, timeoutMs: number): Promise<ProxyCallResult> {
    checkReadOnly(this.protocol, action);
    if (this.#closing)
      return Promise.reject(new AppError('PROXY_BOX_NOT_RELAYED', { identity: this.identity }));
    if (action === 'GetBaseReport' && typeof payload.requestId === 'number')
      this.#toolReports.add(payload.requestId);
    const id = this.#newId();
    return new Promise<ProxyCallResult>((resolve, reject) => {
      const call: ToolCall = {
        id,
        action,
        frame: JSON.stringify([2, id, action, payload]),
        sent: false,
        resolve,
        reject,
        timer: setTimeout(() => this.#toolTimeout(call, timeoutMs), timeoutMs),
      };
      this.#toolWaiting.push(call);
      this.#pump();
    });
  }

  /** Ends the relay from the tool's side (the proxy stops): both sockets get `code`, both are awaited. */
  async close(code = 1001, reason = 'The tool is closing'): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#failToolCalls();
    const sockets = [this.#box, this.#upstream].filter((s): s is WebSocket => s !== null);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === socket.CLOSED) return resolve();
              socket.once('close', () => resolve());
              socket.close(code, reason);
            }),
        ),
      ),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 2000);
      }),
    ]);
    clearTimeout(timer);
    for (const socket of sockets) socket.terminate();
  }

  #newId(): string {
    // 'wbc-' and 128 random bits: 36 characters, the most OCPP-J allows; never one the CSMS has in flight.
    let id: string;
    do id = `wbc-${randomBytes(16).toString('hex')}`;
    while (this.#csmsInFlight.has(id) || this.#toolIds.has(id));
    this.#toolIds.add(id);
    if (this.#toolIds.size > MAX_TOOL_IDS) {
      const oldest = this.#toolIds.values().next().value;
      if (oldest !== undefined) this.#toolIds.delete(oldest);
    }
    return id;
  }

  #attach(upstream: WebSocket): void {
    this.#upstreamAlive = true;
    upstream.on('pong', () => {
      if (this.#upstream === upstream) this.#upstreamAlive = true;
    });
    upstream.on('message', (data, binary) => {
      if (this.#upstream === upstream) this.#fromCsms(toBuffer(data), binary);
    });
    upstream.on('error', (error: Error & { code?: string }) => {
      if (this.#upstream === upstream) this.#socketError('csms', error);
    });
    upstream.on('close', (code, reason) => {
      if (this.#upstream === upstream) this.#csmsClosed(code, reason.toString('utf8'));
    });
  }

  #fromBox(data: Buffer, binary: boolean): void {
    this.#lastSeenMs = Date.now();
    const text = data.toString('utf8');
    const parsed = parseFrame(text);
    const frame = headOf(parsed, text);
    if (frame && frame.type !== 2) {
      // An answer: to the tool's own call (kept from the CSMS), or to the CSMS's.
      if (this.#toolOut?.id === frame.id) {
        this.#toolAnswered(this.#toolOut, text, parsed, frame.type);
        return;
      }
      if (this.#toolIds.has(frame.id)) {
        this.#options.trace.frame(this.identity, 'in', text, 'tool', parsed);
        return;
      }
      this.#csmsInFlight.delete(frame.id);
    } else if (
      frame?.action === 'NotifyReport' &&
      this.#toolReports.size > 0 &&
      this.#toolReport(text, parsed, frame.id)
    )
      return;
    else if (frame?.action === 'BootNotification') this.#bootCalls.add(frame.id);
    // Passed on first, traced right after in the same turn: the CSMS reads it meanwhile, and its answer
    // (a later turn) is always traced after it. A frame that has to wait is traced before it is held.
    const sent = this.#sendToCsms(data, binary);
    this.#options.trace.frame(this.identity, 'in', text, 'box', parsed);
    if (!sent) this.#hold({ data, binary });
    if (frame && frame.type !== 2) this.#pump();
  }

  #fromCsms(data: Buffer, binary: boolean): void {
    const text = data.toString('utf8');
    const parsed = parseFrame(text);
    const frame = headOf(parsed, text);
    if (frame?.type === 2) this.#csmsInFlight.add(frame.id);
    // Passed on first (or queued behind the tool's own call), traced right after, as from the box.
    if (this.#toolOut || this.#csmsQueue.length > 0) this.#csmsQueue.push({ data, binary });
    else this.#toBox({ data, binary });
    this.#options.trace.frame(this.identity, 'out', text, 'csms', parsed);
    if (frame && this.#bootCalls.delete(frame.id) && frame.type === 3) this.#bootAnswered(parsed.value);
  }

  /** A box part of the tool's own GetBaseReport: answered here, never sent to the CSMS. */
  #toolReport(text: string, parsed: ParsedFrame, id: string): boolean {
    const value = parsed.value;
    const payload = Array.isArray(value) && isRecord(value[3]) ? value[3] : null;
    const requestId = payload?.requestId;
    if (typeof requestId !== 'number' || !this.#toolReports.has(requestId)) return false;
    if (payload?.tbc !== true) this.#toolReports.delete(requestId);
    this.#options.trace.frame(this.identity, 'in', text, 'tool', parsed);
    const answer = JSON.stringify([3, id, {}]);
    this.#options.trace.frame(this.identity, 'out', answer, 'tool');
    this.#toBox({ data: Buffer.from(answer), binary: false });
    return true;
  }

  #bootAnswered(value: unknown): void {
    const status = Array.isArray(value) && isRecord(value[2]) ? value[2].status : null;
    if (typeof status !== 'string') return;
    this.bootStatus = status;
    this.emit('event', { type: 'boot', identity: this.identity, status } satisfies RelayEvent);
  }

  #toBox(frame: Frame): void {
    if (this.#box.readyState === this.#box.OPEN) this.#box.send(frame.data, { binary: frame.binary });
  }

  #toCsms(frame: Frame): void {
    if (!this.#sendToCsms(frame.data, frame.binary)) this.#hold(frame);
  }

  /** False when the CSMS side is not open (reconnecting): nothing was sent. */
  #sendToCsms(data: Buffer, binary: boolean): boolean {
    const upstream = this.#upstream;
    if (!upstream || upstream.readyState !== upstream.OPEN) return false;
    upstream.send(data, { binary });
    return true;
  }

  /** The CSMS side is reconnecting: held, in order, within bounds. */
  #hold(frame: Frame): void {
    this.#held.push(frame);
    this.#heldBytes += frame.data.length;
    if (this.#held.length > MAX_HELD_FRAMES || this.#heldBytes > MAX_HELD_BYTES) this.#giveUp();
  }

  /** Sends the next tool call when neither the CSMS nor the tool has a call at the box. */
  #pump(): void {
    if (this.#toolOut || this.#csmsInFlight.size > 0 || this.#closing) return;
    const next = this.#toolWaiting.shift();
    if (!next) return;
    this.#toolOut = next;
    next.sent = true;
    this.#options.trace.frame(this.identity, 'out', next.frame, 'tool');
    this.#toBox({ data: Buffer.from(next.frame), binary: false });
  }

  #toolAnswered(call: ToolCall, text: string, parsed: ParsedFrame, type: number): void {
    this.#options.trace.frame(this.identity, 'in', text, 'tool', parsed);
    clearTimeout(call.timer);
    this.#toolOut = null;
    const value = parsed.value;
    const result: ProxyCallResult = { identity: this.identity, action: call.action, messageId: call.id };
    if (type === 3 && Array.isArray(value) && isRecord(value[2])) result.result = value[2];
    else if (type === 4 && Array.isArray(value))
      result.error = { code: String(value[2] ?? ''), description: String(value[3] ?? '') };
    else result.error = { code: 'FormatViolation', description: 'the answer is not an OCPP-J result' };
    call.resolve(result);
    this.#flushCsmsQueue();
    this.#pump();
  }

  #toolTimeout(call: ToolCall, timeoutMs: number): void {
    const waiting = this.#toolWaiting.indexOf(call);
    if (waiting >= 0) this.#toolWaiting.splice(waiting, 1);
    if (this.#toolOut === call) {
      this.#toolOut = null;
      this.#flushCsmsQueue();
    }
    call.reject(
      new AppError('BOX_NO_ANSWER', {
        identity: this.identity,
        action: call.action,
        seconds: Math.round(timeoutMs / 1000),
      }),
    );
    this.#pump();
  }

  #flushCsmsQueue(): void {
    const queued = this.#csmsQueue;
    this.#csmsQueue = [];
    for (const frame of queued) this.#toBox(frame);
  }

  #failToolCalls(): void {
    const calls = [...this.#toolWaiting, ...(this.#toolOut ? [this.#toolOut] : [])];
    this.#toolWaiting.length = 0;
    this.#toolOut = null;
    for (const call of calls) {
      clearTimeout(call.timer);
      call.reject(new AppError('PROXY_BOX_NOT_RELAYED', { identity: this.identity }));
    }
  }

  #socketError(side: 'box' | 'csms', error: Error & { code?: string }): void {
    // ws refused a frame over the limit before buffering it; it closes that socket with 1009.
    const tooLarge = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
    if (side === 'box') this.#boxFault = true;
    this.#options.trace.event(
      this.identity,
      tooLarge ? 'frame-too-large' : 'socket-error',
      { error: error.code ?? error.message },
      side,
    );
    this.#options.log('warn', `proxy: ${side === 'box' ? 'box' : 'CSMS'} socket error`, {
      identity: this.identity,
      error: error.code ?? error.message,
    });
  }

  /** One side went away: a trace row on its side, a log line and a `dropped` event. */
  #dropped(side: 'box' | 'csms', code: number, reason: string, message: string): void {
    this.#options.trace.event(this.identity, `${side}-closed`, { code, reason }, side);
    this.#options.log(side === 'box' ? 'info' : 'warn', message, { identity: this.identity, code });
    this.emit('event', { type: 'dropped', identity: this.identity, side, code } satisfies RelayEvent);
  }

  #boxClosed(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#dropped('box', code, reason, 'proxy: the box closed its connection; closing the CSMS side');
    this.#failToolCalls();
    const upstream = this.#upstream;
    this.#upstream = null;
    // The CSMS learns what the box said (its code), or that it went away when it said nothing.
    if (upstream) {
      if (sendable(code) && !this.#boxFault) upstream.close(code, reason);
      else upstream.close(1001, 'The box went away');
      setTimeout(() => upstream.terminate(), 2000).unref();
    }
    this.emit('closed');
  }

  #csmsClosed(code: number, reason: string): void {
    if (this.#closing) return;
    this.#upstream = null;
    this.#dropped('csms', code, reason, 'proxy: the CSMS closed its connection; reconnecting');
    // What the CSMS had asked is gone with its connection; the box's answers go to the new one.
    this.#csmsInFlight.clear();
    this.#bootCalls.clear();
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    for (const delay of this.#options.reconnectDelaysMs) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#closing) return;
      const outcome = await this.#options.redial();
      if (this.#closing) {
        if (outcome.kind === 'open') outcome.socket.close(1001, 'The box went away');
        return;
      }
      if (outcome.kind === 'open') {
        this.#upstream = outcome.socket;
        this.#attach(outcome.socket);
        this.#options.trace.event(this.identity, 'csms-reconnected', {}, 'csms');
        this.#options.log('info', 'proxy: reconnected to the CSMS', { identity: this.identity });
        this.emit('event', { type: 'reconnected', identity: this.identity } satisfies RelayEvent);
        const held = this.#held;
        this.#held = [];
        this.#heldBytes = 0;
        for (const frame of held) this.#toCsms(frame);
        this.#pump();
        return;
      }
      this.#options.trace.event(
        this.identity,
        'csms-redial-failed',
        outcome.kind === 'refused'
          ? { status: outcome.status }
          : { error: outcome.kind === 'unreachable' ? outcome.error : outcome.kind },
        'csms',
      );
    }
    this.#giveUp();
  }

  /** The CSMS side is not coming back (or too much piled up): the box is closed and reconnects itself. */
  #giveUp(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#options.trace.event(this.identity, 'csms-gave-up', { held: this.#held.length }, 'csms');
    this.#options.log('warn', 'proxy: the CSMS did not come back; closing the box so it reconnects', {
      identity: this.identity,
    });
    this.emit('event', { type: 'gave-up', identity: this.identity } satisfies RelayEvent);
    this.#failToolCalls();
    this.#held = [];
    this.#upstream?.terminate();
    this.#upstream = null;
    this.#box.close(1001, 'The CSMS went away');
    setTimeout(() => this.#box.terminate(), 2000).unref();
    this.emit('closed');
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
