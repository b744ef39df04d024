// A driver run started through the api answers at once and is driven like an OCPP run: its steps come as
// commissioning.changed events, and a cancel stops it between writes (Modbus TCP on 127.0.0.1) or waits for
// the write on the wire (OpenEVSE RAPI on a socat pty) and puts back what was written, read back; `wbc
// commission` does the same on Ctrl+C.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { type Core, openCore } from '../../main/core.ts';
import { runDocument } from '../../main/report/report-document.ts';
import { runReport } from '../../main/report/report-model.ts';
import { OpenEvseHttpSimulator } from '../../main/simulator/openevse-http.ts';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const template = (maxCurrentA: number, settings: Record<string, string> = {}) => ({
  name: 'Garage',
  csms: { url: 'ws://csms.example.com/ocpp', securityProfile: 0 as const },
  maxCurrentA,
  groups: [],
  settings,
});

/** Every commissioning.changed event of the core, as the renderer hears them. */
function events(core: Core): RunSummary[] {
  const seen: RunSummary[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'commissioning.changed') seen.push(payload as RunSummary);
  });
  return seen;
}

/** A core, and an OpenEVSE controller (the RAPI simulator) on the device end of a socat pty pair. */
async function rapiCore(t: TestContext) {
  const core = testCore(t);
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  return { core, pair, rapi };
}

test('drivers.start answers at once; a cancel between two Modbus writes puts the first back (registers = snapshot)', async (t) => {
  const core = testCore(t);
  const { bank, server } = await heidelbergOnTcp(t);
  const before = new Map(bank.spaces.holding);
  const seen = events(core);
  // Cancelled the moment the box confirmed the first write: the second is never sent.
  core.commissioning.on('run', (r: RunSummary) => {
    const run = core.commissioning.runs.get(r.id);
    if (r.status === 'running' && Object.keys(run.state.results).length === 1)
      core.commissioning.cancel('test', r.id);
  });

  const started = await callOk(core, 'drivers.start', {
    modbusTcp: `127.0.0.1:${server.port}`,
    map: 'heidelberg-energy-control',
    identity: 'WB-M1',
    template: template(10, { 'current.failsafe': '8' }),
  });
  assert.equal(started.status, 'running', 'answered before the run ended');

  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'cancelled', JSON.stringify(run.error));
  assert.equal(run.error?.code, 'CANCELLED');
  assert.deepEqual(Object.keys(run.state.results), ['current.installation'], 'the failsafe was never sent');
  assert.deepEqual(
    run.state.rollback?.entries.map((e) => [e.key, e.outcome, e.readBack]),
    [['current.installation', 'restored', '16']],
  );
  assert.equal(run.state.rollback?.nextReboot, 'as-before');
  assert.deepEqual(new Map(bank.spaces.holding), before, 'the box holds what it held before the run');
  assert.deepEqual(
    bank.writes.map((w) => [w.address, w.words]),
    [
      [261, [100]],
      [261, [160]],
    ],
  );
  // Live: the steps came one by one, the last event tells the cancel.
  const steps = seen.filter((s) => s.id === started.id).map((s) => s.step);
  for (const step of ['identify', 'snapshot', 'plan', 'write'] as const)
    assert.ok(steps.includes(step), step);
  assert.equal(seen.at(-1)?.status, 'cancelled');
  const audit = core.store.db
    .prepare("SELECT action FROM audit_log WHERE action = 'commissioning.cancelled'")
    .all();
  assert.equal(audit.length, 1, 'the cancel is audited');
});

test('a cancel while a RAPI write is on the wire waits for its answer, then puts it back', async (t) => {
  const { core, pair, rapi } = await rapiCore(t);
  let id = 0;
  let statusWhileHeld = '';
  rapi.faults.holdAnswer = (command) => {
    if (command !== '$SC 24') return undefined;
    // The controller has taken 24 A; its answer is late, and the user cancels now.
    core.commissioning.cancel('test', id);
    statusWhileHeld = core.commissioning.runs.get(id).status;
    return new Promise<void>((resolve) => setTimeout(resolve, 200));
  };

  const started = await callOk(core, 'drivers.start', {
    serial: pair.a,
    identity: 'WB-R1',
    template: template(24),
  });
  id = started.id;
  const run = await core.commissioning.settled(started.id);
  assert.equal(statusWhileHeld, 'running', 'the cancel did not cut the write off');
  assert.equal(run.status, 'cancelled', JSON.stringify(run.error));
  assert.equal(run.state.results['current.installation'], 'Accepted', 'the late answer was heard');
  assert.deepEqual(
    run.state.rollback?.entries.map((e) => [e.key, e.outcome, e.readBack]),
    [['current.installation', 'restored', '16']],
  );
  assert.equal(rapi.state.savedAmps, 16, 'the controller holds its old current again');
  assert.deepEqual(
    rapi.received.filter((c) => c.startsWith('$SC')),
    ['$SC 24', '$SC 16'],
  );
});

test('a cancel during a RAPI write that is never answered says it is unconfirmed and still puts it back', async (t) => {
  const { core, pair, rapi } = await rapiCore(t);
  let id = 0;
  rapi.faults.holdAnswer = (command) => {
    if (command !== '$SC 24') return undefined;
    core.commissioning.cancel('test', id);
    return new Promise<void>(() => undefined); // this answer never comes
  };
  const started = await callOk(core, 'drivers.start', {
    serial: pair.a,
    identity: 'WB-R2',
    template: template(24),
  });
  id = started.id;
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'cancelled', JSON.stringify(run.error));
  assert.equal(run.state.results['current.installation'], 'DRIVER_WRITE_UNCONFIRMED');
  assert.equal(run.state.rollback?.entries[0]?.outcome, 'restored');
  assert.equal(rapi.state.savedAmps, 16);
});

test('a serial port pulled mid-run fails the run with SERIAL_PORT_GONE and says what could not be put back', async (t) => {
  const { core, pair } = await rapiCore(t);
  const http = new OpenEvseHttpSimulator();
  const url = await http.listen();
  t.after(() => http.close());
  // The current goes over the cable first; while the WiFi module takes its OCPP fields, the cable is pulled.
  http.delayMs = 400;
  let pulled: Promise<void> | null = null;
  core.commissioning.on('run', (r: RunSummary) => {
    const results = core.commissioning.runs.get(r.id).state.results;
    if (!pulled && results['current.installation'] === 'Accepted') pulled = pair.unplug();
  });

  const started = await callOk(core, 'drivers.start', {
    serial: pair.a,
    http: url,
    identity: 'WB-0042',
    template: template(24),
  });
  const run = await core.commissioning.settled(started.id);
  assert.ok(pulled, 'the cable was pulled after the first write');
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'SERIAL_PORT_GONE', JSON.stringify(run.error));
  const entries = new Map(run.state.rollback?.entries.map((e) => [e.key, e.outcome]));
  assert.equal(entries.get('current.installation'), 'not-restored', 'the cable is gone: it stays 24 A');
  assert.equal(entries.get('ocpp.identity'), 'restored', 'the WiFi module was put back');
  assert.equal(run.state.rollback?.nextReboot, 'unknown');
  assert.equal(http.config.ocpp_chargeBoxId, '');
});

test('wbc commission --modbus-tcp: Ctrl+C during the first write waits for it, puts it back and exits 1', async (t) => {
  const { bank, server } = await heidelbergOnTcp(t);
  const before = new Map(bank.spaces.holding);
  const dir = tempDir(t);
  const file = join(dir, 'garage.json');
  writeFileSync(file, JSON.stringify(template(10, { 'current.failsafe': '8' })));
  const cli = wbcRunning(
    t,
    [
      'commission',
      '--modbus-tcp',
      `127.0.0.1:${server.port}`,
      '--map',
      'heidelberg-energy-control',
      '--template',
      file,
      '--data-dir',
      join(dir, 'data'),
    ],
    { stdin: 'ignore' },
  );
  // The box has taken 10 A and is slow to say so: the technician presses Ctrl+C now.
  server.holdAnswer = (_unit, request) => {
    if (request[0] !== 6 && request[0] !== 16) return undefined;
    if (request.readUInt16BE(1) !== 261 || bank.writes.length !== 1) return undefined;
    cli.child.kill('SIGINT');
    return new Promise<void>((resolve) => setTimeout(resolve, 300));
  };
  const code = await cli.exited;
  assert.equal(code, 1, cli.stderr());
  assert.match(
    cli.stdout(),
    /current\.installation: put back to 16 \(read back\)\n[\s\S]*Cancelled\./,
    cli.stdout(),
  );
  assert.deepEqual(new Map(bank.spaces.holding), before, 'the box holds what it held before');
  assert.equal(
    bank.writes.filter((w) => w.address === 262).length,
    0,
    'the failsafe current was never written',
  );
});

test('a driver run the tool stopped in the middle of ends failed at the next start, and says so', async (t) => {
  const dataDir = tempDir(t);
  const first = openCore({ dataDir, defaultLanguage: 'en' });
  // As a crash leaves it: created, at its write step, still marked running.
  const run = first.commissioning.runs.create('tester', 'WB-CRASH', template(10), 'auto', null, false);
  first.commissioning.runs.update(run.id, (r) => {
    r.step = 'write';
    r.state.driver = {
      driver: 'openevse-rapi',
      address: '/dev/ttyUSB0',
      station: null,
      before: { 'current.installation': '16' },
      plan: null,
      readBack: {},
    };
  });
  await first.close();

  const second = testCore(t, { dataDir });
  const after = await callOk(second, 'commissioning.get', { id: run.id });
  assert.equal(after.status, 'failed');
  assert.deepEqual(after.error, {
    code: 'COMMISSION_DRIVER_INTERRUPTED',
    params: { id: run.id, identity: 'WB-CRASH', driver: 'openevse-rapi' },
  });
  assert.equal(after.state.driver?.before['current.installation'], '16', 'the snapshot is kept to compare');
});

test('closing the tool during a driver run puts back what was written before it stops', async (t) => {
  const dataDir = tempDir(t);
  const core = openCore({ dataDir, defaultLanguage: 'en' });
  const { bank, server } = await heidelbergOnTcp(t);
  const before = new Map(bank.spaces.holding);
  let closing: Promise<void> | null = null;
  server.holdAnswer = (_unit, request) => {
    if (request[0] !== 6 && request[0] !== 16) return undefined;
    if (closing || bank.writes.length !== 1) return undefined;
    closing = core.close(); // the window is closed while the box takes its first value
    return new Promise<void>((resolve) => setTimeout(resolve, 200));
  };
  const started = await callOk(core, 'drivers.start', {
    modbusTcp: `127.0.0.1:${server.port}`,
    map: 'heidelberg-energy-control',
    identity: 'WB-M2',
    template: template(10, { 'current.failsafe': '8' }),
  });
  await until(() => closing, 20_000);
  await closing;
  assert.deepEqual(new Map(bank.spaces.holding), before, 'the box holds what it held before');
  const again = testCore(t, { dataDir });
  const run = await callOk(again, 'commissioning.get', { id: started.id });
  assert.equal(run.status, 'cancelled');
  assert.equal(run.state.rollback?.entries[0]?.outcome, 'restored');
});

/** A controller that takes `$SC 24` and then falls silent: the write is never confirmed, the put-back fails. */
function takesThenFallsSilent(rapi: RapiSimulator): void {
  rapi.faults.holdAnswer = (command) => {
    if (command !== '$SC 24') return undefined;
    rapi.faults.mute = true;
    return new Promise<void>(() => undefined); // this answer never comes
  };
}

const unknownLine =
  'current.installation: unknown: the write was not confirmed and putting it back failed — read the box before leaving';

test('a write never confirmed whose put-back fails too is said to be unknown, not "still 24 A", in the run and the report', async (t) => {
  const { core, pair, rapi } = await rapiCore(t);
  takesThenFallsSilent(rapi);
  const started = await callOk(core, 'drivers.start', {
    serial: pair.a,
    identity: 'WB-R3',
    template: template(24),
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed', JSON.stringify(run.error));
  assert.equal(run.state.results['current.installation'], 'DRIVER_WRITE_UNCONFIRMED');
  const entry = run.state.rollback?.entries[0];
  assert.equal(entry?.outcome, 'not-restored');
  assert.equal(entry?.unconfirmed, true);
  assert.equal(run.state.rollback?.nextReboot, 'unknown');
  assert.equal(rapi.state.savedAmps, 24, 'the controller did take it: the tool just never heard so');

  const said = (language: 'en' | 'de') =>
    runDocument(language, runReport(core.store, run.id), run.updatedAt, 'WBC')
      .sections.flatMap((s) => s.parts)
      .flatMap((p) => p.blocks)
      .flatMap((b) => (b.kind === 'list' ? b.items : []));
  assert.ok(said('en').includes(unknownLine), said('en').join('\n'));
  assert.ok(!said('en').some((line) => /still/.test(line)));
  assert.ok(
    said('de').some((line) => line.startsWith('current.installation: unbekannt:')),
    said('de').join('\n'),
  );
});

test('wbc commission --serial says the value is unknown when an unconfirmed write cannot be put back', async (t) => {
  const { pair, rapi } = await rapiCore(t);
  takesThenFallsSilent(rapi);
  const dir = tempDir(t);
  const file = join(dir, 'garage.json');
  writeFileSync(file, JSON.stringify(template(24)));
  const args = ['commission', '--serial', pair.a, '--driver', 'openevse', '--template', file];
  const cli = await wbc([...args, '--data-dir', join(dir, 'data')]);
  assert.equal(cli.code, 1, cli.stderr);
  assert.ok(cli.stdout.includes(unknownLine), cli.stdout);
  assert.doesNotMatch(cli.stdout, /still 24/);
});
