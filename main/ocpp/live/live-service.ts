// The live view of every box the tool hears, fed by the trace (so the local CSMS and the proxy alike):
// emits `changed` with a box's state and `notice` when charging went idle or energy management intervened.
import { EventEmitter } from 'node:events';
import type { TraceRecorder } from '../trace.ts';
import type { TraceFrame } from '../types.ts';
import { BoxLive } from './box-live.ts';
import type { LiveBox, LiveNotice } from './live-types.ts';

export const defaultIdleMinutes = 10;

export interface LiveOptions {
  /** The laptop's clock; tests pass their own. */
  now?: () => Date;
  /** Minutes without energy before a transaction is told idle (a setting; default 10). Read when the
   *  service starts, on each tick and when told the setting changed, never per frame. */
  idleMinutes?: () => number;
  /** How often the clock is looked at for idle transactions and late heartbeats; 0: never (tests tick). */
  tickMs?: number;
  /** Frames are folded in batches this often (and before any read), not in the turn that relays them: a
   *  proxy passes a frame on without waiting for the live view. 0: each frame at once. */
  batchMs?: number;
}

const defaultBatchMs = 20;
/** A burst this long is folded at once rather than kept until the batch is due. */
const MAX_QUEUED = 500;

export class LiveService extends EventEmitter {
  readonly #boxes = new Map<string, BoxLive>();
  readonly #now: () => Date;
  readonly #idleMinutes: () => number;
  /** The setting as last read: every frame of every box is judged with it, so it is not read per frame. */
  #idle: number;
  readonly #unsubscribe: () => void;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #batchMs: number;
  /** Frames heard and not folded in yet, oldest first. */
  #queue: TraceFrame[] = [];
  #batch: ReturnType<typeof setTimeout> | undefined;
  #catchingUp = false;

  constructor(trace: TraceRecorder, options: LiveOptions = {}) {
    super();
    this.#now = options.now ?? (() => new Date());
    this.#idleMinutes = options.idleMinutes ?? (() => defaultIdleMinutes);
    this.#idle = this.#readIdleMinutes();
    this.#batchMs = options.batchMs ?? defaultBatchMs;
    this.#unsubscribe = trace.subscribe((frame) => this.#heard(frame));
    const tickMs = options.tickMs ?? 30_000;
    if (tickMs > 0) {
      this.#timer = setInterval(() => this.tick(), tickMs);
      this.#timer.unref();
    }
  }

  idleMinutes(): number {
    return this.#idle;
  }

  /** The idle minutes setting was changed (live.idleMinutes): read it again now. Another process that
   *  changed it (the CLI beside the app) is seen at the next tick. */
  idleMinutesChanged(): void {
    this.#idle = this.#readIdleMinutes();
  }

  #readIdleMinutes(): number {
    const value = this.#idleMinutes();
    return Number.isFinite(value) && value > 0 ? value : defaultIdleMinutes;
  }

  /** What the tool heard of a box so far; null when it heard nothing since it started. */
  get(identity: string): LiveBox | null {
    this.#catchUp();
    return this.#boxes.get(identity)?.snapshot(this.#now().toISOString(), this.idleMinutes()) ?? null;
  }

  identities(): string[] {
    this.#catchUp();
    return [...this.#boxes.keys()].sort();
  }

  /** Looks at the clock now (also on a timer): idle transactions are told, late heartbeats shown. */
  tick(): void {
    this.#catchUp();
    const now = this.#now().toISOString();
    this.idleMinutesChanged();
    const idleMinutes = this.idleMinutes();
    for (const box of this.#boxes.values()) this.#told(box, box.tick(now, idleMinutes), idleMinutes);
  }

  close(): void {
    this.#unsubscribe();
    if (this.#timer) clearInterval(this.#timer);
    clearTimeout(this.#batch);
    this.#batch = undefined;
    this.#queue = [];
  }

  #heard(frame: TraceFrame): void {
    if (this.#batchMs <= 0) {
      this.#frame(frame);
      return;
    }
    this.#queue.push(frame);
    if (this.#queue.length >= MAX_QUEUED) this.#catchUp();
    else if (!this.#batch) {
      this.#batch = setTimeout(() => this.#catchUp(), this.#batchMs);
      this.#batch.unref();
    }
  }

  /** Folds in every frame heard so far, in order, telling watchers as each one is folded (a watcher that
   *  reads meanwhile sees the state up to the frame being told). */
  #catchUp(): void {
    clearTimeout(this.#batch);
    this.#batch = undefined;
    if (this.#catchingUp) return;
    this.#catchingUp = true;
    try {
      for (let i = 0; i < this.#queue.length; i++) {
        const frame = this.#queue[i];
        if (frame) this.#frame(frame);
      }
    } finally {
      this.#queue = [];
      this.#catchingUp = false;
    }
  }

  #frame(frame: TraceFrame): void {
    if (frame.identity.startsWith('(')) return;
    let box = this.#boxes.get(frame.identity);
    if (!box) {
      if (frame.direction === 'event' && frame.kind !== 'connected') return;
      box = new BoxLive(frame.identity, frame.at);
      this.#boxes.set(frame.identity, box);
    }
    const idleMinutes = this.#idle;
    const notices = box.apply(frame, idleMinutes);
    // Told per frame that changed what is shown (a snapshot copies the meter points of the transactions).
    const told = frame.direction !== 'event' || frame.kind === 'connected' || frame.kind === 'disconnected';
    if (told && box.shownChanged) this.emit('changed', box.snapshot(this.#now().toISOString(), idleMinutes));
    this.#told(box, notices, idleMinutes);
  }

  #told(box: BoxLive, notices: LiveNotice[], idleMinutes = this.idleMinutes()): void {
    for (const notice of notices) this.emit('notice', notice);
    if (notices.length > 0 && box) this.emit('changed', box.snapshot(this.#now().toISOString(), idleMinutes));
  }
}
