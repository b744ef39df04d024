// The HID keyboard-wedge reader and the choice of which HID devices are readers. No virtual HID device
// can be made on these machines (no /dev/uhid), so the device is an in-process fake with node-hid's
// HIDAsync surface (on 'data', on 'error', close) fed with recorded boot-keyboard reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { HidKeyboardReader, type HidOpener, rulesCover, udevRulesPath } from '../../main/rfid/hid-reader.ts';
import { classifyHidDevices, type HidDeviceInfo, HidSource, hidReaders } from '../../main/rfid/hid-source.ts';
import type { CardEvent, ReaderError } from '../../main/rfid/reader.ts';
import { isReaderFailure, uidHex } from '../../main/rfid/reader.ts';
import { capture, FakeHidDevice, keypadDecimal, upperHex } from '../support/hid-reports.ts';
import { until } from '../support/until.ts';

function reader(
  options: { open?: HidOpener; platform?: NodeJS.Platform; vendorId?: number; idleMs?: number } = {},
) {
  const device = new FakeHidDevice();
  const opened: Array<{ path: string; nonExclusive: boolean }> = [];
  const r = new HidKeyboardReader({
    path: '/dev/hidraw3',
    label: 'Sycreader SYC ID&IC USB Reader (08ff:0009, /dev/hidraw3)',
    vendorId: options.vendorId ?? 0x08ff,
    productId: 0x0009,
    platform: options.platform ?? 'linux',
    idleMs: options.idleMs ?? 500,
    open:
      options.open ??
      (async (path, opts) => {
        opened.push({ path, nonExclusive: opts.nonExclusive });
        return device;
      }),
  });
  const seen = { cards: [] as CardEvent[], errors: [] as ReaderError[], gone: [] as ReaderError[] };
  r.on('card', (e) => seen.cards.push(e));
  r.on('error', (e) => seen.errors.push(e));
  r.on('gone', (e) => seen.gone.push(e));
  return { r, device, seen, opened };
}

test('a wedge reader typing hex and one typing keypad decimal both give the card bytes, with how they were typed', async () => {
  const { r, device, seen, opened } = reader();
  await r.open();
  assert.deepEqual(opened, [{ path: '/dev/hidraw3', nonExclusive: true }]);
  device.send(upperHex);
  device.send(keypadDecimal);
  assert.deepEqual(
    seen.cards.map((c) => [uidHex(c.uid), c.readAs, c.reader]),
    [
      ['04A1B2C3', 'hex', 'hid:/dev/hidraw3'],
      ['04A1B2C3', 'decimal', 'hid:/dev/hidraw3'],
    ],
  );
  assert.deepEqual(seen.errors, []);
  await r.close();
  assert.equal(device.closed, 1);
  device.send(upperHex);
  assert.equal(seen.cards.length, 2, 'no card after close');
});

test('a line that is no UID and a reading that stops half way are reported as faults, not cards', async () => {
  const { r, device, seen } = reader({ idleMs: 30 });
  await r.open();
  // "zz" + Enter, then "04" and nothing more.
  device.send(
    capture(`
    00 00 1d 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 1d 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 28 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 27 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 21 00 00 00 00 00
    00 00 00 00 00 00 00 00
  `),
  );
  await until(() => seen.errors.length === 2);
  assert.deepEqual(
    seen.errors.map((e) => [e.code, e.params.line ?? e.params.partial]),
    [
      ['READER_NOT_A_UID', 'zz'],
      ['READER_PARTIAL_DROPPED', '04'],
    ],
  );
  assert.deepEqual(seen.cards, []);
  await r.close();
});

test('an unplugged reader (node-hid reports a failed read) is gone, released, and sends nothing more', async () => {
  const { r, device, seen } = reader();
  await r.open();
  device.emit('error', new Error('could not read from HID device: No such device'));
  assert.equal(seen.gone.length, 1);
  assert.equal(seen.gone[0]?.code, 'READER_UNPLUGGED');
  assert.equal(r.isOpen, false);
  await until(() => device.closed === 1);
  device.send(upperHex);
  assert.deepEqual(seen.cards, []);
  await r.close(); // idempotent after the device went away
});

test('permission denied on Linux names the exact udev command: the shipped rules, or a rule for an unknown device', async () => {
  const denied: HidOpener = async (path) => {
    throw new Error(
      `cannot open device with path ${path}: Failed to open a device with path '${path}': Permission denied`,
    );
  };
  const known = reader({ open: denied });
  const failure = await known.r.open().catch((e: unknown) => e);
  assert.ok(isReaderFailure(failure));
  assert.equal(failure.fault.code, 'READER_HID_ACCESS_DENIED');
  assert.equal(
    failure.fault.params.command,
    `sudo cp '${udevRulesPath()}' /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger`,
  );
  assert.deepEqual(known.seen.errors, [failure.fault]);
  assert.equal(known.r.isOpen, false);

  const unknown = reader({ open: denied, vendorId: 0x1234 });
  const other = await unknown.r.open().catch((e: unknown) => e);
  assert.ok(isReaderFailure(other));
  assert.match(
    String(other.fault.params.command),
    /^echo 'KERNEL=="hidraw\*", ATTRS\{idVendor\}=="1234", ATTRS\{idProduct\}=="0009", GROUP="plugdev", MODE="0660"' \| sudo tee \/etc\/udev\/rules.d\/99-wbc-reader-1234-0009.rules/,
  );
});

test('macOS without Input Monitoring and Windows keyboards get their own faults; Windows is not even tried', async () => {
  const mac = reader({
    platform: 'darwin',
    open: async () => {
      throw new Error(
        'cannot open device with path DevSrvsID:4294969127: hid_open_path: failed to open IOHIDDevice from mach entry: (0xE00002E2) (iokit/common) not permitted',
      );
    },
  });
  const macFailure = await mac.r.open().catch((e: unknown) => e);
  assert.ok(isReaderFailure(macFailure));
  assert.equal(macFailure.fault.code, 'READER_INPUT_MONITORING');

  const windows = reader({ platform: 'win32' });
  const winFailure = await windows.r.open().catch((e: unknown) => e);
  assert.ok(isReaderFailure(winFailure));
  assert.equal(winFailure.fault.code, 'READER_KEYBOARD_WINDOWS');
  assert.deepEqual(windows.opened, []);
});

const laptopKeyboard: HidDeviceInfo = {
  vendorId: 0x046d,
  productId: 0xc31c,
  path: '/dev/hidraw0',
  product: 'USB Keyboard',
  interface: 0,
  usagePage: 1,
  usage: 6,
};
const devices: HidDeviceInfo[] = [
  laptopKeyboard,
  { vendorId: 0x08ff, productId: 0x0009, path: '/dev/hidraw3', interface: 0, usagePage: 1, usage: 6 },
  // A Megahunt reader: keyboard on interface 0, vendor protocol on interface 1, consumer keys on 0 too.
  { vendorId: 0xffff, productId: 0x0035, path: '/dev/hidraw4', interface: 0, usagePage: 1, usage: 6 },
  { vendorId: 0xffff, productId: 0x0035, path: '/dev/hidraw4', interface: 0, usagePage: 0x0c, usage: 1 },
  { vendorId: 0xffff, productId: 0x0035, path: '/dev/hidraw5', interface: 1, usagePage: 0xff00, usage: 1 },
  { vendorId: 0x16c0, productId: 0x27db, path: '/dev/hidraw6', interface: 0, usagePage: 1, usage: 6 },
  { vendorId: 0x0c27, productId: 0x3bfa, path: '/dev/hidraw7', interface: 0, usagePage: 0x0c, usage: 1 },
  {
    vendorId: 0x1234,
    productId: 0x5678,
    path: '/dev/hidraw8',
    product: 'Desk Reader',
    interface: 0,
    usagePage: 1,
    usage: 6,
  },
];

test('only known readers and named devices are listed; the laptop keyboard never is', () => {
  const found = classifyHidDevices(devices, { platform: 'linux' });
  assert.deepEqual(
    found.map((f) => [f.id, f.mode, f.fault?.code ?? null, f.unverified ?? false]),
    [
      ['hid:/dev/hidraw3', 'keyboard', null, false],
      ['hid:/dev/hidraw4', 'keyboard', null, false],
      ['hid:/dev/hidraw5', 'raw', 'READER_HID_NOT_SUPPORTED', false],
      ['hid:/dev/hidraw6', 'keyboard', null, true],
    ],
  );
  assert.equal(found[0]?.label, 'Sycreader SYC ID&IC USB Reader (08ff:0009, /dev/hidraw3)');

  const named = classifyHidDevices(devices, { platform: 'linux', named: ['0x1234:0x5678', '/dev/hidraw0'] });
  assert.deepEqual(
    named.map((f) => f.id).filter((id) => id === 'hid:/dev/hidraw8' || id === 'hid:/dev/hidraw0'),
    ['hid:/dev/hidraw0', 'hid:/dev/hidraw8'],
    'a device the user names is taken, even a keyboard',
  );
  assert.match(named.find((f) => f.id === 'hid:/dev/hidraw8')?.label ?? '', /^Desk Reader \(1234:5678/);

  const windows = classifyHidDevices(devices, { platform: 'win32' });
  assert.equal(windows.find((f) => f.id === 'hid:/dev/hidraw3')?.fault?.code, 'READER_KEYBOARD_WINDOWS');
});

test('every reader in resources/rfid/hid-readers.json is covered by the shipped udev rules', () => {
  const rules = readFileSync(udevRulesPath(), 'utf8');
  const uncovered = hidReaders.filter((r) => !rulesCover(rules, r.vendorId, r.productId));
  assert.deepEqual(uncovered, []);
  assert.equal(rulesCover(rules, '046d', 'c31c'), false, 'no rule opens ordinary keyboards');
});

test('a HID source whose module does not load, or cannot list, reports a problem instead of throwing', async () => {
  const missing = new HidSource({
    backend: async () => {
      throw new Error("Cannot find module 'node-hid'\nRequire stack: ...");
    },
  });
  const scan = await missing.scan();
  assert.deepEqual(scan, {
    readers: [],
    problem: {
      code: 'READER_HID_UNAVAILABLE',
      reader: '',
      params: { detail: "Cannot find module 'node-hid'" },
    },
  });
  const broken = new HidSource({
    backend: async () => ({
      devices: async () => {
        throw new Error('hid_enumerate failed');
      },
      open: async () => new FakeHidDevice(),
    }),
  });
  assert.equal((await broken.scan()).problem?.code, 'READER_SCAN_FAILED');
});

test('a HID source opens the readers it listed through its backend', async () => {
  const device = new FakeHidDevice();
  const source = new HidSource({
    platform: 'linux',
    backend: async () => ({ devices: async () => devices, open: async () => device }),
  });
  const scan = await source.scan();
  const info = scan.readers.find((r) => r.id === 'hid:/dev/hidraw3');
  assert.ok(info);
  const r = source.create(info);
  const cards: string[] = [];
  r.on('card', (c) => cards.push(uidHex(c.uid)));
  await r.open();
  device.send(upperHex);
  assert.deepEqual(cards, ['04A1B2C3']);
  await r.close();
  const raw = scan.readers.find((x) => x.id === 'hid:/dev/hidraw5');
  assert.ok(raw);
  const failure = await source
    .create(raw)
    .open()
    .catch((e: unknown) => e);
  assert.ok(isReaderFailure(failure));
  assert.equal(failure.fault.code, 'READER_HID_NOT_SUPPORTED');
});
