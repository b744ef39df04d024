// The OpenEVSE RAPI driver on the real serialport code against a simulated controller on a socat pty pair:
// identify, current writes (saved and volatile) with read-back, and every line fault the issue names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppError } from '../../main/api/errors.ts';
import { OpenEvseRapiDriver } from '../../main/drivers/openevse/rapi-driver.ts';
import type { LiveStatus } from '../../main/drivers/station-driver.ts';
import { rapiOnPty } from '../support/openevse-rapi.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { rejectsWith } from '../support/rejects-with.ts';

test('identify reads firmware, RAPI version, serial number and the current range the box allows', async (t) => {
  const { driver } = await rapiOnPty(t, {
    firmware: '7.1.3',
    rapiVersion: '5.0.1',
    minAmps: 6,
    hardwareMaxAmps: 40,
    configuredMaxAmps: 32,
  });
  const identity = await driver.identify();
  assert.equal(identity.vendor, 'OpenEVSE');
  assert.equal(identity.firmware, '7.1.3');
  assert.equal(identity.protocol, 'RAPI 5.0.1');
  assert.equal(identity.serialNumber, 'OPNEVS0123');
  const current = driver.describeSettings().find((s) => s.name === 'current.installation');
  assert.deepEqual(current?.range, { min: 6, max: 32, step: 1 });
});

test('the saved current survives a restart, the volatile one does not; both read back', async (t) => {
  const { driver, sim } = await rapiOnPty(t);
  await driver.writeSetting('current.installation', 20);
  assert.deepEqual(await driver.readSettings(['current.installation']), [
    { name: 'current.installation', value: 20 },
  ]);
  assert.equal(sim.state.savedAmps, 20);
  await driver.writeSetting('current.charging', '10');
  assert.equal(sim.state.amps, 10);
  assert.equal(sim.state.savedAmps, 20);
  assert.ok(sim.received.includes('$SC 10 V'));
  await driver.reboot();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(await driver.readSettings(['current.charging']), [
    { name: 'current.charging', value: 20 },
  ]);
});

test('a current outside the box range is refused before anything is sent', async (t) => {
  const { driver, sim } = await rapiOnPty(t, { hardwareMaxAmps: 32 });
  await driver.identify();
  const error = await rejectsWith(
    driver.writeSetting('current.installation', 40),
    'DRIVER_VALUE_OUT_OF_RANGE',
  );
  assert.deepEqual(error.params, { name: 'current.installation', value: 40, min: 6, max: 32, unit: 'A' });
  await rejectsWith(driver.writeSetting('current.installation', 5), 'DRIVER_VALUE_OUT_OF_RANGE');
  assert.equal(sim.received.filter((c) => c.startsWith('$SC')).length, 0);
  assert.equal(sim.state.savedAmps, 16);
});

test('garbage bytes and answers cut into pieces are read through', async (t) => {
  const { driver, sim } = await rapiOnPty(t);
  sim.faults = { noiseBeforeAnswer: '\x00\xff#~garbage', splitAnswersEvery: 3 };
  await sim.sendRaw('\r\n\x07\x07 boot banner without a frame\r');
  const identity = await driver.identify();
  assert.equal(identity.firmware, '8.2.3');
  assert.ok(driver.client.stats.noise > 0);
});

test('an answer with a wrong checksum is not believed: the command is sent again', async (t) => {
  const { driver, sim } = await rapiOnPty(t);
  await driver.identify();
  sim.faults = { wrongChecksumAnswers: 1 };
  await driver.writeSetting('current.installation', 24);
  assert.equal(driver.client.stats.badChecksum, 1);
  assert.equal(sim.received.filter((c) => c === '$SC 24').length, 2);
  assert.equal(sim.state.savedAmps, 24);
});

test('a command the box could not read ($NK without our id) is sent again; old firmware without ids works', async (t) => {
  const { driver, sim } = await rapiOnPty(t);
  await driver.identify();
  sim.faults = { garbledCommands: 1 };
  await driver.writeSetting('current.installation', 18);
  assert.equal(sim.state.savedAmps, 18);
  assert.equal(driver.client.stats.retries, 1);
  sim.faults = { noSequenceIds: true };
  assert.deepEqual(await driver.readSettings(['current.installation']), [
    { name: 'current.installation', value: 18 },
  ]);
});

test('one lost answer is retried; a box that never answers gives DRIVER_NO_ANSWER', async (t) => {
  const { driver, sim } = await rapiOnPty(t, {}, { timeoutMs: 150, retries: 1 });
  sim.faults = { silentCommands: 1 };
  assert.equal((await driver.identify()).firmware, '8.2.3');
  sim.faults = { mute: true };
  const error = await rejectsWith(driver.readStatus(), 'DRIVER_NO_ANSWER');
  assert.equal(error.params.timeoutMs, 150);
});

test('$NK: a refused command and a refused current are errors, not successes', async (t) => {
  const { driver, sim } = await rapiOnPty(t);
  await driver.identify();
  sim.faults = { refuse: ['SC'] };
  await rejectsWith(driver.writeSetting('current.installation', 20), 'DRIVER_WRITE_REFUSED');
  sim.faults = { refuse: ['GV'] };
  const nk = await rejectsWith(driver.identify(), 'RAPI_NK');
  assert.equal(nk.params.command, '$GV');
});

test('unsolicited $AT state changes and the $AB boot message reach the listener between answers', async (t) => {
  const { driver, sim } = await rapiOnPty(t, { bootMessage: false });
  const seen: LiveStatus[] = [];
  driver.onStatus((s) => seen.push(s));
  await sim.setState(3);
  const status = await driver.readStatus();
  assert.equal(status.state, 'charging');
  assert.equal(status.totalEnergyWh, 12_345);
  await driver.reboot();
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.deepEqual(
    seen.map((s) => s.state),
    ['charging', 'booting'],
  );
});

test('the cable pulled during a write: the write is reported unconfirmed, never as done', async (t) => {
  const { driver, sim, pair } = await rapiOnPty(t, {}, { timeoutMs: 2000, retries: 0 });
  await driver.identify();
  sim.faults = { silentCommands: 1 };
  const write = driver.writeSetting('current.installation', 20);
  const settled = write.then(
    () => null,
    (error: unknown) => error,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pair.unplug();
  const error = await rejectsWith(
    settled.then((e) => Promise.reject(e)),
    'DRIVER_WRITE_UNCONFIRMED',
  );
  assert.equal((error.cause as AppError).code, 'SERIAL_PORT_GONE');
  await rejectsWith(driver.readSettings(), 'SERIAL_PORT_GONE');
});

test('a port that does not exist or is already open elsewhere says so, with who holds it', async (t) => {
  const pair = await ptyPair(t);
  await rejectsWith(OpenEvseRapiDriver.open(`${pair.a}-missing`), 'SERIAL_PORT_NOT_FOUND');
  const first = await OpenEvseRapiDriver.open(pair.a);
  t.after(() => first.close());
  const busy = await rejectsWith(OpenEvseRapiDriver.open(pair.a), 'SERIAL_PORT_BUSY');
  assert.match(String(busy.params.holder), new RegExp(`pid ${process.pid}`));
});
