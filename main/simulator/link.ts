// One WebSocket connection of the simulated box: an ocpp-rpc client that never reconnects by itself
// (the box decides where to dial next), with the box's misbehaviour applied where the wire is.
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import rpc, { RPCClient } from 'ocpp-rpc';
import { isRecord, type Payload } from './payload.ts';
import type { Misbehaviour } from './station.ts';

export type Protocol = 'ocpp1.6' | 'ocpp2.0.1';

/** A handler's answer, and what the box does once that answer is on the wire. */
export interface Answer {
  reply: Payload;
  after?: () => void;
}

export type CallHandler = (params: Payload) => Answer | Promise<Answer>;

export interface LinkTarget {
  endpoint: string;
  identity: string;
  password: string | undefined;
  /** At 2 or 3 the box dials wss:// only. */
  securityProfile: number;
  /** The CSMS root certificates (PEM) the box holds: the only ones it trusts for wss://. */
  trusted: string[];
}

/** TLS verification failures a box reports, in words a technician acts on. */
const tlsReasons: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the CSMS certificate is signed by a CA this box does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the CSMS certificate is self-signed and not trusted by this box',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the CSMS certificate is signed by a CA this box does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CSMS certificate is signed by a CA this box does not trust',
  CERT_HAS_EXPIRED: 'the CSMS certificate has expired',
  CERT_NOT_YET_VALID: 'the CSMS certificate is not valid yet (check the box clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the CSMS certificate does not name the address this box dials',
};

/** Why a dial failed, with the TLS reason spelled out; the code stays on the error for tests and logs. */
export class DialError extends Error {
  readonly code: string;

  constructor(code: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DialError';
    this.code = code;
  }
}

function dialError(error: unknown, target: LinkTarget): DialError {
  const detail = error instanceof Error ? error.message : String(error);
  // ocpp-rpc puts the HTTP status of a refused upgrade in code: 401 is a wrong or missing password.
  if (isRecord(error) && typeof error.code === 'number') {
    return new DialError(
      `HTTP_${error.code}`,
      `the CSMS refused the connection: HTTP ${error.code} ${detail}`,
      error,
    );
  }
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'CONNECT_FAILED';
  const reason = tlsReasons[code];
  if (reason) {
    const held = target.trusted.length;
    return new DialError(
      code,
      `${reason} (${code}; it holds ${held} CSMS root certificate${held === 1 ? '' : 's'}): install the CSMS root certificate`,
      error,
    );
  }
  return new DialError(code, detail, error);
}

/** The root certificates Node can read; a box ignores an entry in its store it cannot parse. */
function readable(pems: string[]): string[] {
  return pems.filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
}

type ClientOptions = ConstructorParameters<typeof RPCClient>[0];

// ocpp-rpc's typings describe NOREPLY wrongly (an object); at run time it is the symbol on the module.
const NOREPLY: unknown = (rpc as unknown as { NOREPLY: unknown }).NOREPLY;

export function reply(payload: Payload, after?: () => void): Answer {
  return after ? { reply: payload, after } : { reply: payload };
}

/** The URL as a log line may show it: no user or password. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

export function connectionUrl(target: Pick<LinkTarget, 'endpoint' | 'identity'>): string {
  return `${target.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(target.identity)}`;
}

/** The client with the one thing the box needs from inside: whether its last words have left. */
class SimClient extends RPCClient {
  unsentBytes(): number {
    return this._ws?.bufferedAmount ?? 0;
  }
}

export class Link {
  readonly url: string;
  /** Set when the box itself closes the link (reset, new password, stop): no automatic redial. */
  deliberate = false;
  readonly #client: SimClient;
  readonly #misbehave: Misbehaviour;
  readonly #log: (line: string) => void;
  readonly #after = new Map<string, () => void>();
  #answered = 0;
  #open = true;
  /** Whether this connection has carried the box's BootNotification (see dropCallsBeforeBoot). */
  #bootSent = false;
  #onClose: ((code: number) => void) | null = null;

  private constructor(client: SimClient, url: string, misbehave: Misbehaviour, log: (line: string) => void) {
    this.#client = client;
    this.url = url;
    this.#misbehave = misbehave;
    this.#log = log;
    client.on('close', (event: unknown) => {
      if (!this.#open) return;
      this.#open = false;
      const code = isRecord(event) && typeof event.code === 'number' ? event.code : 1006;
      this.#onClose?.(code);
    });
    client.on('response', (event: unknown) => this.#answeredCall(event));
    client.on('badMessage', (event: unknown) => {
      const error = isRecord(event) && event.error instanceof Error ? event.error.message : 'unreadable';
      log(`bad frame from the CSMS: ${error}`);
    });
    client.on('strictValidationFailure', (event: unknown) => {
      if (isRecord(event) && typeof event.method === 'string') {
        log(`schema violation ${event.outbound ? 'in our' : 'in the CSMS'} ${event.method}`);
      }
    });
  }

  /** Dials the target once; rejects when the CSMS cannot be reached or refuses the upgrade. */
  static async open(
    target: LinkTarget,
    protocol: Protocol,
    handlers: ReadonlyMap<string, CallHandler>,
    misbehave: Misbehaviour,
    log: (line: string) => void,
  ): Promise<Link> {
    const secure = /^wss:\/\//i.test(target.endpoint);
    if (target.securityProfile >= 2 && !secure) {
      // Profile 2 and 3 are TLS: such a box never sends its password over a plain socket.
      throw new DialError(
        'NEEDS_TLS',
        `security profile ${target.securityProfile} dials wss:// only, not ${safeUrl(target.endpoint)}`,
      );
    }
    const options: Partial<ClientOptions> = {
      identity: target.identity,
      endpoint: target.endpoint.replace(/\/+$/, ''),
      password: target.password ?? null,
      protocols: [protocol],
      strictMode: true,
      reconnect: false,
      callTimeoutMs: 30_000,
      pingIntervalMs: 0,
      wsOpts: {
        handshakeTimeout: 5_000,
        // A box trusts the roots in its own store, not an operating system's list.
        ...(secure ? { ca: readable(target.trusted), minVersion: 'TLSv1.2' } : {}),
      },
    };
    const client = new SimClient(options as ClientOptions);
    const link = new Link(client, connectionUrl(target), misbehave, log);
    link.#register(handlers);
    try {
      await client.connect();
    } catch (error) {
      throw dialError(error, target);
    }
    if (client.protocol !== protocol) {
      await client.close({ force: true });
      throw new Error(`the CSMS chose subprotocol ${client.protocol ?? 'none'}, not ${protocol}`);
    }
    return link;
  }

  get open(): boolean {
    return this.#open;
  }

  onClose(listener: (code: number) => void): void {
    this.#onClose = listener;
    if (!this.#open) queueMicrotask(() => listener(1006));
  }

  async call(method: string, params: Payload): Promise<Payload> {
    if (method === 'BootNotification') this.#bootSent = true;
    this.#log(`→ ${method}`);
    const result = await this.#client.call(method, params);
    const answer = isRecord(result) ? result : {};
    const status = statusOf(answer);
    if (status) this.#log(`→ ${method} answered ${status}`);
    return answer;
  }

  /** A frame exactly as given, bypassing every check: how malformed frames reach the CSMS. */
  sendRaw(frame: string): void {
    if (this.#open) this.#client.sendRaw(frame);
  }

  async close(): Promise<void> {
    this.deliberate = true;
    if (!this.#open) return;
    await this.#client.close({ code: 1000, reason: 'station going away' });
  }

  #register(handlers: ReadonlyMap<string, CallHandler>): void {
    const never = new Set(this.#misbehave.neverAnswer ?? []);
    const delayMs = this.#misbehave.answerDelayMs ?? 0;
    for (const [method, handler] of handlers) {
      this.#client.handle(method, async ({ params, messageId, signal }) => {
        this.#log(`← ${method}`);
        if (this.#misbehave.dropCallsBeforeBoot && !this.#bootSent) {
          this.#log(`← ${method} dropped: not booted yet`);
          return NOREPLY as Payload;
        }
        if (never.has(method)) {
          this.#log(`← ${method} left unanswered`);
          return NOREPLY as Payload;
        }
        if (delayMs > 0) {
          await sleep(delayMs, undefined, { signal }).catch(() => undefined);
          // The connection went while the box dawdled: it never got round to this call.
          if (signal?.aborted) return NOREPLY as Payload;
        }
        const answer = await handler(isRecord(params) ? params : {});
        if (method === 'Reset' && answer.after && this.#misbehave.resetWithoutAnswer) {
          this.#log('← Reset: restarting at once, without answering');
          setImmediate(answer.after);
          return NOREPLY as Payload;
        }
        if (answer.after && messageId) this.#after.set(messageId, answer.after);
        const status = statusOf(answer.reply);
        if (status) this.#log(`← ${method} answered ${status}`);
        return answer.reply;
      });
    }
  }

  #answeredCall(event: unknown): void {
    if (!isRecord(event) || event.outbound !== true || !Array.isArray(event.payload)) return;
    const [type, id] = event.payload as unknown[];
    if (typeof id !== 'string') return;
    const after = this.#after.get(id);
    this.#after.delete(id);
    this.#answered += 1;
    // The answer is sent right after this event: what follows it must come later. What the box
    // committed to in its answer (a reset, a reconnect) happens even if the line drops right after.
    if (after && type === 3) setImmediate(after);
    const limit = this.#misbehave.dropAfterCalls;
    if (limit !== undefined && this.#answered >= limit) {
      this.#log(`dropping the connection after ${this.#answered} answered calls`);
      void this.#terminateWhenFlushed();
    }
  }

  async #terminateWhenFlushed(): Promise<void> {
    await sleep(0);
    for (let i = 0; i < 50 && this.#client.unsentBytes() > 0; i++) await sleep(10);
    await sleep(20);
    await this.#client.close({ force: true }).catch(() => undefined);
  }
}

function statusOf(payload: Payload): string | null {
  return typeof payload.status === 'string' ? payload.status : null;
}
