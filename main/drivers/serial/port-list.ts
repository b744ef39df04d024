// The serial ports a technician can pick: what the OS lists, with USB ids, serial number, maker and the
// adapter's name, and a poll that reports ports plugged in and pulled out (hot-plug without udev events).
import { listSerialPorts as osSerialPorts } from '../../rfid/serial-source.ts';
import { nameAdapter } from './adapters.ts';

export interface SerialPortListing {
  path: string;
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  /** The adapter's name from resources/serial-adapters.json, null when unknown. */
  adapter: string | null;
  kind: 'serial' | 'rs485' | null;
}

export interface RawPortInfo {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  pnpId?: string | undefined;
}

export type PortLister = () => Promise<RawPortInfo[]>;

/** serialport's list; on Linux without udevadm (containers, minimal installs) the ports come from sysfs. */
export const osPortLister: PortLister = osSerialPorts;

export function describePort(raw: RawPortInfo): SerialPortListing {
  const named = nameAdapter(raw);
  return {
    path: raw.path,
    vendorId: raw.vendorId?.toLowerCase() ?? null,
    productId: raw.productId?.toLowerCase() ?? null,
    serialNumber: raw.serialNumber ?? null,
    manufacturer: raw.manufacturer ?? null,
    adapter: named?.name ?? null,
    kind: named?.kind ?? null,
  };
}

export async function listSerialPorts(lister: PortLister = osPortLister): Promise<SerialPortListing[]> {
  const ports = (await lister()).map(describePort);
  return ports.sort((a, b) => a.path.localeCompare(b.path));
}

export interface PortChange {
  added: SerialPortListing[];
  removed: SerialPortListing[];
  ports: SerialPortListing[];
}

/**
 * Polls the list every intervalMs and calls onChange with what appeared and disappeared (the first
 * list counts as all added). A failing list is skipped, not fatal. Returns stop().
 */
export function watchSerialPorts(
  onChange: (change: PortChange) => void,
  options: { intervalMs?: number; lister?: PortLister } = {},
): () => void {
  const lister = options.lister ?? osPortLister;
  let known = new Map<string, SerialPortListing>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const key = (p: SerialPortListing) => `${p.path}|${p.vendorId}|${p.productId}|${p.serialNumber}`;
  const tick = async () => {
    try {
      const ports = await listSerialPorts(lister);
      if (stopped) return;
      const next = new Map(ports.map((p) => [key(p), p]));
      const added = ports.filter((p) => !known.has(key(p)));
      const removed = [...known.entries()].filter(([k]) => !next.has(k)).map(([, p]) => p);
      known = next;
      if (added.length > 0 || removed.length > 0) onChange({ added, removed, ports });
    } catch {
      // The next poll tries again.
    }
    if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 1000);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
