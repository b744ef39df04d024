// Boxes described by data through the same `wbc identify` and `wbc commission` as OpenEVSE: a Heidelberg
// on Modbus TCP (127.0.0.1) by its register map, and a service console on a socat pty by its profile;
// a current outside the map's range is refused by the run before anything is written.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConsoleProfile } from '../../main/drivers/console/console-profile.ts';
import { loadRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { startTcpModbusServer } from '../../main/simulator/modbus-tcp.ts';
import { wbc } from '../support/cli.ts';
import { startConsoleBox } from '../support/console-box.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';

function template(dir: string, maxCurrentA: number): string {
  const file = join(dir, `garage-${maxCurrentA}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: 'Garage',
      csms: { url: 'wss://csms.example.com/ocpp', securityProfile: 0 },
      maxCurrentA,
    }),
  );
  return file;
}

test('wbc identify and commission --modbus-tcp with a register map', async (t) => {
  const map = loadRegisterMap('heidelberg-energy-control');
  const bank = new RegisterBank(map, {
    charging_state: 3,
    software_revision: 0x104,
    max_current: 16,
    failsafe_current: 6,
  });
  const server = await startTcpModbusServer(new Map([[1, bank]]));
  t.after(() => server.close());
  const address = `127.0.0.1:${server.port}`;
  const dir = tempDir(t);
  const box = [
    '--modbus-tcp',
    address,
    '--map',
    'heidelberg-energy-control',
    '--data-dir',
    join(dir, 'data'),
  ];

  const who = await wbc(['identify', ...box]);
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.stdout, /Heidelberg \/ Amperfied, firmware 260, Modbus TCP at 127\.0\.0\.1:\d+/);
  assert.match(who.stdout, /current\.installation\s+16 A\s+read-write \[0\.\.16\]/);

  const refused = await wbc(['commission', ...box, '--template', template(dir, 20)]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stdout, /20 A is outside what the box allows for current\.installation \(0 to 16 A\)/);
  assert.equal(bank.writes.length, 0, 'nothing was written');

  const done = await wbc(['commission', ...box, '--template', template(dir, 10)]);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /current\.installation\s+16 -> 10/);
  assert.equal(bank.spaces.holding.get(261), 100);
});

test('wbc identify and commission --serial --profile: a service console by its profile, with login', async (t) => {
  const profile = loadConsoleProfile('example-service-console');
  const pair = await ptyPair(t);
  const console = await startConsoleBox(pair.b, profile, { user: 'service', password: 'wallbox-42' });
  t.after(() => console.close());
  const dir = tempDir(t);
  const args = [
    '--serial',
    pair.a,
    '--profile',
    'example-service-console',
    '--user',
    'service',
    '--data-dir',
    join(dir, 'data'),
  ];
  const env = { WBC_BOX_PASSWORD: 'wallbox-42' };

  const who = await wbc(['identify', ...args], env);
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.stdout, /Example, firmware 2\.4\.1, service console at /);
  assert.match(who.stdout, /ocpp\.server\s+ws:\/\/old\.example\/ocpp/);

  const done = await wbc(['commission', ...args, '--identity', 'WB-7', '--template', template(dir, 20)], env);
  assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
  assert.deepEqual(
    [
      console.values.maxcurrent,
      console.values['ocpp.url'],
      console.values['ocpp.id'],
      console.values['ocpp.enabled'],
    ],
    ['20', 'wss://csms.example.com/ocpp', 'WB-7', 'on'],
  );
  assert.doesNotMatch(done.stdout + done.stderr, /wallbox-42/);
});
