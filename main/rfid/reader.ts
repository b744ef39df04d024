// The one port every card reader implements (PC/SC, raw HID, serial bridge, keyboard wedge), so the
// enrollment screen, the CLI and the tests see the same events whatever the hardware is.
//
// Codes of the readers (reader.ts, hid-keyboard.ts, serial-bridge.ts, serial-reader.ts). The lead maps
// them to locales/; {name} is a param. A fault is a typed value ({ code, reader, params }), never thrown
// from a listener; 'gone' carries READER_UNPLUGGED, everything else arrives as 'error'.
//
// | code                    | English                                                              | Remedy for the technician                                                                  |
// |-------------------------|----------------------------------------------------------------------|--------------------------------------------------------------------------------------------|
// | READER_NOT_FOUND        | There is no port {path}.                                             | Plug the reader in, check the cable, and pick the port again from the list.                |
// | READER_ACCESS_DENIED    | This user may not open {path}.                                       | Add your user to the {group} group (sudo usermod -aG {group} $USER), then log out and in.  |
// | READER_BUSY             | {path} is already in use by another program.                         | Close the other program (Arduino serial monitor, screen, minicom) and try again.           |
// | READER_OPEN_FAILED      | {path} could not be opened: {detail}.                                | Unplug the reader, plug it in again, and try once more; check the port settings.           |
// | READER_UNPLUGGED        | The reader on {path} was unplugged or stopped answering.             | Plug it in again; the tool picks it up when it comes back.                                 |
// | READER_IO_FAILED        | Reading from {path} failed: {detail}.                                | Unplug the reader and plug it in again; try another USB port or cable.                     |
// | READER_UNREADABLE_LINE  | The reader sent a line that is not a UID ({reason}): "{line}".       | Check the baud rate ({baudRate}) and that the sketch prints "Card UID: ..." lines.         |
// | READER_BAD_FRAME        | The reader sent a broken frame ({reason}): {bytes}.                  | Tap the card again; if it keeps happening, check the baud rate and the wiring.             |
// | READER_BAD_CHECKSUM     | A frame failed its checksum (sent {sent}, computed {computed}).      | Tap the card again; if it keeps happening, shorten or shield the cable.                    |
// | READER_BAD_REPORT       | The keyboard reader sent a report of {length} bytes, not 8 or 9.     | The device is not a boot keyboard: choose its HID mode, not the keyboard mode.             |
// | READER_NOT_A_UID        | The keyboard reader typed "{line}", which is not a UID ({reason}).   | Set the reader to type hex or 10-digit decimal, ending with Enter.                         |
// | READER_PARTIAL_DROPPED  | The keyboard reader stopped after "{partial}"; the reading was dropped. | Tap the card again and hold it still until the beep.                                    |
// | READER_READ_TIMEOUT     | The card on {path} did not give its UID within {ms} ms.              | Tap the card again and hold it still (one refused tap; a late answer is dropped).         |
// | READER_UNKNOWN_ID       | There is no reader {id}. Readers here: {readers}.                    | Pass one of these with --reader.                                                          |
// | READER_UNKNOWN_ID_NONE  | There is no reader {id}, and no card reader is connected at all.     | Plug the reader in, then run wbc readers.                                                 |

/** How the reader reaches the tool; shown next to its label. */
export type ReaderKind = 'pcsc' | 'hid' | 'serial' | 'wedge';

export const readerErrorCodes = [
  'READER_NOT_FOUND',
  'READER_ACCESS_DENIED',
  'READER_BUSY',
  'READER_OPEN_FAILED',
  'READER_UNPLUGGED',
  'READER_IO_FAILED',
  'READER_UNREADABLE_LINE',
  'READER_BAD_FRAME',
  'READER_BAD_CHECKSUM',
  'READER_BAD_REPORT',
  'READER_NOT_A_UID',
  'READER_PARTIAL_DROPPED',
  // HID and the reader manager (hid-reader.ts, hid-source.ts, reader-manager.ts).
  'READER_HID_ACCESS_DENIED',
  'READER_INPUT_MONITORING',
  'READER_KEYBOARD_WINDOWS',
  'READER_HID_NOT_SUPPORTED',
  'READER_HID_UNAVAILABLE',
  'READER_SCAN_FAILED',
  // PC/SC (pcsc-reader.ts, pcsc-source.ts, pcsc-library.ts).
  'READER_SERVICE_DOWN',
  'READER_PCSC_UNAVAILABLE',
  'READER_CARD_REMOVED_EARLY',
  'READER_UID_REFUSED',
  'READER_SERVICE_NOT_ANSWERING',
  // A card that did not answer within the read timeout; a --reader id that is not in the list.
  'READER_READ_TIMEOUT',
  'READER_UNKNOWN_ID',
  'READER_UNKNOWN_ID_NONE',
] as const;

export type ReaderErrorCode = (typeof readerErrorCodes)[number];

/** Values a message needs. Never a secret; a UID is not one. */
export type ReaderErrorParams = Record<string, string | number>;

/** A fault as a typed value: what went wrong (code), on which reader, and what the message needs. */
export interface ReaderError {
  code: ReaderErrorCode;
  /** The reader's id; empty when a decoder reports before it is attached to a reader. */
  reader: string;
  params: ReaderErrorParams;
}

export interface CardEvent {
  /** Raw UID bytes as the reader delivered them; the UID model (uid.ts) validates and formats them. */
  uid: Uint8Array;
  /** ISO 8601 time of the tap. */
  at: string;
  reader: string;
  /** How a keyboard-wedge reader typed it: its 10 decimal digits carry only 4 bytes (a 7-byte UID is cut). */
  readAs?: 'hex' | 'decimal';
}

export interface RemovedEvent {
  /** The card that left; absent when the reader cannot tell which one. */
  uid?: Uint8Array;
  at: string;
  reader: string;
}

export interface ReaderEventMap {
  card: CardEvent;
  removed: RemovedEvent;
  error: ReaderError;
  /** The device went away (unplugged, service stopped). The reader is closed; open a new one later. */
  gone: ReaderError;
}

export type ReaderEventName = keyof ReaderEventMap;
export type ReaderListener<K extends ReaderEventName> = (event: ReaderEventMap[K]) => void;

export interface RfidReader {
  readonly id: string;
  readonly kind: ReaderKind;
  /** What a person recognises: a model name or a port, not translated. */
  readonly label: string;
  /** Subscribes; returns the matching unsubscribe. */
  on<K extends ReaderEventName>(event: K, listener: ReaderListener<K>): () => void;
  off<K extends ReaderEventName>(event: K, listener: ReaderListener<K>): void;
  /** Resolves once cards can arrive; rejects with a ReaderFailure (and emits 'error') when it cannot. */
  open(): Promise<void>;
  /** Idempotent; resolves once the device is released. No events follow. */
  close(): Promise<void>;
}

/** What open() rejects with: an Error (for stack traces) carrying the typed fault. */
export class ReaderFailure extends Error {
  readonly fault: ReaderError;

  constructor(fault: ReaderError, options: { cause?: unknown } = {}) {
    super(fault.code, { cause: options.cause });
    this.name = 'ReaderFailure';
    this.fault = fault;
  }
}

export function isReaderFailure(value: unknown): value is ReaderFailure {
  return value instanceof ReaderFailure;
}

type ListenerSets = { [K in ReaderEventName]: Set<ReaderListener<K>> };

/**
 * The typed event half of a reader, for implementations to extend. Unlike Node's EventEmitter, an
 * 'error' without a listener is dropped rather than thrown, so a fault never crashes the process.
 */
export class ReaderEvents {
  readonly #listeners: ListenerSets = {
    card: new Set(),
    removed: new Set(),
    error: new Set(),
    gone: new Set(),
  };

  on<K extends ReaderEventName>(event: K, listener: ReaderListener<K>): () => void {
    this.#set(event).add(listener);
    return () => this.off(event, listener);
  }

  off<K extends ReaderEventName>(event: K, listener: ReaderListener<K>): void {
    this.#set(event).delete(listener);
  }

  /** Resolves with the next event of that kind (for tests and one-shot waits). */
  next<K extends ReaderEventName>(event: K): Promise<ReaderEventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (value) => {
        off();
        resolve(value);
      });
    });
  }

  protected emit<K extends ReaderEventName>(event: K, value: ReaderEventMap[K]): void {
    for (const listener of [...this.#set(event)]) listener(value);
  }

  #set<K extends ReaderEventName>(event: K): Set<ReaderListener<K>> {
    return this.#listeners[event] as Set<ReaderListener<K>>;
  }
}

/** Hex of a UID for params and logs: "04A1B2C3". */
export function uidHex(uid: Uint8Array): string {
  return Array.from(uid, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/** True for bytes a reader's text never contains: C0 controls except tab, DEL, and 0x80-0xff. */
export function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code >= 0x7f;
}

/** A reader's line or bytes for a message: printable, with control bytes shown as \xNN, cut to max. */
export function printable(text: string, max = 64): string {
  let shown = '';
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    shown += isControl(code) && code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}
