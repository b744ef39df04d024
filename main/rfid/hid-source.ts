// Which HID devices are card readers: the known reader ids (resources/rfid/hid-readers.json) and the
// devices a user names, never any other keyboard. node-hid is loaded only when HID readers are listed.
import knownReaders from '../../resources/rfid/hid-readers.json' with { type: 'json' };
import { HidKeyboardReader, type HidOpener, keyboardOnWindows } from './hid-reader.ts';
import type { ReaderError, RfidReader } from './reader.ts';
import { ReaderEvents, ReaderFailure } from './reader.ts';
import type { ReaderInfo, ReaderScan, ReaderSource } from './reader-source.ts';

/** One entry of node-hid's devices(): one top-level collection of a device (a path may have several). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  product?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  interface: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open: HidOpener;
}

export interface HidReaderEntry {
  vendorId: string;
  productId: string;
  name: string;
  status: 'known' | 'check';
  note?: string;
}

export const hidReaders: HidReaderEntry[] = knownReaders.readers as HidReaderEntry[];

/** node-hid, imported on first use so the app starts (and every other reader works) without it. */
export async function loadNodeHid(): Promise<HidBackend> {
  const imported = (await import('node-hid')) as typeof import('node-hid') & {
    default?: typeof import('node-hid');
  };
  const hid = imported.default ?? imported;
  return {
    devices: () => hid.devicesAsync(),
    open: (path, options) => hid.HIDAsync.open(path, options),
  };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const VENDOR_PAGE = 0xff00;

/** A vid:pid as a user writes it ("08ff:0009", "0x08FF:0x0009"), or undefined. */
export function parseVidPid(text: string): string | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  return `${m[1].padStart(4, '0')}:${m[2].padStart(4, '0')}`.toLowerCase();
}

/** A HID reader found by a scan, with what opening it needs. */
export interface HidReaderInfo extends ReaderInfo {
  path: string;
  vendorId: number;
  productId: number;
  mode: 'keyboard' | 'raw';
}

export interface ClassifyOptions {
  readers?: HidReaderEntry[];
  /** Paths or vid:pid pairs the user named as readers. */
  named?: string[];
  platform?: NodeJS.Platform;
}

/**
 * Picks the card readers out of everything HID. A device counts when its vid:pid is a known reader or
 * the user named it; its boot-keyboard collection (page 1, usage 6) is read as a keyboard wedge, a
 * vendor collection (page 0xff00 and up) is listed as not supported yet.
 */
export function classifyHidDevices(devices: HidDeviceInfo[], options: ClassifyOptions = {}): HidReaderInfo[] {
  const entries = options.readers ?? hidReaders;
  const named = new Set((options.named ?? []).map((n) => parseVidPid(n) ?? n));
  const platform = options.platform ?? process.platform;
  const byPath = new Map<string, HidDeviceInfo[]>();
  for (const device of devices) {
    if (!device.path) continue;
    byPath.set(device.path, [...(byPath.get(device.path) ?? []), device]);
  }
  const found: HidReaderInfo[] = [];
  for (const [path, collections] of byPath) {
    const first = collections[0] as HidDeviceInfo;
    const vidPid = `${hex4(first.vendorId)}:${hex4(first.productId)}`;
    const entry = entries.find((e) => `${e.vendorId}:${e.productId}`.toLowerCase() === vidPid);
    const isNamed = named.has(path) || named.has(vidPid);
    if (!entry && !isNamed) continue;
    const pages = collections.map((c) => ({ page: c.usagePage ?? 0, usage: c.usage ?? 0 }));
    const keyboard = pages.some((p) => p.page === 1 && p.usage === 6);
    const unknownUsage = pages.every((p) => p.page === 0);
    const vendor = pages.some((p) => p.page >= VENDOR_PAGE);
    // Without usage information (an old backend) a known reader is taken for the keyboard it usually is.
    const mode = keyboard || unknownUsage ? 'keyboard' : vendor || isNamed ? 'raw' : undefined;
    if (!mode) continue; // a reader's consumer-control or mouse collection: nothing to read cards from
    const name =
      entry?.name ?? ([first.manufacturer, first.product].filter(Boolean).join(' ') || 'HID device');
    const shortPath = path.length <= 24 ? `, ${path}` : '';
    const label = `${name} (${vidPid}${shortPath}${mode === 'raw' ? ', HID' : ''})`;
    const id = `hid:${path}`;
    const info: HidReaderInfo = {
      id,
      kind: 'hid',
      label,
      path,
      vendorId: first.vendorId,
      productId: first.productId,
      mode,
    };
    if (entry?.status === 'check') info.unverified = true;
    if (mode === 'raw') info.fault = { code: 'READER_HID_NOT_SUPPORTED', reader: id, params: { label } };
    else if (platform === 'win32') info.fault = keyboardOnWindows(id, label);
    found.push(info);
  }
  return found;
}

/** Stands in for a reader that is listed but cannot be read: open() rejects with its fault. */
export class UnusableReader extends ReaderEvents implements RfidReader {
  readonly id: string;
  readonly kind: ReaderInfo['kind'];
  readonly label: string;
  readonly #fault: ReaderError;

  constructor(info: ReaderInfo, fault: ReaderError) {
    super();
    this.id = info.id;
    this.kind = info.kind;
    this.label = info.label;
    this.#fault = fault;
  }

  async open(): Promise<void> {
    this.emit('error', this.#fault);
    throw new ReaderFailure(this.#fault);
  }

  async close(): Promise<void> {}
}

export interface HidSourceOptions {
  /** How node-hid is reached; tests pass a backend made in-process. Default: loadNodeHid. */
  backend?: () => Promise<HidBackend>;
  readers?: HidReaderEntry[];
  named?: string[];
  platform?: NodeJS.Platform;
  idleMs?: number;
}

export class HidSource implements ReaderSource {
  readonly kind = 'hid' as const;
  readonly #options: HidSourceOptions;
  readonly #named: string[];
  #backend: Promise<HidBackend> | undefined;
  #last = new Map<string, HidReaderInfo>();

  constructor(options: HidSourceOptions = {}) {
    this.#options = options;
    this.#named = [...(options.named ?? [])];
  }

  /** Takes a device the user names (path or vid:pid) as a reader from the next scan on. */
  name(device: string): void {
    const key = parseVidPid(device) ?? device.trim();
    if (!this.#named.includes(key)) this.#named.push(key);
  }

  async scan(): Promise<ReaderScan> {
    let backend: HidBackend;
    try {
      this.#backend ??= (this.#options.backend ?? loadNodeHid)();
      backend = await this.#backend;
    } catch (error) {
      this.#backend = undefined;
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return {
        readers: [],
        problem: { code: 'READER_HID_UNAVAILABLE', reader: '', params: { detail: detail ?? '' } },
      };
    }
    let devices: HidDeviceInfo[];
    try {
      devices = await backend.devices();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        readers: [],
        problem: { code: 'READER_SCAN_FAILED', reader: '', params: { kind: 'USB HID', detail } },
      };
    }
    const found = classifyHidDevices(devices, {
      named: this.#named,
      ...(this.#options.readers ? { readers: this.#options.readers } : {}),
      ...(this.#options.platform ? { platform: this.#options.platform } : {}),
    });
    this.#last = new Map(found.map((f) => [f.id, f]));
    return {
      readers: found.map(({ id, kind, label, fault, unverified }) => ({
        id,
        kind,
        label,
        fault,
        unverified,
      })),
    };
  }

  create(info: ReaderInfo): RfidReader {
    const found = this.#last.get(info.id);
    const backend = this.#backend;
    if (!found || !backend) {
      return new UnusableReader(info, {
        code: 'READER_NOT_FOUND',
        reader: info.id,
        params: { path: info.label },
      });
    }
    if (found.fault) return new UnusableReader(info, found.fault);
    return new HidKeyboardReader({
      path: found.path,
      id: found.id,
      label: found.label,
      vendorId: found.vendorId,
      productId: found.productId,
      open: async (path, options) => (await backend).open(path, options),
      ...(this.#options.platform ? { platform: this.#options.platform } : {}),
      ...(this.#options.idleMs !== undefined ? { idleMs: this.#options.idleMs } : {}),
    });
  }

  async close(): Promise<void> {
    this.#last.clear();
  }
}

export function hidSource(options: HidSourceOptions = {}): HidSource {
  return new HidSource(options);
}
