// The drivers api through the real router of a real core: identify a simulated OpenEVSE (RAPI on a socat
// pty pair, WiFi API on loopback) without writing, run its commissioning, and refuse a target-less call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenEvseHttpSimulator } from '../../main/simulator/openevse-http.ts';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { ptyPair } from '../support/pty-pair.ts';

test('drivers.identify reads the whole box; drivers.commission runs it and the run is in commissioning.get', async (t) => {
  const core = testCore(t);
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  const http = new OpenEvseHttpSimulator({ password: 'web-pass-1' });
  const url = await http.listen();
  t.after(() => http.close());
  const target = { serial: pair.a, http: url, password: 'web-pass-1' };

  const seen = await callOk(core, 'drivers.identify', target);
  assert.equal(seen.station.vendor, 'OpenEVSE');
  assert.ok(
    seen.capabilities.includes('set-ocpp-endpoint') && seen.capabilities.includes('set-current-limits'),
  );
  assert.deepEqual(
    seen.values.find((v) => v.name === 'current.installation'),
    { name: 'current.installation', value: 16 },
  );
  assert.equal(http.posts.length, 0);
  assert.equal(rapi.received.filter((c) => c.startsWith('$S')).length, 0);

  const run = await callOk(core, 'drivers.commission', {
    ...target,
    identity: 'WB-0042',
    template: {
      name: 'Garage',
      csms: { url: 'ws://csms.example.com/ocpp', securityProfile: 0 },
      maxCurrentA: 24,
      groups: [],
      settings: {},
    },
  });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(rapi.state.savedAmps, 24);
  assert.equal(http.config.ocpp_chargeBoxId, 'WB-0042');
  assert.equal(
    (await callOk(core, 'commissioning.get', { id: run.id })).state.driver?.readBack['ocpp.identity'],
    'WB-0042',
  );
});

test('drivers.identify without a port or an address is refused before anything is opened', async (t) => {
  const core = testCore(t);
  const reply = await callRaw(core, 'drivers.identify', { driver: 'openevse' });
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'VALIDATION_FAILED');
  const unknown = await callRaw(core, 'drivers.identify', { driver: 'keba', serial: '/dev/ttyUSB0' });
  assert.equal(!unknown.ok && unknown.error.code, 'VALIDATION_FAILED');
});
