// The tool's own CSMS on the laptop: boxes connect to it over LAN, are answered Pending at boot so the
// tool may read and change them, wait in a lobby until admitted, and are kept in a map by identity.
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { RPCServer } from 'ocpp-rpc';
import { AppError } from '../api/errors.ts';
import { abortable, afterBoot, awaitBoot, gatedSession } from './boot-gate.ts';
import type { OcppPeer } from './peer.ts';
import { createSession, type StationSession } from './session.ts';
import { tolerantValidators, toleratedViolations } from './tolerant-validators.ts';
import type { TraceRecorder } from './trace.ts';
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
  /** Basic-auth password every box must present (user = its identity); none: no basic auth. */
  password?: (identity: string) => string | undefined;
  /** Identities admitted as soon as they connect; every other box waits in the lobby. */
  expected?: Iterable<string>;
  admitUnexpected?: boolean;
  /** Seconds a box waits before booting again while Pending. */
  bootIntervalS?: number;
  callTimeoutMs?: number;
  /** Serve wss:// with these certificates (main/ocpp/tls.ts) instead of ws://. */
  tls?: { key: string[]; cert: string[]; info: CsmsTlsInfo };
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

const now = () => new Date().toISOString();

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
  readonly #options: Required<Omit<LocalCsmsOptions, 'password' | 'expected' | 'tls'>> &
    Pick<LocalCsmsOptions, 'password' | 'tls'>;
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
    };
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
      respondWithDetailedErrors: true,
    });
    server.auth((accept, reject, handshake) => this.#authorize(accept, reject, handshake));
    server.on('client', (client: unknown) => this.#attach(client as OcppPeer));
    // Our own HTTP server, so a port in use is a typed error and not an uncaught exception.
    const notFound = (_req: unknown, res: { statusCode: number; end(): void }) => {
      res.statusCode = 404;
      res.end();
    };
    const tls = this.#options.tls;
    // wss://: two certificate pairs (ECDSA and RSA), Node serves the one the box's cipher suites need.
    const http: Server = tls
      ? createTlsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, notFound)
      : createServer(notFound);
    if (tls) {
      // A box that does not trust the CA (or speaks no TLS) ends the handshake: traced, never thrown.
      http.on('tlsClientError', (error: Error & { code?: string }, socket) => {
        this.#options.trace.event('(none)', 'refused', {
          reason: 'TLS handshake failed',
          error: error.code ?? error.message,
          remoteAddress: socket.remoteAddress ?? null,
        });
      });
    }
    http.on('upgrade', server.handleUpgrade);
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
    this.#http = http;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    const http = this.#http;
    this.#server = null;
    this.#http = null;
    if (server) await server.close({ force: true });
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
    this.#expected.add(identity);
    const record = this.#boxes.get(identity);
    if (!record) throw new AppError('BOX_OFFLINE', { identity });
    record.admitted = true;
    this.#options.trace.event(identity, 'admitted');
    this.emit('box', this.#info(record));
    return this.#info(record);
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
        onChange: (listener) => {
          const onBox = (info: BoxInfo) => {
            if (info.identity === record.identity) listener();
          };
          this.on('box', onBox);
          return () => this.off('box', onBox);
        },
        trace: (detail) => this.#options.trace.event(record.identity, 'boot-wait', detail),
      });
      gate.catch(() => this.#bootGates.delete(peer));
      this.#bootGates.set(peer, gate);
    }
    return abortable(gate, signal);
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
      (listener) => {
        this.on('box', listener);
        return () => this.off('box', listener);
      },
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
    const trace = this.#options.trace;
    const identity = handshake.identity;
    // Any path before the identity is taken: the box's URL field may hold a path copied from a vendor
    // manual (/steve/websocket/CentralSystemService/<id>); the identity is always the last segment.
    // Only the tool's own URL without an identity (ws://laptop:9220/ocpp) is a mistake to refuse.
    if (handshake.endpoint.replace(/\/+$/, '') === '' && `/${identity}` === this.#options.path) {
      trace.event('(none)', 'refused', { reason: 'no identity after the path', path: this.#options.path });
      reject(404, 'Not found');
      return;
    }
    if (!identity || identity.length > 48) {
      trace.event('(none)', 'refused', { reason: 'missing or too long identity' });
      reject(400, 'Bad identity');
      return;
    }
    const expectedPassword = this.#options.password?.(identity);
    if (expectedPassword !== undefined) {
      const offered = handshake.password?.toString('utf8');
      if (offered !== expectedPassword) {
        trace.event(identity, 'refused', {
          reason: offered === undefined ? 'no password' : 'wrong password',
        });
        this.emit('refused', {
          identity,
          reason: offered === undefined ? 'no password' : 'wrong password',
          remoteAddress: handshake.remoteAddress ?? null,
          at: new Date().toISOString(),
        });
        reject(401, 'Unauthorized');
        return;
      }
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
      trace.event(identity, 'refused', {
        reason: 'no supported OCPP subprotocol',
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

    peer.on('message', ({ message, outbound }) => {
      record.lastSeenAt = now();
      trace.frame(identity, outbound ? 'out' : 'in', typeof message === 'string' ? message : String(message));
    });
    peer.on('strictValidationFailure', ({ error }) => {
      trace.event(identity, 'schema-violation', { error: error.message });
    });
    peer.on('badMessage', ({ error }) => trace.event(identity, 'malformed', { error: error.message }));
    peer.on('close', ({ code, reason }) => {
      if (record.peer !== peer) return; // an older socket of a box that has reconnected
      record.peer = null;
      record.session = null;
      record.state = 'offline';
      trace.event(identity, 'disconnected', { code: code ?? null, reason: reason ?? '' });
      this.emit('box', this.#info(record));
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
    this.emit('box', this.#info(record));
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
        queueMicrotask(() => this.emit('box', this.#info(record)));
        return { status, currentTime, interval: this.#options.bootIntervalS };
      }
      case 'Heartbeat':
        return { currentTime };
      case 'StatusNotification': {
        const key = v16 ? String(params.connectorId) : `${params.evseId}/${params.connectorId}`;
        record.connectors[key] = String(v16 ? params.status : params.connectorStatus);
        queueMicrotask(() => this.emit('box', this.#info(record)));
        return {};
      }
      case 'Authorize':
        // The tool is not the box's CSMS: it learns the idTag (card format) but never authorises charging.
        return v16 ? { idTagInfo: { status: 'Invalid' } } : { idTokenInfo: { status: 'Unknown' } };
      case 'StartTransaction':
        return {
          transactionId: Math.floor(Date.now() / 1000) % 2_000_000_000,
          idTagInfo: { status: 'Accepted' },
        };
      case 'TransactionEvent':
        return {};
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
