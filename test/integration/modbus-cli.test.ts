// The real `wbc modbus` commands against simulated boxes: a Heidelberg on Modbus TCP (127.0.0.1) and an
// RTU bus on a socat pty pair; a value out of range refused with nothing written; a broken map refused
// with the entry named; no data folder is needed or made.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { loadRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { startRtuBus } from '../../main/simulator/modbus-rtu.ts';
import { startTcpModbusServer } from '../../main/simulator/modbus-tcp.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const heidelberg = loadRegisterMap('heidelberg-energy-control');
const box = () =>
  new RegisterBank(heidelberg, {
    charging_state: 3,
    software_revision: 0x104,
    max_current: 16,
    failsafe_current: 6,
  });

async function tcpBox(t: TestContext) {
  const bank = box();
  const server = await startTcpModbusServer(new Map([[1, bank]]));
  t.after(() => server.close());
  return { bank, address: `127.0.0.1:${server.port}` };
}

test('wbc modbus identify, read (decoded by the map) and write over TCP', async (t) => {
  const { bank, address } = await tcpBox(t);
  const dataDir = join(tempDir(t), 'data');
  const map = ['--map', 'heidelberg-energy-control', '--data-dir', dataDir];
  const who = await wbc(['modbus', 'identify', '--tcp', address, ...map, '--json']);
  assert.equal(who.code, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).state, '3 (A2 no vehicle, charging allowed)');

  const read = await wbc(['modbus', 'read', '--tcp', address, '--register', '261', '--count', '2', ...map]);
  assert.equal(read.code, 0, read.stderr);
  assert.match(read.stdout, /261\s+160\s+0x00a0\s+max_current\s+16 A/);
  assert.match(read.stdout, /262\s+60\s+0x003c\s+failsafe_current\s+6 A/);

  const written = await wbc([
    'modbus',
    'write',
    '--tcp',
    address,
    '--setting',
    'failsafe_current',
    '--value',
    '8',
    ...map,
  ]);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /failsafe_current: 6 -> 8 A \(read back\)/);
  assert.equal(bank.spaces.holding.get(262), 80);
  assert.equal(existsSync(dataDir), false, 'no data folder was made');
});

test('wbc modbus write refuses a value outside the map range and sends nothing', async (t) => {
  const { bank, address } = await tcpBox(t);
  const run = await wbc([
    'modbus',
    'write',
    '--tcp',
    address,
    '--map',
    'heidelberg-energy-control',
    '--setting',
    'max_current',
    '--value',
    '32',
  ]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /error MODBUS_VALUE_OUT_OF_RANGE: 32 is outside what the box allows for max_current: 6 to 16 A/,
  );
  assert.equal(bank.writes.length, 0);
});

test('a map with an error is refused, the entry named, before any connection', async (t) => {
  const file = join(tempDir(t), 'mine.json');
  const broken = structuredClone(heidelberg) as unknown as { settings: Array<Record<string, unknown>> };
  broken.settings[2] = { ...broken.settings[2], type: 'u128' };
  writeFileSync(file, JSON.stringify(broken));
  const run = await wbc(['modbus', 'identify', '--tcp', '127.0.0.1:1', '--map', file]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /MODBUS_MAP_INVALID/);
  assert.match(run.stderr, /settings\[2\] \(current_l1\)\.type/);
});

test('wbc modbus scan on an RTU bus lists the ids that answer, in bounded time', async (t) => {
  const pair = await ptyPair(t);
  const sim = await startRtuBus(
    pair.b,
    new Map([
      [2, [box()]],
      [4, [box()]],
    ]),
  );
  t.after(() => sim.close());
  const run = await wbc([
    'modbus',
    'scan',
    '--serial',
    pair.a,
    '--map',
    'heidelberg-energy-control',
    '--ids',
    '1-5',
    // Generous per id: a loaded machine (CI) must not turn a slow answer into a missing box.
    '--timeout',
    '1',
    '--json',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { hits: Array<{ slaveId: number; outcome: string }> };
  assert.deepEqual(
    result.hits.map((h) => [h.slaveId, h.outcome]),
    [
      [2, 'answered'],
      [4, 'answered'],
    ],
  );
});

test('no answer over TCP (wrong unit id) is a typed error with its remedy, exit 1', async (t) => {
  const { address } = await tcpBox(t);
  const run = await wbc([
    'modbus',
    'read',
    '--tcp',
    address,
    '--id',
    '9',
    '--register',
    '5',
    '--timeout',
    '0.3',
  ]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /error MODBUS_NO_ANSWER: 127\.0\.0\.1:\d+ \(slave 9\) did not answer holding 5 within 300 ms/,
  );
  assert.match(run.stderr, /wbc modbus scan finds the ids/);
});

test('wbc simulate modbus: a trainee box on 127.0.0.1 that wbc modbus reads and writes; stdin changes it', async (t) => {
  const sim = wbcRunning(t, ['simulate', 'modbus', '--map', 'heidelberg-energy-control']);
  await until(() => /Modbus TCP on 127\.0\.0\.1:\d+/.test(sim.stderr()));
  const address = /Modbus TCP on (127\.0\.0\.1:\d+)/.exec(sim.stderr())?.[1] ?? '';
  const map = ['--tcp', address, '--map', 'heidelberg-energy-control'];
  const read = await wbc(['modbus', 'read', ...map, '--setting', 'max_current']);
  assert.equal(read.code, 0, read.stderr);
  assert.match(read.stdout, /max_current = 16 A/);
  sim.child.stdin.write('set charging_state 7\n');
  await until(() => sim.stdout().includes('charging_state = 7'));
  const state = await wbc(['modbus', 'read', ...map, '--setting', 'charging_state']);
  assert.match(state.stdout, /charging_state = 7 \(C2 charging\)/);
  const written = await wbc(['modbus', 'write', ...map, '--setting', 'max_current', '--value', '6']);
  assert.match(written.stdout, /max_current: 16 -> 6 A/);
  sim.child.kill('SIGINT');
  assert.equal(await sim.exited, 0, sim.stderr());
});
