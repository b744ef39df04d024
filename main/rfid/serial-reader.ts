// An RfidReader for readers behind a USB-serial chip (MFRC522 sketches, RDM6300 modules): one 'card' per
// tap although bridges repeat the UID while the card lies there, and typed faults for unplug and permissions.
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import type { SerialPort } from 'serialport';
import type { ReaderError, ReaderErrorCode, RfidReader } from './reader.ts';
import { ReaderEvents, ReaderFailure, uidHex } from './reader.ts';
import type { BridgeOutput } from './serial-bridge.ts';
import { BridgeLineDecoder, Rdm6300Decoder } from './serial-bridge.ts';

export type SerialFormat = 'lines' | 'rdm6300';

export interface SerialReaderOptions {
  /** /dev/ttyUSB0, /dev/ttyACM0, COM3, or a pty in tests. */
  path: string;
  /** Default 9600: the usual Serial.begin() of MFRC522 sketches and the fixed rate of the RDM6300. */
  baudRate?: number;
  /** 'lines' for text sketches (default), 'rdm6300' for 125 kHz UART frames. */
  format?: SerialFormat;
  /**
   * A UID seen again within this many ms of its last sighting belongs to the same tap. Bridges repeat
   * a card every 100 to 500 ms while it lies on them. Default 1500.
   */
  debounceMs?: number;
  id?: string;
  label?: string;
}

interface Present {
  uid: Uint8Array;
  timer: NodeJS.Timeout;
}

export class SerialRfidReader extends ReaderEvents implements RfidReader {
  readonly id: string;
  readonly kind = 'serial' as const;
  readonly label: string;
  readonly path: string;
  readonly baudRate: number;
  readonly format: SerialFormat;
  readonly #debounceMs: number;
  #port: SerialPort | undefined;
  #decoder: { push(chunk: Uint8Array): BridgeOutput[] } | undefined;
  /** Cards in the current tap, by hex UID; each entry ends (with 'removed') when its window passes. */
  readonly #present = new Map<string, Present>();
  #state: 'closed' | 'opening' | 'open' | 'closing' = 'closed';

  constructor(options: SerialReaderOptions) {
    super();
    this.path = options.path;
    this.baudRate = options.baudRate ?? 9600;
    this.format = options.format ?? 'lines';
    this.#debounceMs = options.debounceMs ?? 1500;
    this.id = options.id ?? `serial:${options.path}`;
    this.label =
      options.label ?? `${options.path} (${this.format === 'lines' ? 'MFRC522 lines' : 'RDM6300'})`;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  async open(): Promise<void> {
    if (this.#state !== 'closed') return;
    this.#state = 'opening';
    // Loaded when a serial reader opens, not at start-up (its native binding costs about 70 ms).
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    const failed = await new Promise<Error | null>((resolve) => port.open((err) => resolve(err)));
    if (failed) {
      this.#state = 'closed';
      const error = await openFault(this.path, failed, this.id);
      this.emit('error', error);
      throw new ReaderFailure(error, { cause: failed });
    }
    this.#port = port;
    this.#decoder =
      this.format === 'rdm6300'
        ? new Rdm6300Decoder({ reader: this.id })
        : new BridgeLineDecoder({ reader: this.id, baudRate: this.baudRate });
    port.on('data', (chunk: Buffer) => this.#data(chunk));
    port.on('error', (err: Error) => this.emit('error', this.#fault('READER_IO_FAILED', err.message)));
    port.on('close', (err: Error | null) => this.#closed(err));
    this.#state = 'open';
  }

  async close(): Promise<void> {
    const port = this.#port;
    if (this.#state !== 'open' || !port) return;
    this.#state = 'closing';
    this.#forget();
    await new Promise<void>((resolve) => {
      port.close(() => resolve());
    });
    this.#port = undefined;
    this.#state = 'closed';
  }

  #data(chunk: Buffer): void {
    if (this.#state !== 'open' || !this.#decoder) return;
    for (const output of this.#decoder.push(chunk)) {
      if (output.kind === 'error') this.emit('error', output.error);
      else this.#sighted(output.uid);
    }
  }

  #sighted(uid: Uint8Array): void {
    const key = uidHex(uid);
    const known = this.#present.get(key);
    if (known) {
      known.timer.refresh(); // the same tap: the window restarts from this sighting
      return;
    }
    const timer = setTimeout(() => {
      this.#present.delete(key);
      this.emit('removed', { uid, at: new Date().toISOString(), reader: this.id });
    }, this.#debounceMs);
    timer.unref();
    this.#present.set(key, { uid, timer });
    this.emit('card', { uid, at: new Date().toISOString(), reader: this.id });
  }

  #closed(err: Error | null): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    // Closed without our close(): the device went away (serialport marks it err.disconnected).
    this.#state = 'closed';
    this.#port = undefined;
    this.#forget();
    this.emit('gone', this.#fault('READER_UNPLUGGED', err?.message ?? 'closed'));
  }

  #forget(): void {
    for (const { timer } of this.#present.values()) clearTimeout(timer);
    this.#present.clear();
  }

  #fault(code: ReaderErrorCode, detail: string): ReaderError {
    return { code, reader: this.id, params: { path: this.path, detail } };
  }
}

/**
 * Turns a failed open into a fault a technician can act on. serialport gives messages, not errno
 * codes ("Error: Permission denied, cannot open /dev/ttyUSB0"), so the path is checked directly where
 * the platform has device files, and the message is read otherwise.
 */
export async function openFault(path: string, err: Error, reader = ''): Promise<ReaderError> {
  const make = (code: ReaderErrorCode, extra: ReaderError['params'] = {}): ReaderError => ({
    code,
    reader,
    params: { path, ...extra },
  });
  let fsCode: string | undefined;
  if (process.platform !== 'win32') {
    try {
      await access(path, constants.R_OK | constants.W_OK);
    } catch (checked) {
      fsCode = (checked as NodeJS.ErrnoException).code;
    }
  }
  const message = err.message;
  if (fsCode === 'ENOENT' || /no such file|file not found|cannot find|ENOENT/i.test(message)) {
    return make('READER_NOT_FOUND');
  }
  if (fsCode === 'EACCES' || /permission denied|access denied|EACCES/i.test(message)) {
    return make('READER_ACCESS_DENIED', { group: await deviceGroup(path) });
  }
  if (/resource busy|cannot lock|EBUSY/i.test(message)) return make('READER_BUSY');
  return make('READER_OPEN_FAILED', { detail: message.replace(/^Error: /, '') });
}

/** The group that owns the device (dialout on Debian and Ubuntu, uucp on Arch); 'dialout' if unknown. */
async function deviceGroup(path: string): Promise<string> {
  if (process.platform === 'win32') return 'dialout';
  try {
    const { gid } = await stat(path);
    const groups = await readFile('/etc/group', 'utf8');
    for (const entry of groups.split('\n')) {
      const [name, , id] = entry.split(':');
      if (name && id !== undefined && Number(id) === gid && gid !== 0) return name;
    }
  } catch {
    // No device file or no /etc/group (macOS uses directory services): fall through.
  }
  return 'dialout';
}
