// Serial ports listed from Linux's sysfs when serialport's list cannot run (it spawns udevadm, which
// containers, minimal installs and some distributions lack): a missing tool is never the reader's fault.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SerialPortInfo } from './serial-source.ts';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The USB device a tty hangs off: the nearest folder above it with idVendor and idProduct. */
function usbIds(deviceDir: string): Pick<SerialPortInfo, 'vendorId' | 'productId' | 'manufacturer'> {
  for (let dir = deviceDir; dir !== '/' && dir !== '.'; dir = dirname(dir)) {
    const vendorId = readText(join(dir, 'idVendor'));
    const productId = readText(join(dir, 'idProduct'));
    if (vendorId && productId)
      return { vendorId, productId, manufacturer: readText(join(dir, 'manufacturer')) };
  }
  return {};
}

/**
 * Every tty backed by a device (USB serial adapters, on-board UARTs; not virtual consoles or ptys) under
 * /sys/class/tty, with the USB ids serialport's list would give. root is for tests only.
 */
export function listSysfsSerialPorts(root = '/sys/class/tty'): SerialPortInfo[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const ports: SerialPortInfo[] = [];
  for (const name of names.sort()) {
    const link = join(root, name, 'device');
    if (!existsSync(link)) continue;
    let device: string;
    try {
      device = realpathSync(link);
    } catch {
      continue;
    }
    ports.push({ path: `/dev/${name}`, ...usbIds(device) });
  }
  return ports;
}
