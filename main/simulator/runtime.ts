// The life of a simulated box, whatever its OCPP version: dial the CSMS in the order its configuration
// gives, boot until Accepted, heartbeat, redial after a drop, reboot on Reset. Versions fill in the rest.
import { EventEmitter } from 'node:events';
import { createRPCError } from 'ocpp-rpc';
import { resolveUidFormat, type TapOutcome, type TapPort, tapCard } from './card-tap.ts';
import type { StoredProfile } from './charging-profiles.ts';
import { SimFileTransfer } from './file-transfer.ts';
import { type CallHandler, connectionUrl, Link, type LinkTarget, type Protocol, safeUrl } from './link.ts';
import { malformedFrames } from './misbehaviour.ts';
import type { Payload } from './payload.ts';
import type { Misbehaviour, SimEvent, SimOcppVersion, SimStation, SimStationOptions } from './station.ts';

export type Registration = 'None' | 'Pending' | 'Accepted' | 'Rejected';

export interface DialTarget extends LinkTarget {
  /** 2.0.1 network configuration slot; 0 for a 1.6 box's one backend. */
  slot: number;
  attempts: number;
}

const ATTEMPT_GAP_MS = 300;
const REDIAL_FIRST_MS = 1_000;
const REDIAL_MAX_MS = 10_000;
const REBOOT_MS = 200;
const BOOT_RETRY_FALLBACK_S = 10;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export abstract class StationRuntime implements SimStation {
  abstract readonly ocppVersion: SimOcppVersion;
  protected abstract readonly protocol: Protocol;
  protected readonly options: SimStationOptions;
  protected readonly misbehave: Misbehaviour;
  protected registration: Registration = 'None';
  protected link: Link | null = null;
  /** Firmware downloads and log uploads (file-transfer.ts). */
  protected readonly files: SimFileTransfer;
  readonly #events = new EventEmitter();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiters = new Set<() => void>();
  #handlers: Map<string, CallHandler> | null = null;
  #dialing: Promise<void> | null = null;
  /** While a reset keeps the box down: a dial already under way waits for it and then dials where the
   *  box dials after its boot (a reconnect that was still dialing the old address does not win). */
  #rebooting: Promise<void> | null = null;
  #reboots = 0;
  #bootTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #started = false;
  #stopped = false;
  #boots = 0;
  #needsBoot = true;
  #malformedSent = false;

  constructor(options: SimStationOptions) {
    this.options = options;
    this.misbehave = options.misbehave ?? {};
    this.files = new SimFileTransfer(
      {
        send: (method, params) => this.send(method, params),
        later: (ms, fn) => this.later(ms, fn),
        log: (line) => this.log(line),
      },
      options.ocppVersion,
      () => this.identity,
      options.files,
    );
  }

  lastFirmware(): { sha256: string; size: number } | null {
    return this.files.lastFirmware();
  }

  // What each OCPP version supplies.
  abstract get identity(): string;
  abstract configuration(): Record<string, string>;
  abstract secret(name: 'AuthorizationKey' | 'BasicAuthPassword'): string | undefined;
  abstract localList(): {
    version: number;
    entries: Array<{ idTag: string; status: string; parentIdTag?: string }>;
  };
  abstract chargingProfiles(): StoredProfile[];
  abstract currentLimit(evse?: number): number;
  /** Where to dial, in order, each tried `attempts` times. */
  protected abstract dialTargets(): DialTarget[];
  protected abstract handlers(): Map<string, CallHandler>;
  protected abstract bootRequest(): Payload;
  protected abstract heartbeatSeconds(): number;
  /** Stores the interval and reports the connectors, once the CSMS accepted the boot. */
  protected abstract bootAccepted(interval: number): void;
  /** Takes up what waits for a reboot (new URL, identity, priority); called at power-up and each reset. */
  protected abstract applyAtBoot(): void;
  protected abstract connectedVia(target: DialTarget): void;
  /** Ends transactions properly before the box goes down for a reset. */
  protected abstract beforeReboot(kind: string): Promise<void>;
  /** Whatever a reboot loses (running transactions, a list that was not persisted). */
  protected abstract lostInReboot(): void;
  /** Stops meters and transaction timers for good. */
  protected abstract halt(): void;
  /** The settings a tapped card is decided by, and the box's local list. */
  protected abstract cardPolicy(): Pick<
    TapPort,
    'listEnabled' | 'preAuthorize' | 'authorizeOffline' | 'lookup'
  >;

  async tap(uidHex: string): Promise<TapOutcome> {
    return tapCard(
      {
        ...this.cardPolicy(),
        ocppVersion: this.ocppVersion,
        format: resolveUidFormat(this.options.uidFormat),
        registration: () => this.registration,
        online: () => this.link?.open ?? false,
        send: (method, params) => this.send(method, params),
        log: (line) => this.log(line),
      },
      uidHex,
    );
  }

  on(event: SimEvent, listener: (...args: unknown[]) => void): void {
    this.#events.on(event, listener);
  }

  connected(): boolean {
    return this.link?.open ?? false;
  }

  currentEndpoint(): string {
    if (this.link?.open) return this.link.url;
    const first = this.dialTargets()[0];
    return first ? connectionUrl(first) : '';
  }

  bootCount(): number {
    return this.#boots;
  }

  /** The password it dials with: the one it holds, unless misbehave.passwordAfterReset applies. */
  protected dialPassword(held: string | undefined): string | undefined {
    const wrong = this.misbehave.passwordAfterReset;
    return wrong !== undefined && this.#boots > 1 ? wrong : held;
  }

  async start(): Promise<void> {
    if (this.#stopped) throw new Error('this station was stopped; create a new one');
    if (!this.#started) {
      this.#started = true;
      this.applyAtBoot();
      this.#boots = 1;
    }
    if (this.link?.open) return;
    await this.#dial();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const wake of this.#waiters) wake();
    this.halt();
    await this.link?.close();
    this.log('stopped');
  }

  protected emit(event: SimEvent, ...args: unknown[]): void {
    this.#events.emit(event, ...args);
  }

  protected log(line: string): void {
    this.options.log?.(`[${this.identity}] ${line}`);
  }

  protected get stopped(): boolean {
    return this.#stopped;
  }

  /** A timer that stop() clears. */
  protected later(ms: number, fn: () => void): NodeJS.Timeout {
    if (this.#stopped) {
      // Work that was in flight when the box stopped schedules nothing more.
      const inert = setTimeout(() => undefined, 0);
      clearTimeout(inert);
      return inert;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  protected cancel(timer: NodeJS.Timeout | null): void {
    if (!timer) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  /** Sends a call if the box is online; null when it is not or the call failed. */
  protected async send(method: string, params: Payload): Promise<Payload | null> {
    const link = this.link;
    if (!link?.open) {
      this.log(`${method} not sent: offline`);
      return null;
    }
    try {
      return await link.call(method, params);
    } catch (error) {
      this.log(`${method} failed: ${errorText(error)}`);
      return null;
    }
  }

  protected restartHeartbeat(): void {
    this.cancel(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    const seconds = this.heartbeatSeconds();
    if (this.registration !== 'Accepted' || !this.link?.open || seconds <= 0) return;
    this.#heartbeatTimer = this.later(seconds * 1000, () => {
      this.#heartbeatTimer = null;
      void this.send('Heartbeat', {});
      this.restartHeartbeat();
    });
  }

  /** TriggerMessage BootNotification: boots now, whatever the retry timer says. */
  protected bootNow(): void {
    const link = this.link;
    if (link?.open) void this.#boot(link);
  }

  /** Closes and dials again without rebooting, e.g. to present a new password. */
  protected reconnect(reason: string): void {
    void (async () => {
      this.log(`reconnecting: ${reason}`);
      await this.link?.close();
      if (!this.#stopped) await this.#dial().catch(() => undefined);
    })();
  }

  /** Reset: end transactions, go down, take up the pending configuration, come back and boot. */
  protected reboot(kind: string): void {
    let up: () => void = () => undefined;
    this.#rebooting = new Promise<void>((resolve) => {
      up = resolve;
    });
    this.#reboots += 1;
    void (async () => {
      try {
        this.emit('reset', kind);
        this.log(`resetting (${kind})`);
        await this.beforeReboot(kind).catch((error: unknown) =>
          this.log(`before reset: ${errorText(error)}`),
        );
        this.registration = 'None';
        this.#needsBoot = true;
        this.#clearSessionTimers();
        await this.link?.close();
        if (this.#stopped) return;
        this.lostInReboot();
        this.applyAtBoot();
        this.#boots += 1;
        this.#malformedSent = false;
        await this.#pause(this.misbehave.rebootMs ?? REBOOT_MS);
      } finally {
        this.#rebooting = null;
        up();
      }
      if (!this.#stopped) await this.#dial().catch(() => undefined);
    })();
  }

  /** Dials until connected or stopped; only one dial runs at a time. */
  #dial(): Promise<void> {
    this.#dialing ??= this.#dialLoop().finally(() => {
      this.#dialing = null;
    });
    return this.#dialing;
  }

  async #dialLoop(): Promise<void> {
    let pause = REDIAL_FIRST_MS;
    dialing: for (;;) {
      for (const target of this.dialTargets()) {
        for (let attempt = 1; attempt <= target.attempts; attempt++) {
          if (this.#rebooting) await this.#rebooting;
          if (this.#stopped) throw new Error('the station was stopped');
          const reboots = this.#reboots;
          let link: Link;
          try {
            link = await Link.open(target, this.protocol, this.#guardedHandlers(), this.misbehave, (l) =>
              this.log(l),
            );
          } catch (error) {
            const where = `${safeUrl(connectionUrl(target))} (slot ${target.slot}, attempt ${attempt}/${target.attempts})`;
            this.log(`cannot connect to ${where}: ${errorText(error)}`);
            this.emit('dial-failed', errorText(error), target.slot);
            await this.#pause(ATTEMPT_GAP_MS);
            continue;
          }
          if (this.#stopped) {
            await link.close();
            throw new Error('the station was stopped');
          }
          if (reboots !== this.#reboots) {
            // Reset while this dial was under way: the box comes up where it dials after its boot.
            await link.close();
            continue dialing;
          }
          this.#up(link, target);
          return;
        }
      }
      await this.#pause(pause);
      pause = Math.min(pause * 2, REDIAL_MAX_MS);
    }
  }

  #up(link: Link, target: DialTarget): void {
    this.link = link;
    this.connectedVia(target);
    link.onClose((code) => this.#down(link, code));
    this.log(`connected to ${safeUrl(link.url)}`);
    this.emit('connected', link.url);
    const delay = this.misbehave.bootDelayMs ?? 0;
    if (this.#needsBoot && delay > 0) {
      this.log(`booting in ${delay} ms`);
      this.#bootTimer = this.later(delay, () => {
        if (this.link === link && link.open) void this.#boot(link);
      });
    } else if (this.#needsBoot) void this.#boot(link);
    else this.restartHeartbeat();
  }

  #down(link: Link, code: number): void {
    if (this.link !== link) return;
    this.link = null;
    this.#clearSessionTimers();
    this.log(`disconnected (${code})`);
    this.emit('disconnected', code);
    if (link.deliberate || this.#stopped) return;
    void (async () => {
      await this.#pause(REDIAL_FIRST_MS);
      if (!this.#stopped && !this.link) await this.#dial().catch(() => undefined);
    })();
  }

  async #boot(link: Link): Promise<void> {
    this.cancel(this.#bootTimer);
    this.#bootTimer = null;
    let answer: Payload;
    try {
      answer = await link.call('BootNotification', this.bootRequest());
    } catch (error) {
      this.log(`BootNotification failed: ${errorText(error)}`);
      if (this.link === link && link.open) {
        this.#bootTimer = this.later(BOOT_RETRY_FALLBACK_S * 1000, () => void this.#boot(link));
      }
      return;
    }
    if (this.link !== link) return;
    const status = answer.status === 'Accepted' || answer.status === 'Pending' ? answer.status : 'Rejected';
    const interval = typeof answer.interval === 'number' && answer.interval > 0 ? answer.interval : 0;
    this.registration = status;
    this.emit('boot', status);
    if (this.misbehave.malformedFrames && !this.#malformedSent) {
      this.#malformedSent = true;
      this.log('sending malformed frames');
      for (const frame of malformedFrames(this.protocol)) link.sendRaw(frame);
    }
    if (status === 'Accepted') {
      this.#needsBoot = false;
      this.bootAccepted(interval);
      this.restartHeartbeat();
      return;
    }
    const waitS = Math.max(1, interval || BOOT_RETRY_FALLBACK_S);
    this.#bootTimer = this.later(waitS * 1000, () => void this.#boot(link));
  }

  /** The handlers as the box runs them: a box whose boot was Rejected answers every call SecurityError. */
  #guardedHandlers(): Map<string, CallHandler> {
    if (this.#handlers) return this.#handlers;
    const guarded = new Map<string, CallHandler>();
    for (const [method, handler] of this.handlers()) {
      guarded.set(method, (params) => {
        if (this.registration === 'Rejected') {
          throw createRPCError('SecurityError', 'the CSMS rejected this box at boot');
        }
        return handler(params);
      });
    }
    this.#handlers = guarded;
    return guarded;
  }

  #clearSessionTimers(): void {
    this.cancel(this.#bootTimer);
    this.cancel(this.#heartbeatTimer);
    this.#bootTimer = null;
    this.#heartbeatTimer = null;
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopped) {
        resolve();
        return;
      }
      const wake = () => {
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
    });
  }
}
