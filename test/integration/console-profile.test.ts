// Console profiles run by the real serialport code against a console box on a socat pty pair: login,
// identify, read and write by the profile, values refused before they are sent, the box's own refusal,
// silence, noise and half lines, an answer nobody expects, a secret never shown, a profile with errors.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { ConsoleDriver } from '../../main/drivers/console/console-driver.ts';
import { loadConsoleProfile, parseConsoleProfile } from '../../main/drivers/console/console-profile.ts';
import { type ConsoleBox, startConsoleBox } from '../support/console-box.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { rejectsWith } from '../support/rejects-with.ts';

const profile = loadConsoleProfile('example-service-console');
const credentials = { user: 'service', password: 'wallbox-42' };

async function connected(t: TestContext): Promise<{ box: ConsoleBox; driver: ConsoleDriver }> {
  const pair = await ptyPair(t);
  const box = await startConsoleBox(pair.b, profile, credentials);
  t.after(() => box.close());
  const driver = await ConsoleDriver.open({ ...profile, timeoutMs: 600 }, pair.a, credentials);
  t.after(() => driver.close());
  return { box, driver };
}

test('log in, identify, read every readable setting, write current and OCPP endpoint, reboot', async (t) => {
  const { box, driver } = await connected(t);
  assert.equal(driver.name, 'console:example-service-console');
  for (const c of [
    'identify',
    'read-settings',
    'write-settings',
    'set-current-limits',
    'set-ocpp-endpoint',
    'reboot',
  ])
    assert.ok(driver.capabilities.has(c as never), c);
  const who = await driver.identify();
  assert.deepEqual([who.model, who.firmware, who.serialNumber], ['WB-11', '2.4.1', '00012345']);
  assert.deepEqual(await driver.readSettings(), [
    { name: 'current.installation', value: 16 },
    { name: 'current.failsafe', value: 6 },
    { name: 'ocpp.server', value: 'ws://old.example/ocpp' },
    { name: 'ocpp.identity', value: 'WB-0001' },
    { name: 'ocpp.enabled', value: false },
  ]);
  await driver.writeSetting('current.installation', 20);
  await driver.writeSetting('ocpp.server', 'wss://csms.example/ocpp');
  await driver.writeSetting('ocpp.enabled', true);
  await driver.writeSetting('ocpp.authKey', 'S3cret-S3cret-S3cret');
  assert.deepEqual(
    [box.values.maxcurrent, box.values['ocpp.url'], box.values['ocpp.enabled'], box.values['ocpp.key']],
    ['20', 'wss://csms.example/ocpp', 'on', 'S3cret-S3cret-S3cret'],
  );
  assert.deepEqual(await driver.readSettings(['ocpp.authKey']), [{ name: 'ocpp.authKey', value: null }]);
  await driver.reboot();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(box.reboots, 1);
});

test('values outside the profile, or with a line break, are refused before anything is sent', async (t) => {
  const { box, driver } = await connected(t);
  const sent = box.received.length;
  await rejectsWith(driver.writeSetting('current.installation', 40), 'DRIVER_VALUE_OUT_OF_RANGE');
  await rejectsWith(driver.writeSetting('current.installation', 'sixteen'), 'DRIVER_VALUE_INVALID');
  const injected = await rejectsWith(
    driver.writeSetting('ocpp.server', 'ws://x\r\nset maxcurrent 32'),
    'CONSOLE_VALUE_REFUSED',
  );
  assert.match(String(injected.params.rule), /line breaks/);
  await rejectsWith(driver.writeSetting('current.nowhere', 1), 'CONSOLE_SETTING_UNKNOWN');
  assert.equal(box.received.length, sent, 'nothing went on the wire');
  assert.equal(box.values.maxcurrent, '16');
});

test("the box's own refusal, an unexpected answer, and silence are typed; a secret never shows", async (t) => {
  const { box, driver } = await connected(t);
  // The firmware refuses for its own reasons: its ERR line is the box's own word.
  box.faults.weirdAnswer = 'ERR locked by energy manager';
  const refusal = await rejectsWith(driver.writeSetting('current.failsafe', 8), 'CONSOLE_ANSWER_REFUSED');
  assert.equal(refusal.params.answer, 'ERR locked by energy manager');
  box.faults.weirdAnswer = 'Saved? maybe S3cret-S3cret-S3cret';
  const odd = await rejectsWith(
    driver.writeSetting('ocpp.authKey', 'S3cret-S3cret-S3cret'),
    'CONSOLE_ANSWER_UNEXPECTED',
  );
  assert.doesNotMatch(JSON.stringify(odd.params), /S3cret/);
  assert.match(String(odd.params.answer), /\*\*\*/);
  box.faults.weirdAnswer = undefined;
  box.faults.silent = true;
  const silent = await rejectsWith(driver.readSettings(['current.installation']), 'CONSOLE_NO_ANSWER');
  assert.equal(silent.params.command, 'get maxcurrent');
});

test('noise, escape sequences and half lines around the answer do not disturb reading', async (t) => {
  const { box, driver } = await connected(t);
  box.faults.noise = true;
  assert.deepEqual(await driver.readSettings(['current.failsafe', 'ocpp.identity']), [
    { name: 'current.failsafe', value: 6 },
    { name: 'ocpp.identity', value: 'WB-0001' },
  ]);
});

test('a wrong password is CONSOLE_LOGIN_FAILED with the box words, without the password', async (t) => {
  const pair = await ptyPair(t);
  const box = await startConsoleBox(pair.b, profile, credentials);
  t.after(() => box.close());
  const error = await rejectsWith(
    ConsoleDriver.open({ ...profile, timeoutMs: 600 }, pair.a, { user: 'service', password: 'guess-guess' }),
    'CONSOLE_LOGIN_FAILED',
  );
  assert.match(String(error.params.answer), /Login incorrect/);
  assert.doesNotMatch(JSON.stringify(error.params), /guess-guess/);
});

test("a port that does not exist is the serial transport's typed error (SERIAL_PORT_NOT_FOUND)", async () => {
  await rejectsWith(ConsoleDriver.open(profile, '/dev/ttyWBC-none'), 'SERIAL_PORT_NOT_FOUND');
});

test('a profile with errors is refused, each pointing at its entry and field', () => {
  const broken = structuredClone(profile) as unknown as { settings: Array<Record<string, unknown>> };
  broken.settings[0] = {
    ...broken.settings[0],
    write: { command: 'set maxcurrent', success: ['^OK$'], failure: ['(['] },
  };
  broken.settings[1] = {
    ...broken.settings[1],
    read: { command: 'get failsafe', pattern: '^failsafe=\\d+$' },
  };
  let error: unknown;
  try {
    parseConsoleProfile(broken, 'mine.json');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AppError);
  assert.equal(error.code, 'CONSOLE_PROFILE_INVALID');
  assert.deepEqual(
    error.fields.map((f) => f.path),
    [
      'settings[0] (current.installation).write.command',
      'settings[0] (current.installation).write.failure.0',
      'settings[1] (current.failsafe).read.pattern',
    ],
  );
});
