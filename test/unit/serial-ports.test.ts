// Naming adapters from the data table, the hot-plug poll, the open errors a technician can act on and the
// RAPI frame text. In-process: the OS list is passed in (ptys are never listed), the rest is pure text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeRapi,
  parseRapiLine,
  rapiChecksum,
  withChecksum,
} from '../../main/drivers/openevse/rapi-frame.ts';
import { nameAdapter } from '../../main/drivers/serial/adapters.ts';
import { serialOpenError } from '../../main/drivers/serial/open-errors.ts';
import { listSerialPorts, type RawPortInfo, watchSerialPorts } from '../../main/drivers/serial/port-list.ts';
import { TerminalMask, terminalLine } from '../../main/drivers/serial/terminal-trace.ts';

test('known adapters are named, RS485 sticks told apart from plain adapters on the same chip', () => {
  assert.equal(nameAdapter({ path: '/dev/ttyUSB0', vendorId: '1A86', productId: '7523' })?.name, 'CH340');
  assert.deepEqual(
    nameAdapter({
      path: '/dev/ttyUSB1',
      vendorId: '0403',
      productId: '6001',
      pnpId: 'usb-FTDI_USB-RS485_Cable_FT1234-if00-port0',
    }),
    { name: 'FTDI USB-RS485', kind: 'rs485' },
  );
  assert.equal(nameAdapter({ path: '/dev/ttyUSB2', vendorId: '10c4', productId: 'ea60' })?.name, 'CP210x');
  assert.equal(nameAdapter({ path: '/dev/ttyUSB3', vendorId: '067b', productId: '2303' })?.name, 'PL2303');
  assert.equal(nameAdapter({ path: '/dev/ttyACM0', vendorId: 'abcd', productId: '0001' })?.name, 'CDC-ACM');
  assert.equal(nameAdapter({ path: '/dev/ttyS0' }), null);
});

test('the list carries USB ids, serial number and maker; the poll reports plug and unplug', async () => {
  let ports: RawPortInfo[] = [
    {
      path: '/dev/ttyUSB0',
      vendorId: '0403',
      productId: '6015',
      serialNumber: 'D30A1B2C',
      manufacturer: 'FTDI',
    },
  ];
  const lister = async () => ports;
  assert.deepEqual(await listSerialPorts(lister), [
    {
      path: '/dev/ttyUSB0',
      vendorId: '0403',
      productId: '6015',
      serialNumber: 'D30A1B2C',
      manufacturer: 'FTDI',
      adapter: 'FTDI FT-X',
      kind: 'serial',
    },
  ]);
  const changes: string[] = [];
  const stop = watchSerialPorts(
    (c) =>
      changes.push(`+${c.added.map((p) => p.path).join(',')} -${c.removed.map((p) => p.path).join(',')}`),
    { intervalMs: 10, lister },
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  ports = [{ path: '/dev/ttyACM0', vendorId: '2341', productId: '0043' }];
  await new Promise((resolve) => setTimeout(resolve, 40));
  stop();
  assert.deepEqual(changes, ['+/dev/ttyUSB0 -', '+/dev/ttyACM0 -/dev/ttyUSB0']);
});

test('permission denied names the dialout group and the udev rule; unknown faults keep the detail', () => {
  const denied = serialOpenError(
    '/dev/null',
    new Error('Error: Permission denied, cannot open /dev/null'),
    'linux',
  );
  assert.equal(denied.code, 'SERIAL_PERMISSION_DENIED');
  assert.match(String(denied.params.rules), /99-wallbox-commissioner\.rules$/);
  assert.equal(
    serialOpenError('/dev/null', new Error('Error: Resource busy, cannot open'), 'darwin').code,
    'SERIAL_PORT_BUSY',
  );
  assert.equal(
    serialOpenError('/dev/nope-ttyUSB9', new Error('Error: No such file'), 'linux').code,
    'SERIAL_PORT_NOT_FOUND',
  );
  const other = serialOpenError('/dev/null', new Error('Inappropriate ioctl'), 'linux');
  assert.deepEqual([other.code, other.params.detail], ['SERIAL_OPEN_FAILED', 'Inappropriate ioctl']);
});

test('RAPI frames: XOR checksum, sequence id, and parsing what a box sends', () => {
  assert.equal(rapiChecksum('$GV'), '35');
  assert.equal(rapiChecksum('$GS'), '30');
  assert.equal(encodeRapi('GC', []), '$GC^20\r');
  assert.equal(encodeRapi('SC', ['16', 'V'], 0x2a), `$SC 16 V :2A^${rapiChecksum('$SC 16 V :2A')}\r`);
  assert.equal(withChecksum('$FR'), '$FR^BC'.replace('BC', rapiChecksum('$FR')));
  assert.deepEqual(parseRapiLine(`xx\x00$OK 7.1.3 5.0.1 :05^${rapiChecksum('$OK 7.1.3 5.0.1 :05')}`), {
    kind: 'OK',
    args: ['7.1.3', '5.0.1'],
    sequence: 5,
    checksumOk: true,
    raw: `$OK 7.1.3 5.0.1 :05^${rapiChecksum('$OK 7.1.3 5.0.1 :05')}`,
  });
  assert.equal(parseRapiLine('$AT 03 03 16 0000^00')?.checksumOk, false);
  assert.equal(parseRapiLine('no frame here'), null);
});

test('the terminal trace shows hex, and masks what is typed after a password prompt and key=value secrets', () => {
  const mask = new TerminalMask();
  const trace = { line: (d: 'in' | 'out', bytes: Buffer) => terminalLine(d, mask.text(d, bytes)) };
  assert.equal(trace.line('in', Buffer.from('login: ')), '<- login:  | 6C 6F 67 69 6E 3A 20');
  assert.equal(trace.line('out', Buffer.from('admin\r')), '-> admin\\r | 61 64 6D 69 6E 0D');
  trace.line('in', Buffer.from('Password: '));
  assert.equal(trace.line('out', Buffer.from('s3cret\r')), '-> *** | ***');
  assert.equal(trace.line('out', Buffer.from('set authkey=abc123\r')), '-> set authkey=***\\r | ***');
  assert.equal(trace.line('out', Buffer.from('$GS^30\r')), '-> $GS^30\\r | 24 47 53 5E 33 30 0D');
});
