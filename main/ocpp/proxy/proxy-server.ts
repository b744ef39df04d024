// Proxy mode: boxes dial the tool, the tool dials their company CSMS as they would and relays both ways.
// The door to the LAN is guarded like the local CSMS's (handshake-guard, frame limit, auth throttle).
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../../api/errors.ts';
import { LineBudget } from '../../log/line-budget.ts';
import type { Logger, LogLevel } from '../../log/logger.ts';
import { AuthThrottle, type AuthThrottleOptions } from '../auth-throttle.ts';
import { boxListener } from '../box-listener.ts';
import { checkUpgrade, isRefusal, refuseSocket } from '../handshake-guard.ts';
import { listenAddresses } from '../local-csms.ts';
import type { CsmsTls } from '../tls.ts';
import type { TraceRecorder } from '../trace.ts';
import type { CsmsTlsInfo } from '../types.ts';
import { type DialOutcome, dialUpstream, type UpstreamTarget } from './dial.ts';
import { BoxRelay, type ProxyCallResult, type RelayEvent } from './relay.ts';
import { displayUpstream, parseUpstream, upstreamFor } from './upstream-url.ts';

export interface ProxyOptions {
  /** The company CSMS's address without the identity: ws://host:port/path or wss://… */
  upstream: string;
  trace: TraceRecorder;
  host?: string;
  port?: number;
  /** PEM of the CA that signed the CSMS's certificate, when it is not one the system trusts. */
  ca?: string | undefined;
  /** Boxes dial wss:// with the tool's own CA (main/ocpp/tls.ts): a box at security profile 2 stays there. */
  tls?: CsmsTls | undefined;
  /** The largest frame either side may send (bytes); a larger one closes that socket (1009). */
  maxFrameBytes?: number;
  throttle?: AuthThrottleOptions;
  handshakeTimeoutMs?: number;
  reconnectDelaysMs?: readonly number[];
  pingIntervalMs?: number;
  log?: Logger | undefined;
}

/** A box the proxy relays now. */
export interface RelayedBox {
  identity: string;
  protocol: string;
  connectedAt: string;
  lastSeenAt: string;
  csmsConnected: boolean;
  /** What the company CSMS answered this connection's BootNotification (seen on the wire). */
  bootStatus: string | null;
}

export interface ProxyStatus {
  running: boolean;
  port: number | null;
  /** The addresses to give boxes (their identity is appended by the box). */
  urls: string[];
  /** The company CSMS, without credentials. */
  upstream: string | null;
  boxes: RelayedBox[];
  /** The CA boxes must trust while the proxy serves wss://; null for ws://. */
  tls: CsmsTlsInfo | null;
}

/** A handshake the proxy refused (its own guard, or the CSMS's answer passed on). */
export interface ProxyRefusal {
  identity: string | null;
  reason: string;
  status: number;
  remoteAddress: string | null;
  at: string;
}

export type ProxyEvent =
  | RelayEvent
  | { type: 'connected'; identity: string; protocol: string; remoteAddress: string | null }
  | ({ type: 'refused' } & ProxyRefusal);

export const DEFAULT_PROXY_PORT = 9230;
const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** The subprotocols a box offered, as it listed them (the guard checked the list's shape). */
function offered(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

export class ProxyServer extends EventEmitter {
  readonly #upstream: URL;
  readonly #options: ProxyOptions;
  readonly #throttle: AuthThrottle;
  readonly #relays = new Map<string, BoxRelay>();
  readonly #refusalLog = new LineBudget(100);
  /** The subprotocol the CSMS chose, per box request, for ws's handleProtocols. */
  readonly #chosen = new WeakMap<IncomingMessage, string>();
  #http: Server | null = null;
  #wss: WebSocketServer | null = null;
  #ping: NodeJS.Timeout | undefined;

  constructor(options: ProxyOptions) {
    super();
    this.#upstream = parseUpstream(options.upstream);
    this.#options = options;
    this.#throttle = new AuthThrottle(options.throttle);
  }

  get port(): number | null {
    return (this.#http?.address() as AddressInfo | null)?.port ?? null;
  }

  get upstream(): string {
    return displayUpstream(this.#upstream);
  }

  status(): ProxyStatus {
    const port = this.port;
    return {
      running: this.#http !== null,
      port,
      urls:
        port === null
          ? []
          : listenAddresses(this.#options.host ?? '0.0.0.0').map(
              (a) => `${this.#options.tls ? 'wss' : 'ws'}://${a.includes(':') ? `[${a}]` : a}:${port}/ocpp`,
            ),
      upstream: this.upstream,
      boxes: [...this.#relays.values()].map((r) => this.#info(r)),
      tls: this.#options.tls?.info ?? null,
    };
  }

  box(identity: string): RelayedBox | null {
    const relay = this.#relays.get(identity);
    return relay ? this.#info(relay) : null;
  }

  /** A read-only call of the tool's own into a relayed box's session (read-only-calls.ts). */
  call(
    identity: string,
    action: string,
    payload: Record<string, unknown>,
    timeoutMs = 30_000,
  ): Promise<ProxyCallResult> {
    const relay = this.#relays.get(identity);
    if (!relay) throw new AppError('PROXY_BOX_NOT_RELAYED', { identity });
    return relay.call(action, payload, timeoutMs);
  }

  async listen(): Promise<void> {
    const maxPayload = this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload,
      perMessageDeflate: false,
      // The box is answered with the subprotocol its CSMS chose, nothing else.
      handleProtocols: (_protocols, request) => this.#chosen.get(request) || false,
    });
    wss.on('error', (error) => this.#logLine('error', 'proxy: WebSocket server error', { error }));
    const http = boxListener({
      tls: this.#options.tls,
      refused: (reason, address, details) =>
        this.#refused(null, reason, reason === 'bad-request' ? 400 : 0, address, details),
    });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#upgrade(wss, request, socket, head).catch((error: unknown) => {
        this.#logLine('error', 'proxy: handshake fault, connection refused', { error });
        refuseSocket(socket, 500);
      });
    });
    const host = this.#options.host ?? '0.0.0.0';
    const port = this.#options.port ?? DEFAULT_PROXY_PORT;
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      wss.close();
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
        throw new AppError('PROXY_PORT_IN_USE', { port, host }, { cause: error });
      throw error;
    }
    http.on('error', (error) => this.#logLine('error', 'proxy: server error', { error }));
    this.#http = http;
    this.#wss = wss;
    this.#ping = setInterval(() => {
      for (const relay of this.#relays.values()) relay.heartbeat();
    }, this.#options.pingIntervalMs ?? 30_000);
    this.#ping.unref();
    this.#options.trace.event('(proxy)', 'proxy-started', { upstream: this.upstream, port: this.port });
  }

  /** Stops relaying: every box and its CSMS connection are told the tool is closing (1001). */
  async close(): Promise<void> {
    const http = this.#http;
    const wss = this.#wss;
    this.#http = null;
    this.#wss = null;
    clearInterval(this.#ping);
    await Promise.all([...this.#relays.values()].map((r) => r.close(1001, 'The tool is closing')));
    this.#relays.clear();
    wss?.close();
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      this.#options.trace.event('(proxy)', 'proxy-stopped', { upstream: this.upstream });
    }
    this.#options.trace.flush();
  }

  #target(identity: string): UpstreamTarget {
    return {
      url: upstreamFor(this.#upstream, identity),
      ca: this.#options.ca,
      maxPayload: this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      handshakeTimeoutMs: this.#options.handshakeTimeoutMs ?? 10_000,
    };
  }

  async #upgrade(
    wss: WebSocketServer,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    socket.on('error', () => undefined);
    const address = (socket as Socket).remoteAddress ?? null;
    const check = checkUpgrade(request);
    if (isRefusal(check)) {
      this.#refused(check.identity, check.reason, check.status, address);
      refuseSocket(socket, check.status);
      return;
    }
    const identity = check.identity;
    const waitMs = this.#throttle.waitMs(address, identity);
    if (waitMs > 0) {
      const retryAfter = String(Math.ceil(waitMs / 1000));
      this.#refused(identity, 'throttled', 429, address);
      refuseSocket(socket, 429, { 'Retry-After': retryAfter });
      return;
    }
    const protocols = offered(request);
    const authorization = request.headers.authorization;
    const target = this.#target(identity);
    const outcome = await dialUpstream(target, protocols, authorization);
    if (outcome.kind !== 'open') {
      this.#refuseFromUpstream(identity, outcome, address, socket);
      return;
    }
    const upstream = outcome.socket;
    if (socket.destroyed || this.#wss !== wss) {
      // The box gave up while the CSMS answered, or the proxy stopped meanwhile.
      upstream.close(1001, 'The box went away');
      return;
    }
    this.#throttle.succeeded(identity);
    // Frames the CSMS sends before the box's side is up wait in the socket.
    upstream.pause();
    this.#chosen.set(request, upstream.protocol);
    let adopted = false;
    wss.handleUpgrade(request, socket as Socket, head, (box) => {
      adopted = true;
      this.#adopt(identity, box, upstream, protocols.length > 0 ? [upstream.protocol] : [], authorization);
      this.#options.trace.event(
        identity,
        'proxy-connected',
        {
          protocol: upstream.protocol || null,
          upstream: displayUpstream(new URL(target.url)),
          remoteAddress: address,
        },
        'box',
      );
      this.emit('event', {
        type: 'connected',
        identity,
        protocol: upstream.protocol,
        remoteAddress: address,
      } satisfies ProxyEvent);
      upstream.resume();
    });
    // ws drops a box socket that is already half closed without calling back: its CSMS side goes too.
    if (!adopted) upstream.close(1001, 'The box went away');
  }

  #adopt(
    identity: string,
    box: WebSocket,
    upstream: WebSocket,
    protocols: string[],
    authorization: string | undefined,
  ): void {
    const previous = this.#relays.get(identity);
    const relay = new BoxRelay({
      identity,
      protocol: upstream.protocol,
      box,
      upstream,
      redial: () => dialUpstream(this.#target(identity), protocols, authorization),
      trace: this.#options.trace,
      log: (level, message, fields) => this.#logLine(level, message, fields),
      reconnectDelaysMs: this.#options.reconnectDelaysMs ?? [250, 1000, 3000],
    });
    this.#relays.set(identity, relay);
    relay.on('event', (event: RelayEvent) => this.emit('event', event));
    relay.once('closed', () => {
      if (this.#relays.get(identity) === relay) this.#relays.delete(identity);
    });
    // A second connection of the same box: the newer one is the box now, as at the local CSMS.
    if (previous) void previous.close(4000, 'Replaced by a newer connection with the same identity');
  }

  /** The CSMS did not take the box: the box hears the same status (or 502 when nobody answered). */
  #refuseFromUpstream(identity: string, outcome: DialOutcome, address: string | null, socket: Duplex): void {
    if (outcome.kind === 'refused') {
      if (outcome.status === 401 || outcome.status === 403) this.#throttle.failed(address, identity);
      // A refusal is passed on as it was; anything else that is not an upgrade (a redirect, a web page)
      // is no answer a box could use: 502.
      const status = outcome.status >= 400 && outcome.status <= 599 ? outcome.status : 502;
      this.#refused(identity, 'upstream-refused', status, address, { upstreamStatus: outcome.status });
      refuseSocket(socket, status, outcome.retryAfter ? { 'Retry-After': outcome.retryAfter } : {});
    } else if (outcome.kind === 'no-subprotocol') {
      this.#refused(identity, 'upstream-no-subprotocol', 502, address);
      refuseSocket(socket, 502);
    } else if (outcome.kind === 'unreachable') {
      this.#refused(identity, 'upstream-unreachable', 502, address, { error: outcome.error });
      refuseSocket(socket, 502);
    }
  }

  #refused(
    identity: string | null,
    reason: string,
    status: number,
    remoteAddress: string | null,
    details: Record<string, unknown> = {},
  ): void {
    const at = new Date().toISOString();
    this.#options.trace.event(
      identity ?? '(none)',
      'refused',
      { reason, status, remoteAddress, ...details },
      'box',
    );
    const skipped = (count: number) =>
      this.#logLine('warn', 'proxy: more refusals not logged (see the trace)', { count });
    if (this.#refusalLog.take(skipped))
      this.#logLine('warn', 'proxy refused a connection', {
        identity,
        reason,
        status,
        remoteAddress,
        ...details,
      });
    this.emit('event', { type: 'refused', identity, reason, status, remoteAddress, at } satisfies ProxyEvent);
  }

  #info(relay: BoxRelay): RelayedBox {
    return {
      identity: relay.identity,
      protocol: relay.protocol,
      connectedAt: relay.connectedAt,
      lastSeenAt: relay.lastSeenAt,
      csmsConnected: relay.csmsConnected,
      bootStatus: relay.bootStatus,
    };
  }

  #logLine(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    try {
      this.#options.log?.log(level, message, fields);
    } catch {
      // the trace still has it
    }
  }
}
