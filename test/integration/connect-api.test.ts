// The api targets the Connect page uses, through the real router of a real core: a Heidelberg on Modbus
// TCP (127.0.0.1) by its register map and a service console on a socat pty by its profile are identified
// without a write and commissioned by drivers.commission; the catalog lists the shipped maps and profiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConsoleProfile } from '../../main/drivers/console/console-profile.ts';
import { startConsoleBox } from '../../main/simulator/console-box.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';

const template = (maxCurrentA: number) => ({
  name: 'Garage',
  csms: { url: 'wss://csms.example.com/ocpp', securityProfile: 0 as const },
  maxCurrentA,
  groups: [],
  settings: {},
});

test('drivers.catalog lists the shipped register maps and console profiles', async (t) => {
  const core = testCore(t);
  const catalog = await callOk(core, 'drivers.catalog', {});
  const heidelberg = catalog.maps.find((m) => m.name === 'heidelberg-energy-control');
  assert.ok(heidelberg, JSON.stringify(catalog.maps));
  assert.match(heidelberg.vendor, /Heidelberg/);
  assert.ok(catalog.maps.some((m) => m.name === 'alfen-ng9xx' && m.tcpPort === 502));
  assert.deepEqual(
    catalog.profiles.map((p) => p.name),
    ['example-service-console'],
  );
});

test('drivers.identify and drivers.commission on Modbus TCP with a register map', async (t) => {
  const core = testCore(t);
  const { bank, server } = await heidelbergOnTcp(t);
  const target = { modbusTcp: `127.0.0.1:${server.port}`, map: 'heidelberg-energy-control' };

  const seen = await callOk(core, 'drivers.identify', target);
  assert.match(seen.station.vendor ?? '', /Heidelberg/);
  assert.deepEqual(
    seen.values.find((v) => v.name === 'current.installation'),
    { name: 'current.installation', value: 16 },
  );
  assert.equal(bank.writes.length, 0, 'identify reads only');

  const refused = await callOk(core, 'drivers.commission', {
    ...target,
    identity: 'WB-M1',
    template: template(20),
  });
  assert.equal(refused.status, 'failed');
  assert.equal(refused.error?.code, 'DRIVER_VALUE_OUT_OF_RANGE', JSON.stringify(refused.error));
  assert.equal(bank.writes.length, 0, 'a current outside the map range is refused before any write');

  const run = await callOk(core, 'drivers.commission', {
    ...target,
    identity: 'WB-M1',
    template: template(10),
  });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(bank.spaces.holding.get(261), 100);
});

test('drivers.identify and drivers.commission on a service console by its profile, with login', async (t) => {
  const core = testCore(t);
  const pair = await ptyPair(t);
  const box = await startConsoleBox(pair.b, loadConsoleProfile('example-service-console'), {
    user: 'service',
    password: 'wallbox-42',
  });
  t.after(() => box.close());
  const target = {
    serial: pair.a,
    profile: 'example-service-console',
    user: 'service',
    password: 'wallbox-42',
  };

  const seen = await callOk(core, 'drivers.identify', target);
  assert.equal(seen.station.firmware, '2.4.1');
  assert.deepEqual(
    seen.values.find((v) => v.name === 'ocpp.server'),
    { name: 'ocpp.server', value: 'ws://old.example/ocpp' },
  );

  const run = await callOk(core, 'drivers.commission', {
    ...target,
    identity: 'WB-7',
    template: template(20),
  });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.deepEqual(
    [box.values.maxcurrent, box.values['ocpp.url'], box.values['ocpp.id']],
    ['20', 'wss://csms.example.com/ocpp', 'WB-7'],
  );
});

test('a Modbus TCP target is checked before anything is opened', async (t) => {
  const core = testCore(t);
  const bad = await callRaw(core, 'drivers.identify', { modbusTcp: 'host name; rm', map: 'x' });
  assert.equal(!bad.ok && bad.error.code, 'VALIDATION_FAILED');
  const noMap = await callRaw(core, 'drivers.identify', { modbusTcp: '127.0.0.1:1' });
  assert.equal(!noMap.ok && noMap.error.code, 'MODBUS_TARGET_INVALID');
});
