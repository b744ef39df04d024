// Interop with a Modbus implementation the project has never seen: pymodbus 3.0 from Debian, as the slave
// on Modbus TCP (127.0.0.1) and on Modbus RTU over a socat pty pair, driven through the Heidelberg map.
// Needs /usr/bin/python3 with pymodbus: apt-get install python3-pymodbus python3-serial-asyncio
// (scripts/ensure-test-deps.sh installs them in CI). Without them this test fails and says so.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../main/api/errors.ts';
import { ModbusDriver } from '../../main/drivers/modbus/modbus-driver.ts';
import { type ModbusLink, type ModbusTarget, openModbusLink } from '../../main/drivers/modbus/modbus-link.ts';
import { loadRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { freePort } from '../support/free-port.ts';
import { ptyPair } from '../support/pty-pair.ts';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('../support/pymodbus-box.py', import.meta.url));
const heidelberg = loadRegisterMap('heidelberg-energy-control');

function requirePymodbus(): void {
  const probe = spawnSync(python, ['-c', 'import pymodbus.server'], { encoding: 'utf8' });
  assert.equal(
    probe.status,
    0,
    `This test needs pymodbus for ${python}: apt-get install python3-pymodbus python3-serial-asyncio\n${probe.stderr}`,
  );
}

function startPymodbus(t: TestContext, args: string[]): void {
  const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c) => {
    log += c;
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) t.diagnostic(`pymodbus exited ${code}: ${log}`);
  });
}

/** Connects (and asks) until pymodbus is up: it prints nothing once listening. */
async function linkTo(target: ModbusTarget): Promise<ModbusLink> {
  const started = Date.now();
  for (;;) {
    try {
      const link = await openModbusLink(target, { timeoutMs: 500 });
      try {
        await link.read('input', 1, 4, 1);
        return link;
      } catch (error) {
        await link.close();
        throw error;
      }
    } catch (error) {
      if (!(error instanceof AppError) || Date.now() - started > 15_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function exercise(link: ModbusLink): Promise<void> {
  const driver = new ModbusDriver(link, heidelberg);
  const who = await driver.identify();
  assert.equal(who.firmware, '260');
  assert.equal(who.state, '7 (C2 charging)');
  assert.deepEqual(who.currentsA, [9.8, 10.1, 0]);
  assert.equal(who.energy, '65538 VAh');
  const outcome = await driver.write('max_current', 11);
  assert.deepEqual(outcome, { name: 'max_current', before: 16, after: 11, confirmed: true });
  // pymodbus answers an address outside its blocks with exception 02, as the Heidelberg does.
  await assert.rejects(
    link.read('holding', 1, 5000, 1),
    (e: unknown) => e instanceof AppError && e.code === 'MODBUS_ILLEGAL_ADDRESS',
  );
}

test('pymodbus over Modbus TCP: identify, write max current, exception 02', async (t) => {
  requirePymodbus();
  const port = await freePort();
  startPymodbus(t, ['tcp', String(port)]);
  const link = await linkTo({ kind: 'tcp', host: '127.0.0.1', port });
  t.after(() => link.close());
  await exercise(link);
});

test('pymodbus over Modbus RTU on a pty pair: the same, with CRCs computed by someone else', async (t) => {
  requirePymodbus();
  const pair = await ptyPair(t);
  startPymodbus(t, ['rtu', pair.b]);
  const rtu = heidelberg.bus.rtu;
  assert.ok(rtu);
  const link = await linkTo({ kind: 'rtu', path: pair.a, ...rtu });
  t.after(() => link.close());
  await exercise(link);
});
