// An RfidReader for one PC/SC contactless reader (ACR122U and the like, through pcscd or the Windows and
// macOS smart-card services): reads the UID of any card with the PC/SC part-3 GET DATA command on each tap.
//
// The binding's ReaderMonitor watches the reader on its own thread (no libuv pool thread is held while
// waiting); its events are handled one at a time, so a tap's 'card' always comes before its 'removed'.
import type { PcscCard, PcscContext, PcscLibrary, PcscMonitorEvent } from './pcsc-library.ts';
import { loadPcscLibrary, pcscdFault, pcscFault } from './pcsc-library.ts';
import type { ReaderError, RfidReader } from './reader.ts';
import { isReaderFailure, ReaderEvents, ReaderFailure } from './reader.ts';

/** PC/SC part 3 GET DATA, P1 00 = the card's UID (serial number for ISO 15693, IDm for FeliCa), Le 00. */
export const GET_UID_APDU = Uint8Array.from([0xff, 0xca, 0x00, 0x00, 0x00]);

export interface PcscReaderOptions {
  /** The reader's name as PC/SC lists it ("ACS ACR122U PICC Interface 00 00"). */
  name: string;
  /** Default "pcsc:<name>". */
  id?: string;
  /** Default the name. */
  label?: string;
  /** How long connecting to a card and reading its UID may take before the tap counts as failed. Default 5000. */
  readTimeoutMs?: number;
  /** The binding (tests may pass another loader); default loadPcscLibrary. */
  library?: () => Promise<PcscLibrary>;
}

type Monitor = InstanceType<PcscLibrary['ReaderMonitor']>;

class ReadTimeout extends Error {}

/** Hex of a status word for a message: "6A 81". */
function swText(sw1: number, sw2: number): string {
  return [sw1, sw2].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

export class PcscRfidReader extends ReaderEvents implements RfidReader {
  readonly id: string;
  readonly kind = 'pcsc' as const;
  readonly label: string;
  /** The PC/SC reader name. */
  readonly name: string;
  readonly #readTimeoutMs: number;
  readonly #library: () => Promise<PcscLibrary>;
  #state: 'closed' | 'opening' | 'open' | 'closing' = 'closed';
  #lib: PcscLibrary | undefined;
  #context: PcscContext | undefined;
  #monitor: Monitor | undefined;
  /** Monitor events, handled in order; each step settles (reads are bounded by the read timeout). */
  #queue: Promise<void> = Promise.resolve();
  /** A card lies on the reader (from the monitor's view), and what it was read as. */
  #present = false;
  #lastUid: Uint8Array | undefined;
  /** The monitor repeats a failing call every second: one report per distinct message. */
  #lastMonitorError = '';

  constructor(options: PcscReaderOptions) {
    super();
    this.name = options.name;
    this.id = options.id ?? `pcsc:${options.name}`;
    this.label = options.label ?? options.name;
    this.#readTimeoutMs = options.readTimeoutMs ?? 5000;
    this.#library = options.library ?? loadPcscLibrary;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  async open(): Promise<void> {
    if (this.#state !== 'closed') return;
    this.#state = 'opening';
    let context: PcscContext | undefined;
    let monitor: Monitor | undefined;
    try {
      const lib = await this.#library();
      const down = await pcscdFault(this.id);
      if (down) throw new ReaderFailure(down);
      context = new lib.Context();
      const names = context.listReaders().map((reader) => reader.name);
      if (!names.includes(this.name)) {
        throw new ReaderFailure({ code: 'READER_NOT_FOUND', reader: this.id, params: { path: this.name } });
      }
      monitor = new lib.ReaderMonitor();
      this.#lib = lib;
      this.#context = context;
      this.#monitor = monitor;
      this.#present = false;
      this.#lastUid = undefined;
      this.#lastMonitorError = '';
      this.#state = 'open';
      // The monitor first reports every reader it sees (with a card already lying there, if any).
      monitor.start((event) => this.#enqueue(event));
    } catch (err) {
      this.#state = 'closed';
      this.#lib = undefined;
      this.#context = undefined;
      this.#monitor = undefined;
      quietly(() => monitor?.stop());
      quietly(() => context?.close());
      const fault = isReaderFailure(err)
        ? { ...err.fault, reader: this.id }
        : pcscFault(err, this.id, this.name, 'open');
      this.emit('error', fault);
      throw new ReaderFailure(fault, { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    const monitor = this.#monitor;
    this.#monitor = undefined;
    quietly(() => monitor?.stop());
    // A read in flight settles (bounded by the read timeout) before its context goes.
    await this.#queue;
    this.#release();
  }

  #enqueue(event: PcscMonitorEvent): void {
    if (this.#state !== 'open') return;
    // Errors name no reader (the message stands in the reader field); everything else is per reader.
    if (event.type !== 'error' && event.reader !== this.name) return;
    this.#queue = this.#queue.then(() => this.#handle(event)).catch(() => {});
  }

  async #handle(event: PcscMonitorEvent): Promise<void> {
    const lib = this.#lib;
    if (this.#state !== 'open' || !lib) return;
    switch (event.type) {
      case 'reader-attached':
        if ((event.state & lib.SCARD_STATE_PRESENT) !== 0) await this.#read(lib);
        return;
      case 'card-inserted':
        await this.#read(lib);
        return;
      case 'card-removed':
        this.#removed();
        return;
      case 'reader-detached':
        this.#gone({ code: 'READER_UNPLUGGED', reader: this.id, params: { path: this.name } });
        return;
      case 'error': {
        const fault = pcscFault(new Error(event.reader), this.id, this.name, 'read');
        if (fault.code === 'READER_SERVICE_DOWN') this.#gone(fault);
        else if (event.reader !== this.#lastMonitorError) {
          this.#lastMonitorError = event.reader;
          this.emit('error', fault);
        }
        return;
      }
    }
  }

  /** One tap: connect, GET DATA, check the status word, report the UID; the card is left as it is. */
  async #read(lib: PcscLibrary): Promise<void> {
    const context = this.#context;
    if (!context) return;
    this.#present = true;
    this.#lastUid = undefined;
    let card: PcscCard | undefined;
    // A call that timed out is still running in the binding: its card is released when it settles,
    // never from here (a disconnect would wait for the stuck call on this thread).
    let stuck = false;
    try {
      const reader = context.listReaders().find((r) => r.name === this.name);
      if (!reader) return; // unplugged between the event and now: the monitor reports it next
      const connecting = reader.connect(
        lib.SCARD_SHARE_SHARED,
        lib.SCARD_PROTOCOL_T0 | lib.SCARD_PROTOCOL_T1,
      );
      card = await this.#bounded(connecting, () => {
        stuck = true;
        void connecting.then(
          (late) => quietly(() => late.disconnect(lib.SCARD_LEAVE_CARD)),
          () => {},
        );
      });
      const connected = card;
      const transmitting = connected.transmit(Buffer.from(GET_UID_APDU));
      const response = await this.#bounded(transmitting, () => {
        stuck = true;
        void transmitting.then(
          () => quietly(() => connected.disconnect(lib.SCARD_LEAVE_CARD)),
          () => quietly(() => connected.disconnect(lib.SCARD_LEAVE_CARD)),
        );
      });
      this.#answer(Uint8Array.from(response));
    } catch (err) {
      if (this.#state !== 'open') return;
      if (err instanceof ReadTimeout) {
        // One refused tap: the late answer (if it comes) is dropped with its card, so the tap has one line.
        this.emit('error', {
          code: 'READER_READ_TIMEOUT',
          reader: this.id,
          params: { path: this.name, ms: this.#readTimeoutMs },
        });
        return;
      }
      const fault = pcscFault(err, this.id, this.name, 'read');
      if (fault.code === 'READER_SERVICE_DOWN') this.#gone(fault);
      else this.emit('error', fault);
    } finally {
      if (card && !stuck) quietly(() => card?.disconnect(lib.SCARD_LEAVE_CARD));
    }
  }

  #answer(response: Uint8Array): void {
    if (this.#state !== 'open') return;
    const params = { path: this.name };
    if (response.length < 2) {
      // No status word: the card left while it was asked (vpcd answers so; CCID readers fail the call).
      this.emit('error', { code: 'READER_CARD_REMOVED_EARLY', reader: this.id, params });
      return;
    }
    const sw1 = response[response.length - 2] ?? 0;
    const sw2 = response[response.length - 1] ?? 0;
    const uid = response.slice(0, response.length - 2);
    if (sw1 !== 0x90 || sw2 !== 0x00 || uid.length === 0) {
      // 6A 81: the reader has no GET DATA; 63 00 (ACR122U): the card left the field during the command.
      this.emit('error', {
        code: 'READER_UID_REFUSED',
        reader: this.id,
        params: { ...params, sw: swText(sw1, sw2) },
      });
      return;
    }
    this.#lastUid = uid;
    this.emit('card', { uid, at: new Date().toISOString(), reader: this.id });
  }

  #removed(): void {
    if (!this.#present) return;
    this.#present = false;
    const uid = this.#lastUid;
    this.#lastUid = undefined;
    this.emit('removed', { ...(uid ? { uid } : {}), at: new Date().toISOString(), reader: this.id });
  }

  /** The reader or the service went away: release everything, then say so (the last event). */
  #gone(fault: ReaderError): void {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    const monitor = this.#monitor;
    this.#monitor = undefined;
    // Stopping joins the monitor's thread, which after an error first sits out the rest of its one-second
    // pause (the binding's loop): done after 'gone' has reached everyone, outside the monitor's callback.
    setImmediate(() => quietly(() => monitor?.stop()));
    this.#release();
    this.emit('gone', fault);
  }

  #release(): void {
    const context = this.#context;
    this.#context = undefined;
    this.#lib = undefined;
    this.#present = false;
    this.#lastUid = undefined;
    quietly(() => context?.close());
    this.#state = 'closed';
  }

  #bounded<T>(promise: Promise<T>, onTimeout: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(new ReadTimeout());
      }, this.#readTimeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // Releasing what is already gone (a closed context, a card no longer there) is not a fault.
  }
}
