// A keyboard-wedge card reader read directly from its HID device (hidraw on Linux): its reports are
// decoded into the UIDs it types, so no text field needs the focus, and its faults are typed values.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type HidDecoderOutput, HidKeyboardDecoder, wedgeLineToUid } from './hid-keyboard.ts';
import type { ReaderError, ReaderErrorCode, RfidReader } from './reader.ts';
import { ReaderEvents, ReaderFailure } from './reader.ts';

/** The part of node-hid's HIDAsync the reader uses, so tests can hand it a device made in-process. */
export interface HidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
  close(): void | Promise<void>;
}

/** Opens a device by its path (node-hid's HIDAsync.open, or a test's fake). Rejects with node-hid's error. */
export type HidOpener = (path: string, options: { nonExclusive: boolean }) => Promise<HidDevice>;

export interface HidKeyboardReaderOptions {
  /** The OS path from node-hid's devices(): /dev/hidraw3, an IOService path, \\?\hid#... */
  path: string;
  open: HidOpener;
  id?: string;
  label?: string;
  vendorId?: number;
  productId?: number;
  /** A partial line older than this is dropped (see HidKeyboardDecoder). Default 500. */
  idleMs?: number;
  /** Defaults to process.platform; tests pass another to see each platform's message. */
  platform?: NodeJS.Platform;
}

const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');

/** The udev rules shipped with the app, as an absolute path for the command in the remedy. */
export function udevRulesPath(): string {
  const beside = fileURLToPath(
    new URL('../../resources/linux/99-wallbox-commissioner.rules', import.meta.url),
  );
  if (existsSync(beside)) return beside;
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  return packaged ? `${packaged}/linux/99-wallbox-commissioner.rules` : beside;
}

/** Whether the shipped rules give plugdev this hidraw device (a line for its vendor, and product if named). */
export function rulesCover(rules: string, vendor: string, product: string): boolean {
  for (const line of rules.split('\n')) {
    if (!/KERNEL=="hidraw\*"/.test(line)) continue;
    const v = /ATTRS\{idVendor\}=="([0-9a-f]{4})"/i.exec(line)?.[1]?.toLowerCase();
    const p = /ATTRS\{idProduct\}=="([0-9a-f]{4})"/i.exec(line)?.[1]?.toLowerCase();
    if (v === vendor && (p === undefined || p === product)) return true;
  }
  return false;
}

/**
 * The exact command that lets the plugdev group open this reader: copying the shipped rules when they
 * cover its ids, otherwise a one-line rule of its own.
 */
export function udevCommand(vendor: string, product: string): string {
  const file = udevRulesPath();
  let rules = '';
  try {
    rules = readFileSync(file, 'utf8');
  } catch {
    // Not readable here: fall back to the device's own rule below.
  }
  const reload = 'sudo udevadm control --reload && sudo udevadm trigger';
  if (rulesCover(rules, vendor, product)) return `sudo cp '${file}' /etc/udev/rules.d/ && ${reload}`;
  const rule = `KERNEL=="hidraw*", ATTRS{idVendor}=="${vendor}", ATTRS{idProduct}=="${product}", GROUP="plugdev", MODE="0660"`;
  return `echo '${rule}' | sudo tee /etc/udev/rules.d/99-wbc-reader-${vendor}-${product}.rules && ${reload}`;
}

export class HidKeyboardReader extends ReaderEvents implements RfidReader {
  readonly id: string;
  readonly kind = 'hid' as const;
  readonly label: string;
  readonly path: string;
  readonly #open: HidOpener;
  readonly #platform: NodeJS.Platform;
  readonly #idleMs: number;
  readonly #ids: { vendor: string; product: string };
  readonly #decoder: HidKeyboardDecoder;
  #device: HidDevice | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #state: 'closed' | 'opening' | 'open' | 'closing' = 'closed';

  constructor(options: HidKeyboardReaderOptions) {
    super();
    this.path = options.path;
    this.#open = options.open;
    this.#platform = options.platform ?? process.platform;
    this.#idleMs = options.idleMs ?? 500;
    this.id = options.id ?? `hid:${options.path}`;
    this.label = options.label ?? options.path;
    this.#ids = { vendor: hex4(options.vendorId), product: hex4(options.productId) };
    this.#decoder = new HidKeyboardDecoder({ reader: this.id, idleMs: this.#idleMs });
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  async open(): Promise<void> {
    if (this.#state !== 'closed') return;
    if (this.#platform === 'win32') {
      // Windows gives keyboards to its own input stack: hidapi opens them without read access.
      this.#fail(keyboardOnWindows(this.id, this.label));
    }
    this.#state = 'opening';
    let device: HidDevice;
    try {
      device = await this.#open(this.path, { nonExclusive: true });
    } catch (error) {
      this.#state = 'closed';
      this.#fail(hidOpenFault(error, this.#faultContext()), error);
    }
    this.#device = device;
    this.#decoder.reset();
    device.on('data', (data) => this.#data(data));
    device.on('error', (error) => this.#lost(error));
    this.#state = 'open';
  }

  async close(): Promise<void> {
    const device = this.#device;
    if (this.#state !== 'open' || !device) return;
    this.#state = 'closing';
    this.#release();
    try {
      await device.close();
    } catch {
      // Already gone with the device: nothing left to release.
    }
    this.#state = 'closed';
  }

  #fail(fault: ReaderError, cause?: unknown): never {
    this.emit('error', fault);
    throw new ReaderFailure(fault, { cause });
  }

  #faultContext() {
    return { reader: this.id, path: this.path, label: this.label, platform: this.#platform, ...this.#ids };
  }

  #data(data: Buffer): void {
    if (this.#state !== 'open') return;
    this.#handle(this.#decoder.push(new Uint8Array(data)));
    clearTimeout(this.#idleTimer);
    if (this.#decoder.partial !== '') {
      // A reading that stops half way is reported even when the reader sends nothing more.
      this.#idleTimer = setTimeout(() => this.#handle(this.#decoder.expire()), this.#idleMs + 20);
      this.#idleTimer.unref();
    }
  }

  #handle(outputs: HidDecoderOutput[]): void {
    for (const output of outputs) {
      if (output.kind === 'error') {
        this.emit('error', output.error);
        continue;
      }
      const read = wedgeLineToUid(output.text, this.id);
      if (!read.ok) this.emit('error', read.error);
      else
        this.emit('card', {
          uid: read.uid,
          at: new Date().toISOString(),
          reader: this.id,
          readAs: read.form,
        });
    }
  }

  /** node-hid reports a failed read as 'error' and stops reading: the device went away. */
  #lost(error: Error): void {
    if (this.#state !== 'open') return;
    const device = this.#device;
    this.#state = 'closed';
    this.#release();
    void Promise.resolve()
      .then(() => device?.close())
      .catch(() => {});
    this.emit('gone', {
      code: 'READER_UNPLUGGED',
      reader: this.id,
      params: { path: this.label, detail: error.message },
    });
  }

  #release(): void {
    clearTimeout(this.#idleTimer);
    this.#device?.removeAllListeners();
    this.#device = undefined;
    this.#decoder.reset();
  }
}

interface FaultContext {
  reader: string;
  path: string;
  label: string;
  platform: NodeJS.Platform;
  vendor: string;
  product: string;
}

export function keyboardOnWindows(reader: string, label: string): ReaderError {
  return { code: 'READER_KEYBOARD_WINDOWS', reader, params: { label } };
}

/**
 * A failed open as a fault a technician can act on. node-hid only gives hidapi's text: on Linux
 * "Failed to open a device with path '/dev/hidraw3': Permission denied"; on macOS IOHIDDeviceOpen's
 * return code, 0xE00002E2 (kIOReturnNotPermitted) when Input Monitoring is not granted.
 */
export function hidOpenFault(error: unknown, context: FaultContext): ReaderError {
  const message = error instanceof Error ? error.message : String(error);
  const make = (code: ReaderErrorCode, params: ReaderError['params']): ReaderError => ({
    code,
    reader: context.reader,
    params: { path: context.label, ...params },
  });
  if (context.platform === 'darwin' && /e00002e2|not permitted|privilege/i.test(message)) {
    return make('READER_INPUT_MONITORING', {});
  }
  if (context.platform === 'linux' && /permission denied|EACCES|operation not permitted/i.test(message)) {
    return make('READER_HID_ACCESS_DENIED', { command: udevCommand(context.vendor, context.product) });
  }
  if (/no such file|no such device|ENOENT|ENODEV|not found/i.test(message))
    return make('READER_NOT_FOUND', {});
  if (/busy|EBUSY|exclusive/i.test(message)) return make('READER_BUSY', {});
  return make('READER_OPEN_FAILED', { detail: message.replace(/^Error: /, '').slice(0, 200) });
}
