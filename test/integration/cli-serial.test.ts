// The real `wbc` against a simulated OpenEVSE controller on a socat pty pair: identify reads without
// writing, commission goes through a run (and refuses a current the box cannot take before writing),
// and the raw terminal adds RAPI checksums, shows hex and masks credentials in its recording and the trace.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

async function controller(t: import('node:test').TestContext, options = {}) {
  const pair = await ptyPair(t);
  const sim = new RapiSimulator({ bootMessage: false, ...options });
  await sim.open(pair.b);
  t.after(() => sim.close());
  return { pair, sim };
}

test('wbc identify --serial shows firmware, range and settings and writes nothing', async (t) => {
  const { pair, sim } = await controller(t);
  const run = await wbc(['identify', '--serial', pair.a, '--driver', 'openevse', '--data-dir', tempDir(t)]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /OpenEVSE, firmware 8\.2\.3, RAPI 5\.2\.1/);
  assert.match(run.stdout, /current\.installation\s+16 A\s+read-write \[6\.\.32\]/);
  assert.equal(sim.received.filter((c) => /^\$(S|F)/.test(c)).length, 0);
});

test('wbc commission --serial writes through a run and reads back; a current out of range is refused first', async (t) => {
  const { pair, sim } = await controller(t);
  const dir = tempDir(t);
  const file = join(dir, 'garage.json');
  const commission = (maxCurrentA: number) => {
    const template = {
      name: 'Garage',
      csms: { url: 'ws://csms.example.com/ocpp', securityProfile: 0 },
      maxCurrentA,
    };
    writeFileSync(file, JSON.stringify(template));
    const args = ['commission', '--serial', pair.a, '--driver', 'openevse', '--template', file];
    return wbc([...args, '--data-dir', join(dir, 'data')]);
  };
  const refused = await commission(40);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stdout, /40 A is outside what the box allows for current\.installation \(6 to 32 A\)/);
  assert.equal(sim.received.filter((c) => c.startsWith('$SC')).length, 0);
  const done = await commission(20);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /current\.installation\s+16 -> 20\s+Accepted \(read back 20\)/);
  assert.match(done.stdout, /cannot set-ocpp-endpoint/);
  assert.match(done.stdout, /openevse-rapi-ttyA: written and read back/);
  assert.equal(sim.state.savedAmps, 20);
  const audit = await wbc(['audit', '--json', '--data-dir', join(dir, 'data')]);
  assert.match(audit.stdout, /commissioning\.driver\.write/);
});

test('wbc serial term adds the checksum, shows hex, and masks a password in its recording and the trace', async (t) => {
  const { pair } = await controller(t);
  const dir = tempDir(t);
  const out = join(dir, 'trace.txt');
  const data = join(dir, 'data');
  const term = wbcRunning(t, ['serial', 'term', pair.a, '--rapi', '--out', out, '--data-dir', data]);
  await until(() => term.stderr().includes('open at 115200 baud'), 30_000);
  assert.match(term.stderr(), /as serial-ttyA/);
  term.child.stdin.write('$GV\n');
  await until(() => term.stdout().includes('<- $OK 8.2.3 5.2.1'));
  term.child.stdin.write('password=hunter2\n');
  await until(() => term.stdout().includes('-> password=***'));
  term.child.stdin.end();
  assert.equal(await term.exited, 0, term.stderr());
  const recording = readFileSync(out, 'utf8');
  assert.match(recording, /-> \$GV\^35\\r \| 24 47 56 5E 33 35 0D/);
  assert.match(recording, /<- \$OK 8\.2\.3 5\.2\.1\^[0-9A-F]{2}\\r \| 24 4F 4B/);
  assert.ok(!recording.includes('hunter2'));
  // The same lines are in the data folder's trace, as the app's Diagnose and `wbc trace export` show it.
  const trace = await wbc(['trace', 'export', '--identity', 'serial-ttyA', '--data-dir', data]);
  assert.equal(trace.code, 0, trace.stderr);
  const frames = trace.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; direction: string; frame: { text?: string } });
  assert.equal(frames[0]?.kind, 'serial-open');
  assert.equal(frames.at(-1)?.kind, 'serial-closed');
  assert.deepEqual(
    frames.filter((f) => f.kind === 'serial' && f.direction === 'out').map((f) => f.frame.text),
    ['$GV^35\\r', 'password=***'],
  );
  assert.ok(frames.some((f) => f.direction === 'in' && f.frame.text?.startsWith('$OK 8.2.3 5.2.1')));
  assert.ok(!trace.stdout.includes('hunter2'));
});

test('wbc serial term on a data folder only the desktop app can open: a terminal still, said to be unrecorded', async (t) => {
  const { pair } = await controller(t);
  const data = tempDir(t);
  // The desktop sealed the key with the OS key store and is not running: the CLI cannot open the folder.
  writeFileSync(join(data, 'vault.key.sealed'), 'sealed');
  const term = wbcRunning(t, ['serial', 'term', pair.a, '--rapi', '--data-dir', data]);
  await until(() => term.stderr().includes('open at 115200 baud'), 30_000);
  assert.match(term.stderr(), /Not recorded in the trace: .*sealed/i);
  term.child.stdin.write('$GV\n');
  await until(() => term.stdout().includes('<- $OK 8.2.3 5.2.1'));
  term.child.stdin.end();
  assert.equal(await term.exited, 0, term.stderr());
});

test('wbc simulate openevse gives a trainee a controller on a pty and the WiFi API on loopback', async (t) => {
  const pair = await ptyPair(t);
  const sim = wbcRunning(t, ['simulate', 'openevse', '--serial', pair.b, '--port', '0']);
  // A fresh checkout runs the sources through tsx: the first start may take a while.
  const url = await until(() => /WiFi API on (http:\/\/127\.0\.0\.1:\d+)/.exec(sim.stderr())?.[1], 30_000);
  const run = await wbc(['identify', '--serial', pair.a, '--http', url, '--data-dir', tempDir(t)]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /RAPI 5\.2\.1 \+ HTTP \(WiFi 5\.1\.2\)/);
  assert.match(run.stdout, /ocpp\.idTag\s+DefaultIdTag/);
  sim.child.kill('SIGINT');
  assert.equal(await sim.exited, 0);
});
