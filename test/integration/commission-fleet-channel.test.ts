// A car park commissioned from a second terminal while `wbc csms listen` runs in the first: `wbc commission
// --site` and `--identity A,B,C` go through the running core over the folder's local channel (real processes,
// real Unix socket, simulated boxes and a company CSMS plus a CitrineOS stand-in over real sockets on loopback).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { startCitrineServer } from '../support/citrineos-server.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { listenEvents, listening, serving } from '../support/csms-listen.ts';
import { freePort } from '../support/free-port.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { templateFile } from '../support/template-file.ts';
import { until } from '../support/until.ts';

const SECRET = 'hasura-admin-secret';

/**
 * The data folder set up as on site before `csms listen` starts: a CitrineOS stand-in as the company CSMS the
 * tool asks (so a run can end confirmed), optionally a site holding the boxes. The stand-in records a box
 * booted Accepted once that box dialled the company CSMS, as CitrineOS would.
 */
async function companySetup(t: TestContext, dir: string, site?: { name: string; boxes: string[] }) {
  const company = await BareCsms.start(t);
  const citrine = await startCitrineServer(t, { adminSecret: SECRET });
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    await callOk(core, 'sync.add', {
      kind: 'citrineos',
      baseUrl: citrine.url,
      name: 'citrine',
      credential: SECRET,
    });
    if (site) {
      const { id } = await callOk(core, 'sites.create', { name: site.name });
      const insert = core.store.db.prepare(
        "INSERT INTO stations (site_id, identity, created_at, updated_at) VALUES (?, ?, 'x', 'x')",
      );
      for (const identity of site.boxes) insert.run(id, identity);
    }
  } finally {
    await core.close();
  }
  const seen = new Set<string>();
  const watch = setInterval(() => {
    for (const identity of company.tried)
      if (!seen.has(identity) && company.connected(identity) && citrine.stations.has(identity)) {
        seen.add(identity);
        citrine.connect(identity, 'Accepted');
      }
  }, 100);
  t.after(() => clearInterval(watch));
  const file = templateFile(dir, {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 60,
  });
  return { company, file };
}

/**
 * A fleet started by `wbc commission` beside a running `csms listen` (or, with `own`, on a CSMS of its own in
 * its process), with no company CSMS the tool can ask: a box that was written stays in its verify window
 * (600 s) until the test stops something.
 */
async function fleetMidRun(t: TestContext, identities: string[], options: { own?: boolean } = {}) {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const file = templateFile(dir, {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 600,
  });
  const listen = options.own ? null : (await listening(t, dir)).cli;
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    identities.join(','),
    '--template',
    file,
    ...(options.own ? ['--host', '127.0.0.1', '--port', '0'] : []),
    '--data-dir',
    dir,
  ]);
  return { dir, company, listen, cli };
}

/**
 * Two boxes written and restarted (they dial the company CSMS), the third never came; then Ctrl+C to the
 * command. It must end (exit 1), a line per box with what it holds now, and the result naming all three.
 */
async function ctrlCMidRun(t: TestContext, run: Awaited<ReturnType<typeof fleetMidRun>>, boxes: string[]) {
  const { company, cli } = run;
  const [first, second, never] = boxes as [string, string, string];
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: first });
  await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: cli.url, identity: second });
  for (const identity of [first, second])
    await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity), 60_000);
  assert.equal(cli.stdout(), '', 'no box has ended before Ctrl+C');
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 1, cli.stdout() + cli.stderr());
  const lines = cli.stdout().trim().split('\n');
  for (const identity of [first, second]) {
    assert.ok(lines.includes(`${identity}: the run ended cancelled. Cancelled.`), cli.stdout());
    const holds = new RegExp(
      `^ {2}${identity} took this run's settings \\(\\d+\\) and was restarted before the cancel\\. Which: wbc runs show \\d+$`,
    );
    assert.ok(
      lines.some((l) => holds.test(l)),
      cli.stdout(),
    );
  }
  assert.ok(lines.includes(`${never}: the run ended cancelled. Cancelled.`), cli.stdout());
  assert.ok(lines.includes(`  ${never} holds what it held before: it accepted nothing from this run.`));
  assert.ok(lines.includes('3 boxes: 3 cancelled.'), cli.stdout());
  assert.ok(lines.includes(`Cancelled (3): ${boxes.join(', ')}`), cli.stdout());
  // The runs were cancelled where they ran (read through the running core when one runs).
  const runs = await wbc(['runs', 'list', '--json', '--data-dir', run.dir]);
  assert.equal(runs.code, 0, runs.stderr);
  const listed = JSON.parse(runs.stdout) as Array<{ identity: string; status: string }>;
  assert.deepEqual(
    listed.map((r) => [r.identity, r.status]).sort(),
    boxes.map((id) => [id, 'cancelled']),
  );
}

/** Reset frames the running core sent, per box, read through the channel (`wbc trace export`). */
async function resetsSent(dir: string, identity: string): Promise<number> {
  const trace = await wbc(['trace', 'export', '--identity', identity, '--data-dir', dir]);
  assert.equal(trace.code, 0, trace.stderr);
  return trace.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { direction: string; action: string | null })
    .filter((f) => f.direction === 'out' && f.action === 'Reset').length;
}

test('wbc commission --site beside a running csms listen commissions its boxes there: a line each, confirmed, exit 0', async (t) => {
  const dir = tempDir(t);
  const boxes = ['WB-S1', 'WB-S2', 'WB-S3'];
  const { company, file } = await companySetup(t, dir, { name: 'Car park North', boxes });
  const { cli: listen, port } = await listening(t, dir);
  // The boxes are on site already: they dialled the listener and wait in its lobby.
  for (const [i, identity] of boxes.entries())
    await startedSimBox(t, {
      ocppVersion: i === 1 ? '2.0.1' : '1.6',
      endpoint: `ws://127.0.0.1:${port}/ocpp`,
      identity,
    });
  await until(
    () => boxes.every((id) => listenEvents(listen).some((e) => e.box?.identity === id && e.box.boot)),
    20_000,
  );

  const run = await wbc(['commission', '--site', 'car park north', '--template', file, '--data-dir', dir]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.doesNotMatch(run.stderr, /CORE_BUSY_ELSEWHERE|CSMS_PORT_IN_USE/);
  assert.match(run.stderr, new RegExp(`Using the tool already running on ${dir}`));
  assert.match(run.stderr, /Waiting for WB-S1, WB-S2, WB-S3 to connect/);
  const lines = run.stdout.trim().split('\n');
  for (const identity of boxes)
    assert.equal(
      lines.filter((l) => l.startsWith(`${identity} is confirmed: the company CSMS (citrine`)).length,
      1,
      run.stdout,
    );
  assert.ok(lines.includes('3 boxes: 3 confirmed by the company CSMS.'), run.stdout);
  assert.ok(lines.includes('Confirmed (3): WB-S1, WB-S2, WB-S3'), run.stdout);
  assert.match(run.stdout, /^Report of these boxes: wbc report --fleet [0-9a-f-]{36} --out FILE$/m);

  // The running listener did the work: it let the boxes in, and its trace holds the reset it sent each.
  for (const identity of boxes) {
    assert.ok(listenEvents(listen).some((e) => e.box?.identity === identity && e.box.admitted));
    assert.equal(await resetsSent(dir, identity), 1);
    await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity));
  }
  listen.child.kill('SIGTERM');
  assert.equal(await listen.exited, 0, listen.stderr());
});

test('wbc commission --identity A,B,C --json beside a running csms listen waits for the boxes there, a line each as it ends', async (t) => {
  const dir = tempDir(t);
  const { file } = await companySetup(t, dir);
  const { cli: listen } = await listening(t, dir);
  const boxes = ['WB-I1', 'WB-I2', 'WB-I3'];
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    boxes.join(','),
    '--template',
    file,
    '--json',
    '--data-dir',
    dir,
  ]);
  const waiting = JSON.parse(cli.stderr().split('\n')[0] ?? '') as { identities: string[]; shared: boolean };
  assert.deepEqual([waiting.identities, waiting.shared], [boxes, true]);
  // The boxes dial in while the command waits: the listener lets in the ones it names.
  for (const identity of boxes) await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity });
  assert.equal(await cli.exited, 0, cli.stdout() + cli.stderr());
  const events = cli
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; identity?: string; status?: string; confirmed?: boolean });
  assert.deepEqual(
    events
      .filter((e) => e.event === 'box')
      .map((e) => [e.identity, e.status, e.confirmed])
      .sort(),
    boxes.map((id) => [id, 'confirmed', true]),
  );
  const summary = events.at(-1) as unknown as { event: string; total: number; confirmed: string[] };
  assert.deepEqual([summary.event, summary.total, summary.confirmed], ['summary', 3, boxes]);
  for (const identity of boxes) {
    assert.ok(listenEvents(listen).some((e) => e.box?.identity === identity && e.box.admitted));
    assert.equal(await resetsSent(dir, identity), 1);
  }
  listen.child.kill('SIGTERM');
  assert.equal(await listen.exited, 0, listen.stderr());
});

test('Ctrl+C on a fleet commissioned through a running csms listen cancels the runs there and says what each box holds', async (t) => {
  const boxes = ['WB-C1', 'WB-C2', 'WB-C3'];
  const run = await fleetMidRun(t, boxes);
  await ctrlCMidRun(t, run, boxes);
  // The listener was not disturbed: it still runs, and stops cleanly.
  run.listen?.child.kill('SIGTERM');
  assert.equal(await run.listen?.exited, 0, run.listen?.stderr());
});

test('Ctrl+C on a fleet the command runs on a CSMS of its own says the same, box by box', async (t) => {
  const boxes = ['WB-L1', 'WB-L2', 'WB-L3'];
  await ctrlCMidRun(t, await fleetMidRun(t, boxes, { own: true }), boxes);
});

test('the running core stopping in the middle of a fleet ends the command with CORE_UNREACHABLE, not a wait without end', async (t) => {
  const { company, listen, cli } = await fleetMidRun(t, ['WB-G1', 'WB-G2']);
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-G1' });
  await company.waitFor('WB-G1 at the company CSMS', () => company.connected('WB-G1'), 60_000);
  // Ctrl+C in the listener's terminal: its core goes away with the runs it was driving.
  listen?.child.kill('SIGINT');
  assert.equal(await listen?.exited, 0, listen?.stderr());
  assert.equal(await cli.exited, 1, cli.stdout() + cli.stderr());
  assert.match(cli.stderr(), /CORE_UNREACHABLE: The tool's core does not answer\./);
});

test('wbc commission --identity A,B beside wbc serve starts the CSMS of that core for the fleet and stops it after', async (t) => {
  const dir = tempDir(t);
  const { file } = await companySetup(t, dir);
  const serve = await serving(t, dir);
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-V1,WB-V2',
    '--template',
    file,
    '--host',
    '127.0.0.1',
    '--port',
    String(await freePort()),
    '--data-dir',
    dir,
  ]);
  assert.match(cli.stderr(), new RegExp(`Using the tool already running on ${dir}`));
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-V1' });
  await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: cli.url, identity: 'WB-V2' });
  assert.equal(await cli.exited, 0, cli.stdout() + cli.stderr());
  assert.match(cli.stdout(), /^2 boxes: 2 confirmed by the company CSMS\.$/m);
  // Started for this command, stopped with it: the shell's core does not keep listening on the site's LAN.
  const status = await wbc(['csms', 'status', '--json', '--data-dir', dir]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { running: boolean }).running, false);
  assert.equal(await resetsSent(dir, 'WB-V1'), 1);
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0, serve.stderr());
});
