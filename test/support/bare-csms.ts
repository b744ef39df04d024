// A bare CSMS for simulator tests: a real ocpp-rpc server on 127.0.0.1 (port 0) in strict mode that
// answers what boxes send, records every handshake, call and bad frame, and lets a test call the box.
import type { Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { RPCServer } from 'ocpp-rpc';

type Payload = Record<string, unknown>;
type BootStatus = 'Accepted' | 'Pending' | 'Rejected';

export interface Handshake {
  identity: string;
  endpoint: string;
  protocol: string | undefined;
  password: string | undefined;
  /** The subprotocols the box offered, in its order. */
  offered: string[];
}

export interface Received {
  identity: string;
  method: string;
  params: Payload;
}

export interface BadFrame {
  identity: string;
  /** 'bad' for frames that are not OCPP-J, 'schema' for calls that break the schema. */
  kind: 'bad' | 'schema';
  detail: string;
}

export interface BareCsmsOptions {
  /** The answer to the n-th BootNotification (0-based) of a box; default Accepted. */
  boot?: (identity: string, n: number) => BootStatus;
  bootInterval?: number;
  /** The basic-auth password a box must present (user = identity); a wrong or missing one gets 401. */
  password?: (identity: string) => string | undefined;
  /** The subprotocols it takes, in its order of preference (default ocpp1.6, ocpp2.0.1). */
  protocols?: string[];
  /** Serve wss:// with this certificate (a company CA's, test/support/tls-certs.ts). */
  tls?: { cert: string; key: string };
}

interface ServerClient {
  identity: string;
  protocol: string | undefined;
  handshake: { endpoint: string; identity: string; password: Buffer | undefined; protocols: Set<string> };
  session: { offered?: string[] };
  call(method: string, params?: unknown, options?: Record<string, unknown>): Promise<unknown>;
  handle(handler: (request: { method: string; params: unknown }) => unknown): void;
  close(options?: Record<string, unknown>): Promise<unknown>;
  on(event: string, listener: (event: Record<string, unknown>) => void): void;
}

const isRecord = (v: unknown): v is Payload => typeof v === 'object' && v !== null && !Array.isArray(v);

export class BareCsms {
  readonly handshakes: Handshake[] = [];
  readonly received: Received[] = [];
  readonly badFrames: BadFrame[] = [];
  readonly closes: Array<{ identity: string; code: number }> = [];
  /** The identity of every handshake that reached it, taken or refused. */
  readonly tried: string[];
  /** Every frame as text, both ways, as its WebSocket carried it. */
  readonly frames: Array<{ identity: string; message: string; outbound: boolean }> = [];
  readonly #server: RPCServer;
  readonly #http: Server;
  readonly #clients = new Map<string, ServerClient>();
  readonly #boots = new Map<string, number>();
  readonly #lastBoot = new Map<string, BootStatus>();
  readonly #options: BareCsmsOptions;
  #nextTransaction = 1;

  private constructor(server: RPCServer, http: Server, options: BareCsmsOptions, tried: string[]) {
    this.tried = tried;
    this.#server = server;
    this.#http = http;
    this.#options = options;
    server.on('client', (client: ServerClient) => this.#adopt(client));
  }

  static async start(t: TestContext, options: BareCsmsOptions = {}): Promise<BareCsms> {
    const server = new RPCServer({
      protocols: ['ocpp1.6', 'ocpp2.0.1'],
      strictMode: true,
      callTimeoutMs: 5_000,
    });
    const tried: string[] = [];
    server.auth((accept, reject, handshake) => {
      tried.push(handshake.identity);
      const expected = options.password?.(handshake.identity);
      if (expected !== undefined && handshake.password?.toString('utf8') !== expected)
        return reject(401, 'Unauthorized');
      // ocpp-rpc would take a socket without a matching subprotocol; the spec says refuse it.
      const protocol = (options.protocols ?? ['ocpp1.6', 'ocpp2.0.1']).find((p) =>
        handshake.protocols.has(p),
      );
      if (!protocol) return reject(400, 'no OCPP subprotocol');
      accept({ offered: [...handshake.protocols] }, protocol);
    });
    const tls = options.tls;
    const http = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key })
      : await server.listen(0, '127.0.0.1');
    if (tls) {
      http.on('upgrade', (request, socket: Socket, head) => server.handleUpgrade(request, socket, head));
      http.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    }
    const csms = new BareCsms(server, http, options, tried);
    t.after(() => csms.close());
    return csms;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  url(path = '/ocpp'): string {
    return `${this.#options.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}${path}`;
  }

  client(identity: string): ServerClient {
    const client = this.#clients.get(identity);
    if (!client) throw new Error(`${identity} is not connected`);
    return client;
  }

  /** What it answered the box's last BootNotification, or null before any. */
  lastBoot(identity: string): BootStatus | null {
    return this.#lastBoot.get(identity) ?? null;
  }

  connected(identity: string): boolean {
    return this.#clients.has(identity);
  }

  async call(
    identity: string,
    method: string,
    params: Payload = {},
    callTimeoutMs?: number,
  ): Promise<Payload> {
    const options = callTimeoutMs ? { callTimeoutMs } : {};
    const answer = await this.client(identity).call(method, params, options);
    if (!isRecord(answer)) throw new Error(`${method} answered ${JSON.stringify(answer)}`);
    return answer;
  }

  calls(identity: string, method: string): Payload[] {
    return this.received.filter((r) => r.identity === identity && r.method === method).map((r) => r.params);
  }

  /** Polls until the check returns something other than undefined/false; fails after the timeout. */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await this.#server.close({ force: true });
    this.#http.closeAllConnections();
    if (this.#options.tls) this.#http.close();
  }

  #adopt(client: ServerClient): void {
    const { identity } = client;
    this.handshakes.push({
      identity,
      endpoint: client.handshake.endpoint,
      protocol: client.protocol,
      password: client.handshake.password?.toString('utf8'),
      offered: client.session.offered ?? [...client.handshake.protocols],
    });
    client.on('message', (event) => {
      const message = event.message;
      this.frames.push({
        identity,
        message: Buffer.isBuffer(message) ? message.toString('utf8') : String(message),
        outbound: event.outbound === true,
      });
    });
    this.#clients.set(identity, client);
    client.on('close', (event) => {
      if (this.#clients.get(identity) === client) this.#clients.delete(identity);
      this.closes.push({ identity, code: typeof event.code === 'number' ? event.code : 0 });
    });
    client.on('badMessage', (event) => {
      const detail = Buffer.isBuffer(event.buffer) ? event.buffer.toString('utf8') : String(event.buffer);
      this.badFrames.push({ identity, kind: 'bad', detail });
    });
    client.on('strictValidationFailure', (event) => {
      if (event.outbound === false && event.isCall === true) {
        this.badFrames.push({ identity, kind: 'schema', detail: String(event.method) });
      }
    });
    client.handle(({ method, params }) => {
      const p = isRecord(params) ? params : {};
      this.received.push({ identity, method, params: p });
      return this.#answer(identity, client.protocol, method, p);
    });
  }

  #answer(identity: string, protocol: string | undefined, method: string, params: Payload): Payload {
    const currentTime = new Date().toISOString();
    switch (method) {
      case 'BootNotification': {
        const n = this.#boots.get(identity) ?? 0;
        this.#boots.set(identity, n + 1);
        const status = this.#options.boot?.(identity, n) ?? 'Accepted';
        this.#lastBoot.set(identity, status);
        return {
          status,
          currentTime,
          interval: this.#options.bootInterval ?? (status === 'Accepted' ? 300 : 1),
        };
      }
      case 'Heartbeat':
        return { currentTime };
      case 'Authorize':
        return protocol === 'ocpp1.6'
          ? { idTagInfo: { status: 'Accepted' } }
          : { idTokenInfo: { status: 'Accepted' } };
      case 'StartTransaction':
        return { transactionId: this.#nextTransaction++, idTagInfo: { status: 'Accepted' } };
      case 'TransactionEvent':
        return params.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        return {};
    }
  }
}
