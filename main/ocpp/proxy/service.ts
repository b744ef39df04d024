// The proxy as the api offers it: at most one running per core, started and stopped from any face, its
// relayed boxes listed, read-only calls sent into their sessions, and what it saw at boot as presence.
import { EventEmitter } from 'node:events';
import { AppError } from '../../api/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { TraceRecorder } from '../trace.ts';
import { type ProxyEvent, type ProxyOptions, ProxyServer, type ProxyStatus } from './proxy-server.ts';
import type { ProxyCallResult } from './relay.ts';

export type ProxyStartOptions = Omit<ProxyOptions, 'trace' | 'log'>;

/** The shape main/commissioning/presence.ts's StationPresence declares (ocpp/ does not import commissioning/). */
export interface ProxyPresence {
  readonly name: string;
  stationStatus(
    identity: string,
    signal: AbortSignal,
  ): Promise<{
    connected: boolean;
    bootStatus: 'Accepted' | 'Pending' | 'Rejected' | null;
    lastSeen: string | null;
  } | null>;
}

export class ProxyService extends EventEmitter {
  readonly #trace: TraceRecorder;
  readonly #log: Logger | undefined;
  #server: ProxyServer | null = null;

  constructor(trace: TraceRecorder, log?: Logger) {
    super();
    this.#trace = trace;
    this.#log = log;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  status(): ProxyStatus {
    return (
      this.#server?.status() ?? { running: false, port: null, urls: [], upstream: null, boxes: [], tls: null }
    );
  }

  async start(options: ProxyStartOptions): Promise<ProxyStatus> {
    if (this.#server) throw new AppError('PROXY_ALREADY_RUNNING', { port: this.#server.port ?? 0 });
    const server = new ProxyServer({ ...options, trace: this.#trace, log: this.#log });
    await server.listen();
    server.on('event', (event: ProxyEvent) => this.emit('event', event));
    this.#server = server;
    return server.status();
  }

  async stop(): Promise<ProxyStatus> {
    const server = this.#server;
    this.#server = null;
    await server?.close();
    return this.status();
  }

  call(
    identity: string,
    action: string,
    payload: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<ProxyCallResult> {
    if (!this.#server) throw new AppError('PROXY_NOT_RUNNING', {});
    return this.#server.call(identity, action, payload, timeoutMs);
  }

  /**
   * What the proxy saw of a box, as a commissioning run's presence: connected through the proxy to its
   * CSMS, and that CSMS's answer to its BootNotification on this connection. Null when it does not relay
   * the box (not running, or the box is not connected through it).
   */
  presence(name: (upstream: string) => string): ProxyPresence | null {
    const server = this.#server;
    if (!server) return null;
    return {
      name: name(server.upstream),
      stationStatus: async (identity) => {
        const box = server.box(identity);
        if (!box) return null;
        const boot = box.bootStatus;
        return {
          connected: box.csmsConnected,
          bootStatus: boot === 'Accepted' || boot === 'Pending' || boot === 'Rejected' ? boot : null,
          lastSeen: box.lastSeenAt,
        };
      },
    };
  }
}
