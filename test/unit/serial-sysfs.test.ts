// Serial ports found without udevadm: a sysfs tree built in a temporary folder as the kernel lays it out
// (a tty's device link into the USB device that carries idVendor and idProduct), read by the real code.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chipOf } from '../../main/rfid/serial-source.ts';
import { listSysfsSerialPorts } from '../../main/rfid/serial-sysfs.ts';
import { tempDir } from '../support/temp.ts';

test('USB serial adapters are listed from /sys/class/tty with their USB ids; consoles without a device are not', (t) => {
  const root = tempDir(t, 'wbc-sysfs-');
  const usb = join(root, 'devices', 'pci0000:00', 'usb1', '1-2');
  const iface = join(usb, '1-2:1.0', 'ttyUSB0');
  mkdirSync(iface, { recursive: true });
  writeFileSync(join(usb, 'idVendor'), '1a86\n');
  writeFileSync(join(usb, 'idProduct'), '7523\n');
  writeFileSync(join(usb, 'manufacturer'), 'QinHeng Electronics\n');
  const uart = join(root, 'devices', 'platform', 'serial8250', 'tty', 'ttyS0');
  mkdirSync(uart, { recursive: true });
  const tty = join(root, 'class', 'tty');
  for (const name of ['ttyUSB0', 'ttyS0', 'tty1']) mkdirSync(join(tty, name), { recursive: true });
  symlinkSync(join(usb, '1-2:1.0'), join(tty, 'ttyUSB0', 'device'));
  symlinkSync(join(root, 'devices', 'platform', 'serial8250'), join(tty, 'ttyS0', 'device'));

  const ports = listSysfsSerialPorts(tty);
  assert.deepEqual(ports, [
    { path: '/dev/ttyS0' },
    { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', manufacturer: 'QinHeng Electronics' },
  ]);
  assert.deepEqual(ports.map(chipOf), [undefined, 'CH340']);
  assert.deepEqual(listSysfsSerialPorts(join(root, 'nowhere')), []);
});
