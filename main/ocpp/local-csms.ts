// The tool's own CSMS on the laptop: boxes connect to it over LAN, are answered Pending at boot so the
// tool may read and change them, wait in a lobby until admitted, and are kept in a map by identity.
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import type { RPCServer } from 'ocpp-rpc';
import { AppError } from '../api/errors.ts';
import { LineBudget } from '../log/line-budget.ts';
import type { Logger, LogLevel } from '../log/logger.ts';
import { AuthThrottle, type AuthThrottleOptions } from './auth-throttle.ts';
import { abortable, afterBoot, awaitBoot, gatedSession } from './boot-gate.ts';
import { boxListener } from './box-listener.ts';
import { checkUpgrade, isRefusal, type RefusalReason, refusalText, refuseSocket } from './handshake-guard.ts';
import { IdentityListeners, type Unsubscribe } from './identity-listeners.ts';
import { isoNow as now } from './iso-clock.ts';
import type { OcppPeer } from './peer.ts';
import { createSession, type StationSession } from './session.ts';
import { tolerantValidators, toleratedViolations } from './tolerant-validators.ts';
import { parsedSent, type TraceRecorder } from './trace.ts';
import {
  type BootInfo,
  type BoxInfo,
  type CsmsTlsInfo,
  type OcppProtocol,
  supportedProtocols,
  versionOf,
} from './types.ts';
import { waitForEvent } from './wait.ts';

export type { BoxInfo } from './types.ts';

export interface LocalCsmsOptions {
  trace: TraceRecorder;
  host?: string;
  port?: number;
  /** The path boxes are given, before their identity: ws://laptop:port/ocpp/<identity> */
  path?: string;
  /** Basic-auth password(s) a box may present (user = its identity); none: no basic auth. Several while a
   *  box is being given a new one it has not confirmed yet (main/ocpp/box-passwords.ts). */
  password?: (identity: string) => string | readonly string[] | undefined;
  /** Identities admitted as soon as they connect; every other box waits in the lobby. */
  expected?: Iterable<string>;
  admitUnexpected?: boolean;
  /** Seconds a box waits before booting again while Pending. */
  bootIntervalS?: number;
  callTimeoutMs?: number;
  /** Serve wss:// with these certificates (main/ocpp/tls.ts) instead of ws://. */
  tls?: { key: string[]; cert: string[]; info: CsmsTlsInfo };
  /** The largest frame a box may send (bytes); a larger one closes its socket (1009). Default 1 MB. */
  maxFrameBytes?: number;
  /** Boxes waiting in the lobby at most; the one offline longest makes room for a new one. */
  maxLobby?: number;
  /** Backoff after failed logins per address and identity (auth-throttle.ts). */
  throttle?: AuthThrottleOptions;
  /** Where refusals and faults are logged (main/log), besides the trace. */
  log?: Logger;
}

/** A handshake the CSMS refused: what `refused` events carry (the CLI, the log, a waiting run). */
export interface CsmsRefusal {
  identity: string | null;
  reason: string;
  remoteAddress: string | null;
  at: string;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
const DEFAULT_MAX_LOBBY = 100;
/** Offline boxes kept in memory at most (admitted or not); the longest offline is forgotten first. */
const MAX_OFFLINE_RECORDS = 1000;

function sameSecret(offered: Buffer, expected: string): boolean {
  const a = createHash('sha256').update(offered).digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The addresses of this laptop a CSMS bound to host can be reached on (IPv4, as boxes are set up). */
export function listenAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4')
    .map((a) => a?.address ?? '');
}

interface BoxRecord extends BoxInfo {
  peer: OcppPeer | null;
  session: StationSession | null;
  incoming: EventEmitter;
  acceptBoot: boolean;
  /** What the tool answered the box's last BootNotification (kept over a reconnect); null before one. */
  registration: 'Accepted' | 'Pending' | null;
}

export interface IncomingCall {
  action: string;
  params: Record<string, unknown>;
  /** What the tool answered (a 1.6 StartTransaction's transactionId, the boot status, ...). */
  answer: Record<string, unknown>;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function bootInfo(protocol: OcppProtocol, params: Record<string, unknown>): BootInfo {
  if (protocol === 'ocpp1.6') {
    return {
      vendor: str(params.chargePointVendor) ?? '',
      model: str(params.chargePointModel) ?? '',
      serialNumber: str(params.chargePointSerialNumber) ?? str(params.chargeBoxSerialNumber),
      firmwareVersion: str(params.firmwareVersion),
      reason: null,
      receivedAt: now(),
    };
  }
  const station = (params.chargingStation ?? {}) as Record<string, unknown>;
  return {
    vendor: str(station.vendorName) ?? '',
    model: str(station.model) ?? '',
    serialNumber: str(station.serialNumber),
    firmwareVersion: str(station.firmwareVersion),
    reason: str(params.reason),
    receivedAt: now(),
  };
}

export class LocalCsms extends EventEmitter {
  readonly #options: Required<Omit<LocalCsmsOptions, 'password' | 'expected' | 'tls' | 'throttle' | 'log'>> &
    Pick<LocalCsmsOptions, 'password' | 'tls' | 'log'>;
  readonly #throttle: AuthThrottle;
  /** The idTag a running test charge started with, per box: the only one a transaction is accepted for. */
  readonly #testCharges = new Map<string, string>();
  readonly #refusalLog = new LineBudget(100);
  readonly #expected: Set<string>;
  readonly #boxes = new Map<string, BoxRecord>();
  #server: RPCServer | null = null;
  #http: Server | null = null;

  constructor(options: LocalCsmsOptions) {
    super();
    this.#options = {
      trace: options.trace,
      host: options.host ?? '0.0.0.0',
      port: options.port ?? 9220,
      path: `/${(options.path ?? '/ocpp').replace(/^\/+|\/+$/g, '')}`,
      admitUnexpected: options.admitUnexpected ?? false,
      bootIntervalS: options.bootIntervalS ?? 10,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      password: options.password,
      tls: options.tls,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxLobby: options.maxLobby ?? DEFAULT_MAX_LOBBY,
      log: options.log,
    };
    this.#throttle = new AuthThrottle(options.throttle);
    this.#expected = new Set(options.expected ?? []);
  }

  get port(): number {
    return (this.#http?.address() as AddressInfo | null)?.port ?? this.#options.port;
  }

  get running(): boolean {
    return this.#http !== null;
  }

  /** The address to enter into a box, once per address of this laptop the CSMS listens on. */
  urls(): string[] {
    const scheme = this.#options.tls ? 'wss' : 'ws';
    return listenAddresses(this.#options.host).map(
      (a) => `${scheme}://${a.includes(':') ? `[${a}]` : a}:${this.port}${this.#options.path}`,
    );
  }

  /** The CA a box must trust while the CSMS serves wss://; null for ws://. */
  tls(): CsmsTlsInfo | null {
    return this.#options.tls?.info ?? null;
  }

  async listen(): Promise<void> {
    // Loaded here, not at start-up: ocpp-rpc compiles its schemas on load (a third of a second).
    const { RPCServer } = await import('ocpp-rpc');
    const server = new RPCServer({
      protocols: [...supportedProtocols],
      strictMode: true,
      // The tool's frames strictly, a box's frames tolerantly (tolerant-validators.ts).
      // Plain objects with ocpp-rpc's validator shape (subprotocol, validate); its typing wants the class.
      strictModeValidators: (await tolerantValidators()) as unknown as never[],
      callTimeoutMs: this.#options.callTimeoutMs,
      pingIntervalMs: 30_000,
      // A box gets the error code and a short text, never the schema's internals nor its own frame
      // echoed back (a frame nested 10,000 deep cannot be copied into a reply, and closed the box).
      respondWithDetailedErrors: false,
      // ws refuses a larger frame before buffering it and closes the socket with 1009.
      wssOptions: { maxPayload: this.#options.maxFrameBytes },
    });
    server.auth((accept, reject, handshake) => this.#authorize(accept, reject, handshake));
    server.on('client', (client: unknown) => this.#attach(client as OcppPeer));
    // Our own HTTP server, so a port in use is a typed error and not an uncaught exception.
    const http = boxListener({
      tls: this.#options.tls,
      refused: (reason, address, details) => this.#refused(null, reason, address, details),
    });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(server, request, socket, head),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(this.#options.port, this.#options.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await server.close({ force: true });
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new AppError(
          'CSMS_PORT_IN_USE',
          { port: this.#options.port, host: this.#options.host },
          { cause: error },
        );
      }
      throw error;
    }
    // Faults of the listening socket or of ws after start: logged, never an uncaught 'error' event.
    http.on('error', (error) => this.#logLine('error', 'local CSMS: server error', { error }));
    server.on('error', (error: unknown) =>
      this.#logLine('error', 'local CSMS: WebSocket server error', { error }),
    );
    this.#http = http;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    const http = this.#http;
    this.#server = null;
    this.#http = null;
    if (server) {
      // Boxes are told the tool is going away (1001), as a WebSocket peer should be, instead of a dropped
      // line (1006); one that does not answer the close within 2 s is cut off.
      const peers = [...this.#boxes.values()].flatMap((b) => (b.peer ? [b.peer] : []));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(
          peers.map((peer) =>
            peer.close({ code: 1001, reason: 'The tool is closing' }).catch(() => undefined),
          ),
        ),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2000);
        }),
      ]);
      clearTimeout(timer);
      await server.close({ force: true });
    }
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    for (const box of this.#boxes.values()) box.state = 'offline';
    this.#options.trace.flush();
  }

  boxes(): BoxInfo[] {
    return [...this.#boxes.values()]
      .map((b) => this.#info(b))
      .sort((a, b) => a.identity.localeCompare(b.identity));
  }

  box(identity: string): BoxInfo | undefined {
    const record = this.#boxes.get(identity);
    return record ? this.#info(record) : undefined;
  }

  admit(identity: string): BoxInfo {
    this.expect([identity]);
    const record = this.#boxes.get(identity);
    if (!record) throw new AppError('BOX_OFFLINE', { identity });
    return this.#info(record);
  }

  /** Lets these boxes in when they connect, and at once those of them waiting in the lobby now (the boxes
   *  of commissioning runs under way when the tool stopped: the user chose them when the runs began). */
  expect(identities: Iterable<string>): void {
    for (const identity of identities) {
      this.#expected.add(identity);
      const record = this.#boxes.get(identity);
      if (!record || record.admitted) continue;
      record.admitted = true;
      this.#options.trace.event(identity, 'admitted');
      this.#announce(record);
    }
  }

  /** Lets the box's next BootNotification be Accepted (for a test charge); Pending otherwise. */
  acceptBoot(identity: string, accept: boolean): void {
    const record = this.#boxes.get(identity);
    if (record) record.acceptBoot = accept;
  }

  /** What the tool answered the box's last boot: a box still Pending sends no Authorize (OCPP 1.6 4.2,
   *  2.0.1 B02); null when it has not booted since the CSMS started. */
  registration(identity: string): 'Accepted' | 'Pending' | null {
    return this.#boxes.get(identity)?.registration ?? null;
  }

  /** How long a call waits for the BootNotification of a box that connected but has not booted (ms);
   *  0 sends calls at once, as before the gate. */
  bootWaitMs = 10_000;
  /** Whether a box booted at this tool before (set by the service from its stations): such a box that
   *  only reconnected, without booting, is called after the wait instead of refused. */
  knownBoot: (identity: string) => boolean = () => false;
  readonly #gatedSessions = new WeakMap<StationSession, StationSession>();
  readonly #boxOf = new IdentityListeners<BoxInfo>();
  readonly #bootGates = new WeakMap<OcppPeer, Promise<void>>();

  /** The session of a connected, admitted box; throws a typed error otherwise. Every call through it
   *  first waits (bounded) for the box's BootNotification on this connection (boot-gate.ts). */
  session(identity: string): StationSession {
    const record = this.#boxes.get(identity);
    if (record?.state !== 'connected' || !record.peer || !record.session) {
      throw new AppError('BOX_OFFLINE', { identity });
    }
    if (!record.admitted) throw new AppError('BOX_NOT_ADMITTED', { identity });
    const raw = record.session;
    let gated = this.#gatedSessions.get(raw);
    if (!gated) {
      gated = gatedSession(raw, (signal) => this.#bootGate(record, signal));
      this.#gatedSessions.set(raw, gated);
    }
    return gated;
  }

  /** One wait per connection, shared by every call that comes while it runs; a refusal is not kept. */
  #bootGate(record: BoxRecord, signal: AbortSignal | undefined): Promise<void> {
    const peer = record.peer;
    const bootedNow = () => record.boot !== null && record.boot.receivedAt >= record.connectedAt;
    if (!peer || record.state !== 'connected' || this.bootWaitMs <= 0) return Promise.resolve();
    if (record.boot && bootedNow()) return abortable(afterBoot(record.boot.receivedAt), signal);
    let gate = this.#bootGates.get(peer);
    if (!gate) {
      const bootedBefore = record.boot !== null;
      gate = awaitBoot({
        identity: record.identity,
        peer,
        waitMs: this.bootWaitMs,
        bootedNow,
        current: () => record.peer === peer && record.state === 'connected',
        knownBefore: () => bootedBefore || this.knownBoot(record.identity),
        onChange: (listener) => this.onBox(record.identity, () => listener()),
        trace: (detail) => this.#options.trace.event(record.identity, 'boot-wait', detail),
      });
      gate.catch(() => this.#bootGates.delete(peer));
      this.#bootGates.set(peer, gate);
    }
    return abortable(gate, signal);
  }

  /** The 'box' events of one box only: each of a car park's waits looks at its own box's events, not at
   *  every box's (with a thousand boxes waiting, a thousand listeners would run for each event). */
  onBox(identity: string, listener: (info: BoxInfo) => void): Unsubscribe {
    return this.#boxOf.on(identity, listener);
  }

  /** A box's change, told to every listener of 'box' and then to those of that box alone. */
  #announce(record: BoxRecord): void {
    const info = this.#info(record);
    this.emit('box', info);
    this.#boxOf.emit(record.identity, info);
  }

  /** Resolves with the box once it is connected (and admitted); rejects when cancelled or timed out. */
  waitFor(
    identity: string,
    options: { signal?: AbortSignal; timeoutMs?: number; booted?: boolean } = {},
  ): Promise<BoxInfo> {
    const ready = (info: BoxInfo) =>
      info.identity === identity &&
      info.state === 'connected' &&
      info.admitted &&
      (!options.booted || info.boot !== null);
    const current = this.box(identity);
    if (current && ready(current)) return Promise.resolve(current);
    return waitForEvent<BoxInfo, BoxInfo>(
      (listener) => this.onBox(identity, listener),
      (info) => (ready(info) ? info : undefined),
      {
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        onTimeout: () => new AppError('BOX_OFFLINE', { identity }),
      },
    );
  }

  /** Calls the box sends (StatusNotification, Authorize, NotifyReport, ...), for sessions and the UI. */
  onIncoming(identity: string, listener: (call: IncomingCall) => void): () => void {
    const record = this.#record(identity);
    record.incoming.on('call', listener);
    return () => record.incoming.off('call', listener);
  }

  /** A log line that can never throw into a socket handler (a full disk, a data folder gone). */
  #logLine(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    try {
      this.#options.log?.log(level, message, fields);
    } catch {
      // the trace still has it
    }
  }

  /** A test charge (test-charge.ts) starts a transaction with idTag: only that one is Accepted. */
  allowTestCharge(identity: string, idTag: string | null): void {
    if (idTag === null) this.#testCharges.delete(identity);
    else this.#testCharges.set(identity, idTag);
  }

  #testChargeTag(identity: string, idTag: unknown): boolean {
    const allowed = this.#testCharges.get(identity);
    // 1.6 idTag is CiString20: case does not count.
    return (
      allowed !== undefined && typeof idTag === 'string' && allowed.toLowerCase() === idTag.toLowerCase()
    );
  }

  /** The way in for every upgrade: checked here first, ocpp-rpc only ever sees a request that parses. */
  #upgrade(server: RPCServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A peer resetting mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => undefined);
    const address = (socket as Socket).remoteAddress ?? null;
    const check = checkUpgrade(request);
    if (isRefusal(check)) {
      this.#refused(check.identity, check.reason, address);
      refuseSocket(socket, check.status);
      return;
    }
    const waitMs = this.#throttle.waitMs(address, check.identity);
    if (waitMs > 0) {
      this.#refused(check.identity, 'throttled', address, { retryAfterS: Math.ceil(waitMs / 1000) });
      refuseSocket(socket, 429, { 'Retry-After': String(Math.ceil(waitMs / 1000)) });
      return;
    }
    const fault = (error: unknown) => {
      this.#logLine('error', 'local CSMS: handshake fault, connection refused', {
        error,
        identity: check.identity,
        remoteAddress: address,
      });
      this.#refused(check.identity, 'fault', address);
      refuseSocket(socket, 500);
    };
    try {
      const pending = server.handleUpgrade(request, socket as Socket, head) as unknown;
      if (pending instanceof Promise) pending.catch(fault);
    } catch (error) {
      fault(error);
    }
  }

  /** One refused handshake: in the trace, in the log and as a `refused` event (CLI, a waiting run). */
  #refused(
    identity: string | null,
    reason: RefusalReason,
    remoteAddress: string | null,
    details: Record<string, unknown> = {},
  ): void {
    const at = now();
    this.#options.trace.event(identity ?? '(none)', 'refused', {
      reason,
      detail: refusalText[reason],
      remoteAddress,
      ...details,
    });
    // At most 100 lines a minute: a flood from the LAN must not fill the disk through the log.
    const skipped = (count: number) =>
      this.#logLine('warn', 'local CSMS: more refusals not logged (see the trace)', { count });
    if (this.#refusalLog.take(skipped))
      this.#logLine('warn', 'local CSMS refused a connection', { identity, reason, remoteAddress });
    this.emit('refused', { identity, reason, remoteAddress, at } satisfies CsmsRefusal);
  }

  /** Whether a new box may be kept: an admitted one always; a lobby box when the lobby has room
   *  (the box offline longest is forgotten to make it). Also forgets offline boxes beyond a ceiling. */
  #roomFor(identity: string): boolean {
    if (this.#boxes.has(identity)) return true;
    const offline = [...this.#boxes.values()]
      .filter((b) => b.state === 'offline' && !this.#expected.has(b.identity))
      .sort((a, b) => a.lastSeenAt.localeCompare(b.lastSeenAt));
    while (offline.length > 0 && this.#boxes.size >= MAX_OFFLINE_RECORDS) {
      const oldest = offline.shift();
      if (oldest) this.#forget(oldest);
    }
    const admitted = this.#options.admitUnexpected || this.#expected.has(identity);
    if (admitted) return true;
    const lobby = () => [...this.#boxes.values()].filter((b) => !b.admitted).length;
    const offlineLobby = offline.filter((b) => !b.admitted);
    while (lobby() >= this.#options.maxLobby) {
      const oldest = offlineLobby.shift();
      if (!oldest) return false;
      this.#forget(oldest);
    }
    return true;
  }

  #forget(record: BoxRecord): void {
    this.#boxes.delete(record.identity);
    this.#testCharges.delete(record.identity);
    this.#options.trace.event(record.identity, 'forgotten', { admitted: record.admitted });
  }

  #record(identity: string): BoxRecord {
    let record = this.#boxes.get(identity);
    if (!record) {
      record = {
        identity,
        ocppVersion: '1.6',
        state: 'offline',
        admitted: this.#options.admitUnexpected || this.#expected.has(identity),
        remoteAddress: null,
        connectedAt: now(),
        lastSeenAt: now(),
        boot: null,
        connectors: {},
        peer: null,
        session: null,
        incoming: new EventEmitter(),
        acceptBoot: false,
        registration: null,
      };
      this.#boxes.set(identity, record);
    }
    return record;
  }

  #info(record: BoxRecord): BoxInfo {
    const {
      peer: _peer,
      session: _session,
      incoming: _incoming,
      acceptBoot: _accept,
      registration: _registration,
      ...info
    } = record;
    return { ...info, connectors: { ...info.connectors } };
  }

  #authorize(
    accept: (session?: Record<string, unknown>, protocol?: string | false) => void,
    reject: (code: number, message: string) => void,
    handshake: {
      identity: string;
      endpoint: string;
      protocols: Set<string>;
      password: Buffer | undefined;
      remoteAddress: string | undefined;
    },
  ): void {
    const identity = handshake.identity;
    // Any path before the identity is taken: the box's URL field may hold a path copied from a vendor
    // manual (/steve/websocket/CentralSystemService/<id>); the identity is always the last segment.
    // Only the tool's own URL without an identity (ws://laptop:9220/ocpp) is a mistake to refuse.
    const address = handshake.remoteAddress ?? null;
    if (handshake.endpoint.replace(/\/+$/, '') === '' && `/${identity}` === this.#options.path) {
      this.#refused(null, 'no-identity', address, { path: this.#options.path });
      reject(404, 'Not found');
      return;
    }
    let expectedPassword: string | readonly string[] | undefined;
    try {
      expectedPassword = this.#options.password?.(identity);
    } catch (error) {
      // A box password the vault cannot open: nobody gets in under that identity, and the log says why.
      this.#logLine('error', 'local CSMS: cannot read the password for a box', { identity, error });
      this.#refused(identity, 'fault', address);
      reject(500, 'Internal Server Error');
      return;
    }
    if (expectedPassword !== undefined) {
      const offered = handshake.password;
      const accepted = typeof expectedPassword === 'string' ? [expectedPassword] : expectedPassword;
      // Every candidate is compared, so the time taken does not tell which one (if any) matched.
      const matches = offered === undefined ? [] : accepted.filter((p) => sameSecret(offered, p));
      if (offered === undefined || matches.length === 0) {
        this.#throttle.failed(address, identity);
        this.#refused(identity, offered === undefined ? 'no-password' : 'wrong-password', address);
        reject(401, 'Unauthorized');
        return;
      }
      this.#throttle.succeeded(identity);
    }
    if (!this.#roomFor(identity)) {
      this.#refused(identity, 'lobby-full', address, { maxLobby: this.#options.maxLobby });
      reject(503, 'Service Unavailable');
      return;
    }
    const chosen = supportedProtocols.find((p) => handshake.protocols.has(p));
    // OCPP-J: without a common subprotocol the handshake completes without one and the socket is closed.
    accept({ offered: [...handshake.protocols] }, chosen ?? false);
  }

  #attach(peer: OcppPeer): void {
    const trace = this.#options.trace;
    const identity = peer.identity;
    const protocol = peer.protocol as OcppProtocol | undefined;
    if (!protocol || !supportedProtocols.includes(protocol)) {
      this.#refused(identity, 'no-subprotocol', peer.handshake.remoteAddress ?? null, {
        offered: [...peer.handshake.protocols],
      });
      void peer.close({ code: 1002, reason: 'Supported subprotocols: ocpp2.0.1, ocpp1.6' });
      return;
    }
    const record = this.#record(identity);
    const previous = record.peer;
    if (previous) {
      trace.event(identity, 'replaced', {
        previousAddress: record.remoteAddress,
        newAddress: peer.handshake.remoteAddress ?? null,
      });
      void previous.close({ code: 4000, reason: 'Replaced by a newer connection with the same identity' });
    }
    record.peer = peer;
    record.ocppVersion = versionOf(protocol);
    record.state = 'connected';
    record.remoteAddress = peer.handshake.remoteAddress ?? null;
    record.connectedAt = now();
    record.lastSeenAt = record.connectedAt;
    // record.boot stays: a box that only reconnects (new password, network blip) does not boot again.
    record.admitted = record.admitted || this.#options.admitUnexpected || this.#expected.has(identity);
    record.session = createSession(peer, protocol, {
      identity,
      incoming: record.incoming,
      callTimeoutMs: this.#options.callTimeoutMs,
      onTolerated: (action, violation) =>
        trace.event(identity, 'schema-violation', { tolerated: true, action, error: violation.message }),
    });

    // ocpp-rpc announces each call it sends ('call', the array) right before the text goes out ('message',
    // same turn): the trace reads the call from the array instead of parsing the text back.
    let sending: readonly unknown[] | undefined;
    peer.on('call', ({ outbound, payload }) => {
      if (outbound && Array.isArray(payload)) sending = payload;
    });
    peer.on('message', ({ message, outbound }) => {
      record.lastSeenAt = now();
      const sent = outbound ? sending : undefined;
      sending = undefined;
      const raw = typeof message === 'string' ? message : String(message);
      trace.frame(identity, outbound ? 'out' : 'in', raw, undefined, sent && parsedSent(raw, sent));
    });
    peer.on('strictValidationFailure', ({ error }) => {
      trace.event(identity, 'schema-violation', { error: error.message });
    });
    peer.on('socketError', (error) => {
      // ws refused the frame before buffering it (maxPayload) and closes the socket with 1009.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        trace.event(identity, 'frame-too-large', { maxBytes: this.#options.maxFrameBytes });
        this.#logLine('warn', 'box sent a frame over the limit; its socket was closed', {
          identity,
          maxBytes: this.#options.maxFrameBytes,
        });
      } else trace.event(identity, 'socket-error', { error: error.code ?? error.message });
    });
    peer.on('badMessage', ({ error }) => trace.event(identity, 'malformed', { error: error.message }));
    peer.on('close', ({ code, reason }) => {
      if (record.peer !== peer) return; // an older socket of a box that has reconnected
      record.peer = null;
      record.session = null;
      record.state = 'offline';
      trace.event(identity, 'disconnected', { code: code ?? null, reason: reason ?? '' });
      this.#announce(record);
    });
    peer.handle(({ method, params }) =>
      this.#answer(record, method, (params ?? {}) as Record<string, unknown>),
    );

    trace.event(identity, 'connected', {
      protocol,
      remoteAddress: record.remoteAddress,
      admitted: record.admitted,
    });
    if (!record.admitted) trace.event(identity, 'lobby');
    this.#announce(record);
  }

  #answer(record: BoxRecord, action: string, params: Record<string, unknown>): unknown {
    const violation = toleratedViolations.get(params);
    if (violation) {
      this.#options.trace.event(record.identity, 'schema-violation', {
        tolerated: true,
        action,
        error: violation.message,
      });
    }
    const answer = this.#reply(record, action, params);
    record.incoming.emit('call', { action, params, answer } satisfies IncomingCall);
    return answer;
  }

  #reply(record: BoxRecord, action: string, params: Record<string, unknown>): Record<string, unknown> {
    const v16 = record.ocppVersion === '1.6';
    const currentTime = now();
    switch (action) {
      case 'BootNotification': {
        record.boot = bootInfo(v16 ? 'ocpp1.6' : 'ocpp2.0.1', params);
        const status = record.acceptBoot ? 'Accepted' : 'Pending';
        record.registration = status;
        queueMicrotask(() => this.#announce(record));
        return { status, currentTime, interval: this.#options.bootIntervalS };
      }
      case 'Heartbeat':
        return { currentTime };
      case 'StatusNotification': {
        const key = v16 ? String(params.connectorId) : `${params.evseId}/${params.connectorId}`;
        record.connectors[key] = String(v16 ? params.status : params.connectorStatus);
        queueMicrotask(() => this.#announce(record));
        return {};
      }
      case 'Authorize':
        // The tool is not the box's CSMS: it learns the idTag (card format) but never authorises charging.
        return v16 ? { idTagInfo: { status: 'Invalid' } } : { idTokenInfo: { status: 'Unknown' } };
      case 'StartTransaction':
        // Only the test charge's own remote start is accepted: the tool never authorizes charging.
        return {
          transactionId: Math.floor(Date.now() / 1000) % 2_000_000_000,
          idTagInfo: { status: this.#testChargeTag(record.identity, params.idTag) ? 'Accepted' : 'Invalid' },
        };
      case 'TransactionEvent': {
        const token = params.idToken as { idToken?: unknown } | undefined;
        if (token === undefined) return {};
        return {
          idTokenInfo: {
            status: this.#testChargeTag(record.identity, token.idToken) ? 'Accepted' : 'Invalid',
          },
        };
      }
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'SignCertificate':
        return { status: 'Rejected' };
      default:
        // MeterValues, StopTransaction, NotifyReport, NotifyEvent, status notifications: acknowledged.
        return {};
    }
  }
}
