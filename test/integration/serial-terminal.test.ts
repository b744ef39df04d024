// The app's serial terminal through the core's api on a socat pty pair: every line sent and received is in
// the trace (the SQLite file itself is searched), a console login's password and a profile's secret
// setting never are, RAPI checksums and sequence ids reach a simulated OpenEVSE, floods are cut and said.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { loadConsoleProfile } from '../../main/drivers/console/console-profile.ts';
import { startConsoleBox } from '../../main/simulator/console-box.ts';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'Plant3d-Pw-7781';
const AUTH_KEY = 'Key-0f-The-Box-42';

function serialFrames(core: Core, identity: string) {
  return core.ocpp.trace
    .list({ identity, limit: 1000 })
    .map((f) => ({ ...f, shown: JSON.parse(f.frame) as { text?: string; hex?: string } }));
}

async function consoleTerminal(t: TestContext) {
  const profile = loadConsoleProfile('example-service-console');
  const pair = await ptyPair(t);
  const box = await startConsoleBox(pair.b, profile, { user: 'service', password: PASSWORD });
  t.after(() => box.close());
  const dir = tempDir(t);
  const core = testCore(t, { dataDir: dir });
  const info = await callOk(core, 'serial.open', { path: pair.a, profile: 'example-service-console' });
  return { core, info, box, dir };
}

test('a console login typed in the terminal: the password and a secret setting never reach the trace', async (t) => {
  const { core, info, box, dir } = await consoleTerminal(t);
  const send = (text: string, extra = {}) =>
    callOk(core, 'serial.send', { session: info.session, text, lineEnding: 'crlf', ...extra });
  // The box asks nothing until it hears a line: an empty line brings its login prompt.
  await send('');
  await until(() => serialFrames(core, info.identity).some((f) => f.shown.text?.includes('login:')), 10_000);
  await send('service');
  await until(
    () => serialFrames(core, info.identity).some((f) => f.shown.text?.includes('Password:')),
    10_000,
  );
  const typed = await send(PASSWORD);
  assert.equal(typed.text, '***', 'the line after the profile password prompt is masked');
  await until(() => serialFrames(core, info.identity).some((f) => f.shown.text?.includes('Welcome')), 10_000);
  assert.equal(box.received.at(-1), PASSWORD, 'the box got the real password');

  // The profile marks ocpp.authKey secret: its write command's value is masked, sent and echoed.
  await send(`set ocpp.key ${AUTH_KEY}`);
  await until(() => box.values['ocpp.key'] === AUTH_KEY, 10_000);
  await send('get maxcurrent');
  await until(
    () => serialFrames(core, info.identity).some((f) => f.shown.text?.includes('maxcurrent=16')),
    10_000,
  );
  // A line typed with "secret" ticked is masked whatever the box asked, and so is the box's echo of it.
  await send('my-own-secret', { secret: true });
  await until(
    () => serialFrames(core, info.identity).some((f) => f.shown.text?.includes('ERR unknown')),
    10_000,
  );
  await callOk(core, 'serial.close', { session: info.session });
  assert.equal(box.received.at(-1), 'my-own-secret');

  const frames = serialFrames(core, info.identity);
  const texts = frames.map((f) => f.shown.text ?? '');
  assert.ok(texts.includes('set ocpp.key ***\\r\\n'), texts.join(' | '));
  assert.ok(texts.some((x) => x.startsWith('get maxcurrent')));
  assert.equal(frames.filter((f) => f.direction === 'out' && f.shown.text === '***').length, 2);
  // The box echoes after its prompt: `WB> ***\r\n`, the secret masked in the echo too.
  assert.ok(
    texts.some((x) => /^(WB> )?\*\*\*\\r\\n$/.test(x)),
    texts.join(' | '),
  );
  assert.ok(!texts.some((x) => x.includes('my-own-secret')));
  assert.deepEqual(
    [frames[0]?.kind, frames.at(-1)?.kind],
    ['serial-open', 'serial-closed'],
    'opening and closing are recorded',
  );
  // Searched where it is kept: the SQLite file (and its WAL) and the JSON-lines export.
  core.ocpp.trace.flush();
  const files = ['commissioner.db', 'commissioner.db-wal'].filter((f) => existsSync(join(dir, f)));
  assert.ok(files.includes('commissioner.db'));
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    const hexOf = (s: string) => Buffer.from(s).toString('hex').match(/../g)?.join(' ').toUpperCase() ?? '';
    for (const secret of [PASSWORD, AUTH_KEY, hexOf(PASSWORD), hexOf(AUTH_KEY)])
      assert.equal(bytes.includes(secret), false, `${secret} is in ${file}`);
  }
  const exported = [...core.ocpp.trace.exportJsonLines(info.identity)].join('\n');
  assert.ok(exported.includes('Welcome'));
  assert.ok(!exported.includes(PASSWORD) && !exported.includes(AUTH_KEY));
});

test('RAPI: the checksum and sequence ids are added, the OpenEVSE answers, and both lines are traced with hex', async (t) => {
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  const core = testCore(t);
  const info = await callOk(core, 'serial.open', { path: pair.a });
  assert.equal(info.identity, 'serial-ttyA');
  const first = await callOk(core, 'serial.send', {
    session: info.session,
    text: '$GV',
    rapi: true,
    sequence: true,
  });
  assert.deepEqual([first.text, first.sequence], ['$GV :01^2E\\r', 1]);
  const second = await callOk(core, 'serial.send', {
    session: info.session,
    text: '$GS^00',
    rapi: true,
    sequence: true,
  });
  assert.equal(second.sequence, 2);
  assert.match(second.text, /^\$GS :02\^[0-9A-F]{2}\\r$/, 'a wrong checksum typed by hand is replaced');
  await until(() => rapi.received.length >= 2, 10_000);
  assert.deepEqual(rapi.received.slice(0, 2), ['$GV', '$GS']);
  const answers = await until(() => {
    const ins = serialFrames(core, info.identity).filter((f) => f.direction === 'in');
    return ins.length >= 2 && ins;
  }, 10_000);
  assert.match(answers[0]?.shown.text ?? '', /^\$OK 8\.2\.3 5\.2\.1 :01\^[0-9A-F]{2}\\r$/);
  assert.match(answers[0]?.shown.hex ?? '', /^24 4F 4B /);

  // Raw hex bytes go out exactly; a malformed hex line is refused before the wire.
  const hex = await callOk(core, 'serial.send', { session: info.session, text: '24 47 56 0D', hex: true });
  assert.equal(hex.hex, '24 47 56 0D');
  const bad = await callRaw(core, 'serial.send', { session: info.session, text: '24 4', hex: true });
  assert.equal(bad.ok ? '' : bad.error.code, 'SERIAL_HEX_INVALID');
  const long = await callRaw(core, 'serial.send', { session: info.session, text: 'x'.repeat(600) });
  assert.equal(long.ok, false, 'the api refuses lines over 512 characters');

  // The trace view offers the port by the places api, by its path, and reads its lines through trace.list.
  const places = await callOk(core, 'trace.places', {});
  assert.deepEqual(
    places.map((p) => [p.identity, p.kind, p.place]),
    [['serial-ttyA', 'serial', pair.a]],
  );
  const lines = await callOk(core, 'trace.list', { identity: 'serial-ttyA', limit: 1000 });
  assert.ok(lines.some((f) => f.kind === 'serial-open'));
  assert.ok(lines.some((f) => f.direction === 'in' && f.frame.includes('$OK 8.2.3 5.2.1')));
});

test('a box whose OCPP identity looks like a port is not offered as one: places come from their frames', async (t) => {
  const core = testCore(t);
  core.ocpp.trace.event('serial-lookalike', 'connected', {});
  core.ocpp.trace.event('modbus-lookalike', 'connected', {});
  assert.deepEqual(await callOk(core, 'trace.places', {}), []);
});

test('a flood from the box: long lines cut into 512-byte frames, the rate bounded, and the loss recorded', async (t) => {
  const pair = await ptyPair(t);
  const { SerialPort } = await import('serialport');
  const device = new SerialPort({ path: pair.b, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => device.open((e) => (e ? reject(e) : resolve())));
  t.after(() => new Promise<void>((resolve) => device.close(() => resolve())));
  const core = testCore(t);
  const info = await callOk(core, 'serial.open', { path: pair.a });
  // 1300 bytes without a line end, then 400 short lines at once.
  device.write(Buffer.alloc(1300, 0x41));
  device.write(Buffer.from('\n'));
  device.write(Buffer.from(Array.from({ length: 400 }, (_, i) => `line ${i}\n`).join('')));
  const dropped = await until(
    () => serialFrames(core, info.identity).find((f) => f.kind === 'serial-dropped'),
    15_000,
  );
  const lost = JSON.parse(dropped.frame) as { frames: number; bytes: number };
  const kept = serialFrames(core, info.identity).filter((f) => f.kind === 'serial');
  assert.ok(kept.every((f) => (f.shown.text ?? '').length <= 512 * 4));
  assert.deepEqual(
    kept.slice(0, 3).map((f) => (f.shown.hex ?? '').split(' ').length),
    [512, 512, 277],
    'a 1300-byte line is kept as frames of at most 512 bytes',
  );
  assert.ok(lost.frames > 0 && kept.length + lost.frames >= 403, `${kept.length} kept, ${lost.frames} lost`);
});

test('the adapter pulled: the terminal ends with serial-gone in the trace, and a send says it is not open', async (t) => {
  const pair = await ptyPair(t);
  const core = testCore(t);
  const info = await callOk(core, 'serial.open', { path: pair.a });
  await callOk(core, 'serial.send', { session: info.session, text: 'hello' });
  await pair.unplug();
  // The port's close, or the next write into the pulled cable, is the first sign: either ends the session.
  const deadline = Date.now() + 10_000;
  while (!serialFrames(core, info.identity).some((f) => f.kind === 'serial-gone')) {
    assert.ok(Date.now() < deadline, 'serial-gone is recorded');
    await callRaw(core, 'serial.send', { session: info.session, text: 'still there?' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const reply = await callRaw(core, 'serial.send', { session: info.session, text: '$GV' });
  assert.equal(reply.ok ? '' : reply.error.code, 'SERIAL_TERMINAL_NOT_OPEN');
  assert.deepEqual(await callOk(core, 'serial.sessions', {}), []);
  assert.equal(serialFrames(core, info.identity).filter((f) => f.kind === 'serial-gone').length, 1);
});
