// The OpenEVSE WiFi HTTP driver against a simulated module on a real loopback HTTP server: the OCPP fields
// of /config read and written with basic auth, and 401, a hanging box and a bad value as clear errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenEvseHttpDriver } from '../../main/drivers/openevse/http-driver.ts';
import { OpenEvseHttpSimulator } from '../../main/simulator/openevse-http.ts';
import { rejectsWith } from '../support/rejects-with.ts';

async function box(t: import('node:test').TestContext, password?: string) {
  const sim = new OpenEvseHttpSimulator(password ? { password } : {});
  const url = await sim.listen();
  t.after(() => sim.close());
  return { sim, url };
}

test('the OCPP fields are written to /config with basic auth and read back; the auth key never is', async (t) => {
  const { sim, url } = await box(t, 'w1f1-secret');
  const driver = new OpenEvseHttpDriver(url, { password: 'w1f1-secret' });
  const identity = await driver.identify();
  assert.equal(identity.firmware, '8.2.3');
  assert.equal(identity.protocol, 'HTTP (WiFi 5.1.2)');
  await driver.writeSetting('ocpp.server', 'wss://csms.example.com/ocpp');
  await driver.writeSetting('ocpp.identity', 'WB-0001');
  await driver.writeSetting('ocpp.authKey', 'k3y-0f-the-b0x-123');
  await driver.writeSetting('ocpp.enabled', 'true');
  assert.equal(sim.config.ocpp_chargeBoxId, 'WB-0001');
  assert.equal(sim.config.ocpp_authkey, 'k3y-0f-the-b0x-123');
  assert.deepEqual(await driver.readSettings(), [
    { name: 'ocpp.server', value: 'wss://csms.example.com/ocpp' },
    { name: 'ocpp.identity', value: 'WB-0001' },
    { name: 'ocpp.authKey', value: null },
    { name: 'ocpp.idTag', value: 'DefaultIdTag' },
    { name: 'ocpp.enabled', value: true },
  ]);
});

test('a wrong or missing password is DRIVER_HTTP_AUTH, without the password in the error', async (t) => {
  const { url } = await box(t, 'right-one');
  const error = await rejectsWith(
    new OpenEvseHttpDriver(url, { password: 'wrong-one' }).identify(),
    'DRIVER_HTTP_AUTH',
  );
  assert.ok(!JSON.stringify(error.params).includes('wrong-one'));
  await rejectsWith(new OpenEvseHttpDriver(url).readSettings(), 'DRIVER_HTTP_AUTH');
});

test('a box that does not answer in time: DRIVER_NO_ANSWER on read, unconfirmed on write', async (t) => {
  const { sim, url } = await box(t);
  sim.delayMs = 1000;
  const driver = new OpenEvseHttpDriver(url, { timeoutMs: 150 });
  await rejectsWith(driver.identify(), 'DRIVER_NO_ANSWER');
  await rejectsWith(driver.writeSetting('ocpp.idTag', 'TAG1'), 'DRIVER_WRITE_UNCONFIRMED');
});

test('nothing listening: DRIVER_HTTP_UNREACHABLE; a value the box cannot take is refused before any POST', async (t) => {
  const { sim, url } = await box(t);
  const port = Number(new URL(url).port);
  await sim.close();
  await rejectsWith(
    new OpenEvseHttpDriver(`127.0.0.1:${port}`, { timeoutMs: 500 }).identify(),
    'DRIVER_HTTP_UNREACHABLE',
  );
  const { sim: other, url: otherUrl } = await box(t);
  const driver = new OpenEvseHttpDriver(otherUrl);
  await rejectsWith(driver.writeSetting('ocpp.idTag', 'x'.repeat(21)), 'DRIVER_VALUE_INVALID');
  await rejectsWith(driver.writeSetting('ocpp.enabled', 'perhaps'), 'DRIVER_VALUE_INVALID');
  assert.equal(other.posts.length, 0);
});
