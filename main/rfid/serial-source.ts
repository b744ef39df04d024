// Serial card readers: the USB-serial chips MFRC522 and RDM6300 boards sit behind, as listed by the OS,
// plus ports the user adds by path (ptys and odd adapters are not listed), each with its baud and format.
import { existsSync } from 'node:fs';
import type { RfidReader } from './reader.ts';
import type { ReaderInfo, ReaderScan, ReaderSource } from './reader-source.ts';
import { type SerialFormat, SerialRfidReader } from './serial-reader.ts';
import { listSysfsSerialPorts } from './serial-sysfs.ts';

/** What SerialPort.list() says about a port (ids are hex text; Windows gives them in upper case). */
export interface SerialPortInfo {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
}

/** USB-serial chips found on reader boards; productId absent means every product of that vendor. */
export const serialChips: ReadonlyArray<{ vendorId: string; productId?: string; name: string }> = [
  { vendorId: '1a86', productId: '7523', name: 'CH340' },
  { vendorId: '1a86', productId: '55d4', name: 'CH9102' },
  { vendorId: '10c4', productId: 'ea60', name: 'CP210x' },
  { vendorId: '0403', productId: '6001', name: 'FTDI FT232R' },
  { vendorId: '0403', productId: '6015', name: 'FTDI FT231X' },
  { vendorId: '2341', name: 'Arduino' },
  { vendorId: '2a03', name: 'Arduino' },
];

export interface SerialSettings {
  baudRate: number;
  format: SerialFormat;
}

export interface SerialSourceOptions {
  /** Default: SerialPort.list(). Tests pass their own list. */
  list?: () => Promise<SerialPortInfo[]>;
  /** A tap lasts this long on a bridge that repeats the UID (see SerialRfidReader). */
  debounceMs?: number;
  platform?: NodeJS.Platform;
}

const defaults: SerialSettings = { baudRate: 9600, format: 'lines' };

/**
 * The OS's serial ports; serialport is loaded on the first scan, not at start-up. On Linux its list runs
 * udevadm: where that fails (not installed), the ports are read from sysfs instead.
 */
export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  const { SerialPort } = await import('serialport');
  try {
    return await SerialPort.list();
  } catch (error) {
    if (process.platform !== 'linux') throw error;
    return listSysfsSerialPorts();
  }
}

export function chipOf(port: SerialPortInfo): string | undefined {
  const vendor = port.vendorId?.toLowerCase();
  const product = port.productId?.toLowerCase();
  return serialChips.find(
    (c) => c.vendorId === vendor && (c.productId === undefined || c.productId === product),
  )?.name;
}

export class SerialSource implements ReaderSource {
  readonly kind = 'serial' as const;
  readonly #options: SerialSourceOptions;
  /** Settings per path: ports the user added, and listed ports the user set a baud or format for. */
  readonly #settings = new Map<string, SerialSettings>();
  readonly #added = new Set<string>();

  constructor(options: SerialSourceOptions = {}) {
    this.#options = options;
  }

  /** Adds a port by path (or changes the baud and format of one); it is listed while the path exists. */
  add(path: string, settings: Partial<SerialSettings> = {}): ReaderInfo {
    const current = this.#settings.get(path) ?? defaults;
    const next = {
      baudRate: settings.baudRate ?? current.baudRate,
      format: settings.format ?? current.format,
    };
    this.#settings.set(path, next);
    this.#added.add(path);
    return this.#info(path, undefined);
  }

  async scan(): Promise<ReaderScan> {
    const readers = new Map<string, ReaderInfo>();
    let problem: ReaderScan['problem'];
    try {
      const ports = await (this.#options.list ?? listSerialPorts)();
      for (const port of ports) {
        const chip = chipOf(port);
        if (chip || this.#added.has(port.path)) readers.set(port.path, this.#info(port.path, chip));
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      problem = { code: 'READER_SCAN_FAILED', reader: '', params: { kind: 'USB serial', detail } };
    }
    // Ports added by path stay listed while they exist, even when the OS list does not show them.
    const windows = (this.#options.platform ?? process.platform) === 'win32';
    for (const path of this.#added) {
      if (!readers.has(path) && (windows || existsSync(path))) readers.set(path, this.#info(path, undefined));
    }
    return { readers: [...readers.values()], ...(problem ? { problem } : {}) };
  }

  create(info: ReaderInfo): RfidReader {
    const path = info.id.replace(/^serial:/, '');
    const settings = this.#settings.get(path) ?? defaults;
    return new SerialRfidReader({
      path,
      id: info.id,
      label: info.label,
      baudRate: settings.baudRate,
      format: settings.format,
      ...(this.#options.debounceMs !== undefined ? { debounceMs: this.#options.debounceMs } : {}),
    });
  }

  async close(): Promise<void> {}

  #info(path: string, chip: string | undefined): ReaderInfo {
    const { baudRate, format } = this.#settings.get(path) ?? defaults;
    const kind = format === 'rdm6300' ? 'RDM6300' : 'MFRC522 lines';
    const label = `${chip ? `${chip} ` : ''}${path} (${kind}, ${baudRate} baud)`;
    return { id: `serial:${path}`, kind: 'serial', label };
  }
}

export function serialSource(options: SerialSourceOptions = {}): SerialSource {
  return new SerialSource(options);
}
