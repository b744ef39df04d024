// Modbus RTU through the real modbus-serial and serialport code, against simulated boxes on a socat pty
// pair (a USB-RS485 adapter and its bus): named settings through the Heidelberg map, the range refused
// before the wire, every fault a bus shows (exceptions, CRC, silence, a shared id, the cable pulled), the scan.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { scanBus } from '../../main/drivers/modbus/bus-scan.ts';
import { ModbusDriver } from '../../main/drivers/modbus/modbus-driver.ts';
import { type ModbusLink, openModbusLink } from '../../main/drivers/modbus/modbus-link.ts';
import { ModbusStationDriver } from '../../main/drivers/modbus/modbus-station.ts';
import { loadRegisterMap, type RegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { type RtuBus, startRtuBus } from '../../main/simulator/modbus-rtu.ts';
import { type PtyPair, ptyPair } from '../support/pty-pair.ts';
import { rejectsWith } from '../support/rejects-with.ts';

const heidelberg = loadRegisterMap('heidelberg-energy-control');

function box(values: Record<string, number> = {}): RegisterBank {
  return new RegisterBank(heidelberg, {
    layout_version: 0x108,
    charging_state: 7,
    current_l1: 9.8,
    current_l2: 10.1,
    current_l3: 0,
    energy_since_installation: 123456,
    software_revision: 0x104,
    max_current: 16,
    failsafe_current: 6,
    ...values,
  });
}

async function bus(
  t: TestContext,
  slaves: Array<[number, RegisterBank]>,
  timeoutMs = 400,
): Promise<{ pair: PtyPair; sim: RtuBus; link: ModbusLink }> {
  const pair = await ptyPair(t);
  const map = new Map<number, RegisterBank[]>();
  for (const [id, bank] of slaves) map.set(id, [...(map.get(id) ?? []), bank]);
  const sim = await startRtuBus(pair.b, map);
  t.after(() => sim.close());
  const rtu = heidelberg.bus.rtu;
  assert.ok(rtu);
  const link = await openModbusLink({ kind: 'rtu', path: pair.a, ...rtu }, { timeoutMs });
  t.after(() => link.close());
  return { pair, sim, link };
}

test('Heidelberg over RTU: identify, currents in 0.1 A, max and failsafe current written and read back', async (t) => {
  const bank = box();
  const { link } = await bus(t, [[1, bank]]);
  const driver = new ModbusDriver(link, heidelberg);
  const who = await driver.identify();
  assert.equal(who.firmware, '260');
  assert.equal(who.state, '7 (C2 charging)');
  assert.deepEqual(who.currentsA, [9.8, 10.1, 0]);
  assert.equal(who.energy, '123456 VAh');

  const written = await driver.write('max_current', 10.5);
  assert.deepEqual(written, { name: 'max_current', before: 16, after: 10.5, confirmed: true });
  assert.equal(bank.spaces.holding.get(261), 105, 'the box holds 105 (0.1 A)');
  // 0 A (no charging) is allowed beside 6..16 A.
  await driver.write('failsafe_current', 0);
  assert.equal(bank.spaces.holding.get(262), 0);
});

test('the StationDriver port: current.installation and current.failsafe, live status, identify', async (t) => {
  const bank = box();
  const { link } = await bus(t, [[1, bank]]);
  const station = new ModbusStationDriver(new ModbusDriver(link, heidelberg));
  assert.equal(station.name, 'modbus:heidelberg-energy-control');
  assert.ok(station.capabilities.has('set-current-limits'));
  const spec = station.describeSettings().find((s) => s.name === 'current.installation');
  assert.deepEqual(spec?.range, { min: 0, max: 16, step: 0.1 });
  await station.writeSetting('current.installation', 12);
  assert.equal(bank.spaces.holding.get(261), 120);
  assert.deepEqual(await station.readSettings(['current.installation', 'current.failsafe']), [
    { name: 'current.installation', value: 12 },
    { name: 'current.failsafe', value: 6 },
  ]);
  const status = await station.readStatus();
  assert.equal(status.state, 'charging');
  assert.equal(status.currentA, 10.1);
  const identity = await station.identify();
  assert.equal(identity.protocol, 'Modbus RTU');
  assert.equal(identity.firmware, '260');
});

test('a value outside the map range is refused before anything goes on the wire', async (t) => {
  const bank = box();
  const { link, sim } = await bus(t, [[1, bank]]);
  const driver = new ModbusDriver(link, heidelberg);
  const station = new ModbusStationDriver(driver);
  const before = sim.requests.length;
  const error = await rejectsWith(driver.write('max_current', 20), 'MODBUS_VALUE_OUT_OF_RANGE');
  assert.equal(error.params.max, 16);
  // 3 A lies inside the port's hull 0..16 but not in "0 or 6..16": the map's own check refuses it.
  await rejectsWith(station.writeSetting('current.installation', 3), 'MODBUS_VALUE_OUT_OF_RANGE');
  await rejectsWith(station.writeSetting('current.installation', 17), 'DRIVER_VALUE_OUT_OF_RANGE');
  await rejectsWith(driver.write('layout_version', 1), 'MODBUS_SETTING_READ_ONLY');
  assert.equal(sim.requests.length, before, 'no request was sent');
  assert.equal(bank.writes.length, 0);
  assert.equal(bank.spaces.holding.get(261), 160);
});

test('exception codes: illegal function, illegal address, illegal value, device busy', async (t) => {
  const bank = box();
  const { link } = await bus(t, [[1, bank]]);
  await rejectsWith(link.read('coil', 1, 0, 1), 'MODBUS_ILLEGAL_FUNCTION');
  const address = await rejectsWith(link.read('holding', 1, 9000, 1), 'MODBUS_ILLEGAL_ADDRESS');
  assert.equal(address.params.what, 'holding 9000');
  // A map that allows more than this firmware does: the box itself answers 03.
  const wide: RegisterMap = structuredClone(heidelberg);
  const entry = wide.settings.find((s) => s.name === 'max_current');
  assert.ok(entry?.range);
  entry.range.max = 32;
  await rejectsWith(new ModbusDriver(link, wide).write('max_current', 20), 'MODBUS_ILLEGAL_VALUE');
  assert.equal(bank.spaces.holding.get(261), 160, 'the box kept its value');
  bank.faults.busy = true;
  await rejectsWith(new ModbusDriver(link, heidelberg).read('charging_state'), 'MODBUS_DEVICE_BUSY');
});

test('damaged answers: a CRC error every time is MODBUS_CRC_ERROR after one retry', async (t) => {
  const bank = box();
  const { link, sim } = await bus(t, [[1, bank]]);
  bank.faults.badCrc = true;
  const before = sim.requests.length;
  await rejectsWith(new ModbusDriver(link, heidelberg).read('charging_state'), 'MODBUS_CRC_ERROR');
  assert.equal(sim.requests.length - before, 2, 'asked twice');
  bank.faults.badCrc = false;
  assert.equal((await new ModbusDriver(link, heidelberg).read('charging_state')).value, 7);
});

test('silence (wrong baud rate, parity or id) is MODBUS_NO_ANSWER naming the bus settings', async (t) => {
  const bank = box();
  bank.faults.silent = true;
  const { link } = await bus(t, [[1, bank]], 250);
  const error = await rejectsWith(link.read('input', 1, 5, 1), 'MODBUS_NO_ANSWER');
  assert.equal(error.params.bus, '19200 8E1');
  assert.equal(error.params.timeoutMs, 250);
});

test('two boxes with the same id answer over each other: a damaged answer, and the scan marks the id', async (t) => {
  const { link } = await bus(
    t,
    [
      [1, box()],
      [1, box()],
      [3, box()],
      [5, box()],
    ],
    300,
  );
  const error = await link.read('input', 1, 5, 1).catch((e: unknown) => e);
  assert.ok(error instanceof AppError);
  assert.ok(['MODBUS_CRC_ERROR', 'MODBUS_GARBLED'].includes(error.code), error.code);
  const hits = await scanBus(link, {
    ids: [1, 2, 3, 4, 5],
    probe: { fn: 'input', register: 4 },
    timeoutMs: 150,
  });
  assert.deepEqual(
    hits.map((h) => [h.slaveId, h.outcome]),
    [
      [1, 'garbled'],
      [3, 'answered'],
      [5, 'answered'],
    ],
  );
  // The default probe (holding 0) is not a Heidelberg register: the box still shows up, by its exception.
  const byException = await scanBus(link, { ids: [3], timeoutMs: 150 });
  assert.deepEqual(byException, [{ slaveId: 3, outcome: 'exception', detail: 'MODBUS_ILLEGAL_ADDRESS' }]);
});

test('the adapter pulled: the next request is MODBUS_PORT_GONE, not a hang or a crash', async (t) => {
  const { link, pair } = await bus(t, [[1, box()]], 300);
  assert.equal((await link.read('input', 1, 5, 1))[0], 7);
  await pair.unplug();
  const error = await link.read('input', 1, 5, 1).catch((e: unknown) => e);
  assert.ok(error instanceof AppError, String(error));
  assert.ok(['MODBUS_PORT_GONE', 'MODBUS_NO_ANSWER'].includes(error.code), error.code);
});

test("an adapter that is not there is the serial transport's typed error, before any request", async () => {
  const rtu = heidelberg.bus.rtu;
  assert.ok(rtu);
  await rejectsWith(
    openModbusLink({ kind: 'rtu', path: '/dev/ttyWBC-none', ...rtu }),
    'SERIAL_PORT_NOT_FOUND',
  );
});
