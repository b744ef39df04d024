// Modbus TCP through the real modbus-serial client against a register-map-driven server on 127.0.0.1:
// the Alfen map (station on unit 200, socket on unit 1, float32 big-endian written in one request),
// a port nobody listens on, a unit nobody answers for, and a box that drops the connection.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { type TestContext, test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { ModbusDriver } from '../../main/drivers/modbus/modbus-driver.ts';
import { openModbusLink } from '../../main/drivers/modbus/modbus-link.ts';
import { modbusTcpFactory, parseTcpAddress } from '../../main/drivers/modbus/modbus-station.ts';
import { loadRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { startTcpModbusServer } from '../../main/simulator/modbus-tcp.ts';
import { freePort } from '../support/free-port.ts';
import { rejectsWith } from '../support/rejects-with.ts';

const alfen = loadRegisterMap('alfen-ng9xx');

async function alfenBox(t: TestContext) {
  const station = new RegisterBank(alfen, {
    manufacturer: 'Alfen NV',
    firmware_version: '4.10.0-3180',
    platform_type: 'NG910',
    socket_count: 1,
  });
  const socket = new RegisterBank(alfen, {
    mode3_state: 'C2',
    current_l1: 15.5,
    current_l2: 15.25,
    current_l3: 0,
    max_current: 16,
    safe_current: 6,
  });
  const server = await startTcpModbusServer(
    new Map([
      [200, station],
      [1, socket],
    ]),
  );
  t.after(() => server.close());
  return { server, station, socket };
}

test('Alfen over Modbus TCP: identify across units 200 and 1, float32 max current written in one request', async (t) => {
  const { server, socket } = await alfenBox(t);
  const station = await modbusTcpFactory.open(`127.0.0.1:${server.port}`, { map: 'alfen-ng9xx' });
  t.after(() => station.close());
  const identity = await station.identify();
  assert.equal(identity.firmware, '4.10.0-3180');
  assert.equal(identity.protocol, 'Modbus TCP');
  assert.equal(identity.details.state, 'C2');
  await station.writeSetting('current.installation', 13.5);
  assert.deepEqual(socket.writes, [{ fn: 16, address: 1210, words: [0x4158, 0x0000] }]);
  assert.deepEqual(await station.readSettings(['current.installation', 'modbus.safe_current']), [
    { name: 'current.installation', value: 13.5 },
    { name: 'modbus.safe_current', value: 6 },
  ]);
  const status = await station.readStatus?.();
  assert.equal(status?.currentA, 15.5);
  // The safe current is read-only over Modbus (set in the vendor's installer tool): refused, nothing sent.
  await rejectsWith(station.writeSetting('modbus.safe_current', 10), 'DRIVER_SETTING_READ_ONLY');
  assert.equal(socket.writes.length, 1);
});

test('nobody listening on the port is MODBUS_CONNECT_FAILED, not a hang', async () => {
  const port = await freePort();
  const error = await rejectsWith(
    openModbusLink({ kind: 'tcp', host: '127.0.0.1', port }, { connectTimeoutMs: 2000 }),
    'MODBUS_CONNECT_FAILED',
  );
  assert.equal(error.params.target, `127.0.0.1:${port}`);
});

test('a unit id nobody answers for is MODBUS_NO_ANSWER within the timeout', async (t) => {
  const { server } = await alfenBox(t);
  const link = await openModbusLink(
    { kind: 'tcp', host: '127.0.0.1', port: server.port },
    { timeoutMs: 250 },
  );
  t.after(() => link.close());
  const error = await rejectsWith(link.read('holding', 7, 100, 1), 'MODBUS_NO_ANSWER');
  assert.equal(error.params.bus, `TCP port ${server.port}`);
  // The connection still works for the units that exist.
  assert.equal(await new ModbusDriver(link, alfen, 1).read('mode3_state').then((r) => r.value), 'C2');
});

test('a box that closes the connection: the request fails typed (MODBUS_PORT_GONE or no answer)', async (t) => {
  const server = createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  assert.ok(address && typeof address !== 'string');
  const link = await openModbusLink(
    { kind: 'tcp', host: '127.0.0.1', port: address.port },
    { timeoutMs: 500 },
  );
  t.after(() => link.close());
  const error = await link.read('holding', 1, 0, 1).catch((e: unknown) => e);
  assert.ok(error instanceof AppError, String(error));
  assert.ok(['MODBUS_PORT_GONE', 'MODBUS_NO_ANSWER'].includes(error.code), error.code);
  await rejectsWith(link.read('holding', 1, 0, 1), 'MODBUS_PORT_GONE');
});

test('HOST[:PORT] addresses', () => {
  assert.deepEqual(parseTcpAddress('10.0.0.5'), { kind: 'tcp', host: '10.0.0.5', port: 502 });
  assert.deepEqual(parseTcpAddress('box.local:1502'), { kind: 'tcp', host: 'box.local', port: 1502 });
  assert.throws(
    () => parseTcpAddress('box:99999'),
    (e: unknown) => e instanceof AppError && e.code === 'MODBUS_TARGET_INVALID',
  );
});
