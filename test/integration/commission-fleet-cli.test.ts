// A car park from the command line: one `wbc commission` process commissions several simulated boxes
// over real WebSockets (the real bin/wbc.js, a company CSMS on loopback), prints a line per box as it
// finishes and a summary, and exits non-zero when any box is not confirmed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox, startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { templateFile } from '../support/template-file.ts';

const listen = ['--host', '127.0.0.1', '--port', '0'];

/** A line of `wbc commission --json` for a fleet: one per box, then the summary. */
interface FleetEvent {
  event: string;
  identity?: string;
  status?: string;
  confirmed?: boolean;
  absent?: boolean;
  results?: Record<string, string>;
  error?: { code: string; message: string } | null;
  total?: number;
  counts?: Record<string, number>;
}

test('wbc commission --identity A,B,C commissions three boxes in one process, one line each and a summary', async (t) => {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const file = templateFile(dir, {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 2,
  });
  // One at a time, so the order in the trace shows the bound holds.
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-F1,WB-F2,WB-F3',
    '--template',
    file,
    '--concurrency',
    '1',
    ...listen,
    '--data-dir',
    dir,
  ]);
  assert.match(cli.stderr(), /Waiting for WB-F1, WB-F2, WB-F3 to connect/);
  await Promise.all([
    startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-F1' }),
    startedSimBox(t, { ocppVersion: '2.0.1', endpoint: cli.url, identity: 'WB-F2' }),
    startedSimBox(t, {
      ocppVersion: '1.6',
      endpoint: cli.url,
      identity: 'WB-F3',
      urlKey: 'CentralSystemURI',
    }),
  ]);
  // No company-CSMS connector is set up, so nothing confirms the boxes arrived: exit 3, never 0.
  assert.equal(await cli.exited, 3, cli.stdout() + cli.stderr());
  const lines = cli.stdout().trim().split('\n');
  assert.equal(lines.length, 6, cli.stdout());
  for (const [i, identity] of ['WB-F1', 'WB-F2', 'WB-F3'].entries())
    assert.match(
      lines[i] ?? '',
      new RegExp(`^${identity} left, not confirmed: .* but no CSMS confirms it arrived\\.$`),
    );
  assert.equal(lines[3], '3 boxes: 3 left, not confirmed.');
  // The combined result names the boxes under their outcome, and where the fleet's report comes from.
  assert.equal(lines[4], 'Left, not confirmed (3): WB-F1, WB-F2, WB-F3');
  const fleetId = /--fleet ([0-9a-f-]{36}) /.exec(lines[5] ?? '')?.[1];
  assert.ok(fleetId, lines[5]);
  // That command writes exactly the fleet's boxes, one section per box.
  const out = `${dir}/fleet.html`;
  const report = await wbc([
    'report',
    '--fleet',
    fleetId,
    '--out',
    out,
    '--format',
    'html',
    '--data-dir',
    dir,
  ]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /\(3 boxes\)/);
  const html = readFileSync(out, 'utf8');
  for (const identity of ['WB-F1', 'WB-F2', 'WB-F3']) assert.match(html, new RegExp(identity));
  assert.match(html, /a fleet of 3 boxes/);
  for (const identity of ['WB-F1', 'WB-F2', 'WB-F3'])
    await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity));

  // With --concurrency 1 a box is not touched before the previous one's run ended.
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    const sent = core.ocpp.trace.list({ limit: 10_000 }).filter((f) => f.direction === 'out' && f.action);
    const writes = new Set(['ChangeConfiguration', 'SetVariables', 'SetNetworkProfile']);
    const first = (identity: string) =>
      sent.find((f) => f.identity === identity && writes.has(f.action ?? ''));
    const reset = (identity: string) => sent.find((f) => f.identity === identity && f.action === 'Reset');
    assert.ok((reset('WB-F1')?.id ?? Number.POSITIVE_INFINITY) < (first('WB-F2')?.id ?? 0));
    assert.ok((reset('WB-F2')?.id ?? Number.POSITIVE_INFINITY) < (first('WB-F3')?.id ?? 0));
  } finally {
    await core.close();
  }
});

test('a fleet with a box that never comes and one that cannot take the template: each reported, exit 1', async (t) => {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const file = templateFile(dir, {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 2,
  });
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-OK,WB-NOKEY,WB-GHOST',
    '--template',
    file,
    '--timeout',
    '5',
    '--json',
    ...listen,
    '--data-dir',
    dir,
  ]);
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-OK' });
  await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-NOKEY',
    noSecurityProfileKey: true,
  });
  assert.equal(await cli.exited, 1, cli.stderr());
  const events = cli
    .stdout()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FleetEvent);
  const box = (identity: string) => events.find((e) => e.event === 'box' && e.identity === identity);
  assert.equal(events.filter((e) => e.event === 'box').length, 3);
  assert.deepEqual(
    [box('WB-OK')?.status, box('WB-OK')?.confirmed, box('WB-OK')?.absent],
    ['left-not-confirmed', false, false],
  );
  const blocked = box('WB-NOKEY');
  assert.equal(blocked?.status, 'failed');
  assert.equal(blocked?.error?.code, 'COMMISSION_BLOCKED');
  assert.match(String(blocked?.error?.message), /no SecurityProfile key/);
  assert.deepEqual(blocked?.results, {}, 'nothing was written to the box that cannot take the template');
  const ghost = box('WB-GHOST');
  assert.deepEqual([ghost?.status, ghost?.absent, ghost?.confirmed], ['cancelled', true, false]);
  assert.match(String(ghost?.error?.message), /WB-GHOST did not connect within 5 s/);
  const summary = events.at(-1) as FleetEvent & {
    fleetId: string;
    failed: Array<{ identity: string; error: { code: string }; putBack: boolean }>;
  };
  assert.match(summary.fleetId, /^[0-9a-f-]{36}$/);
  // The combined result: each box under its outcome, the failure with its reason; nothing to put back on
  // the box the plan blocked (nothing was written to it).
  assert.deepEqual(
    { ...summary, failed: summary.failed.map((f) => [f.identity, f.error.code, f.putBack]) },
    {
      event: 'summary',
      fleetId: summary.fleetId,
      total: 3,
      counts: { 'left-not-confirmed': 1, failed: 1, absent: 1 },
      confirmed: [],
      left: ['WB-OK'],
      failed: [['WB-NOKEY', 'COMMISSION_BLOCKED', false]],
      cancelled: ['WB-GHOST'],
    },
  );
  await company.waitFor('WB-OK at the company CSMS', () => company.connected('WB-OK'));
});

test('wbc commission --site NAME takes the boxes of that site', async (t) => {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    const reply = await core.router.call('sites.create', { name: 'Car park East' }, core.context('cli'));
    assert.ok(reply.ok);
    const siteId = (reply.result as { id: number }).id;
    const insert = core.store.db.prepare(
      "INSERT INTO stations (site_id, identity, created_at, updated_at) VALUES (?, ?, 'x', 'x')",
    );
    insert.run(siteId, 'WB-E1');
    insert.run(siteId, 'WB-E2');
    insert.run(null, 'WB-ELSEWHERE');
  } finally {
    await core.close();
  }
  const file = templateFile(dir, {
    name: 'East',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 2,
  });
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--site',
    'car park east',
    '--template',
    file,
    ...listen,
    '--data-dir',
    dir,
  ]);
  assert.match(cli.stderr(), /Waiting for WB-E1, WB-E2 to connect/);
  await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: cli.url, identity: 'WB-E1' });
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-E2' });
  assert.equal(await cli.exited, 3, cli.stdout() + cli.stderr());
  assert.match(cli.stdout(), /WB-E1 left, not confirmed/);
  assert.match(cli.stdout(), /WB-E2 left, not confirmed/);
  assert.match(cli.stdout(), /^2 boxes: 2 left, not confirmed\.$/m);
});

test('a fleet run waiting for its place is cancelled untouched, and its box connecting later does not start it', async (t) => {
  // Through the api (no CLI): the queue behind --concurrency, as every face uses it.
  const { core, url } = await coreWithCsms(t);
  const started = await callOk(core, 'commissioning.fleet', {
    identities: ['WB-Q1', 'WB-Q2'],
    template: { name: 'Q', csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 }, verifyWindowS: 2 },
    concurrency: 1,
  });
  const [first, second] = started.runs.map((r) => r.id) as [number, number];
  const waiting = core.commissioning.settled(second);
  await callOk(core, 'commissioning.cancelFleet', { fleetId: started.fleetId });
  assert.equal((await core.commissioning.settled(first)).status, 'cancelled');
  const run = await waiting;
  assert.equal(run.status, 'cancelled');
  assert.ok(run.state.steps.every((s) => s.status === 'pending'));
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-Q2' });
  assert.equal((await core.commissioning.settled(second)).status, 'cancelled');
  assert.equal(
    core.ocpp.trace.list({ identity: 'WB-Q2', limit: 100 }).filter((f) => f.action === 'GetConfiguration')
      .length,
    0,
  );
});

test('wbc commission refuses an unclear choice of boxes before it starts a CSMS, saying what it takes', async (t) => {
  const dir = tempDir(t);
  const file = templateFile(dir, { name: 'X', csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 } });
  const run = (...args: string[]) => wbc(['commission', '--template', file, ...args, '--data-dir', dir]);
  const both = await run('--identity', 'WB-1,WB-2', '--site', 'East');
  assert.equal(both.code, 1);
  assert.match(both.stderr, /Usage: wbc commission --identity ID\[,ID\.\.\.\] \| --site NAME \| --expected/);
  const noSite = await run('--site', 'Nowhere');
  assert.equal(noSite.code, 1);
  assert.match(noSite.stderr, /NOT_FOUND/);
  const noExpected = await run('--expected');
  assert.equal(noExpected.code, 1);
  assert.match(
    noExpected.stderr,
    /--expected takes the local CSMS's expected boxes: name them with --expect ID,ID/,
  );
  const zero = await run('--identity', 'WB-1,WB-2', '--concurrency', '0');
  assert.equal(zero.code, 1);
  assert.match(zero.stderr, /--concurrency takes a whole number from 1 to 256/);
  for (const r of [both, noSite, noExpected, zero]) assert.doesNotMatch(r.stderr, /Waiting for/);
});
