// The tool killed (SIGKILL: a crash, a pulled power cord) in the middle of a car park, then started again:
// real processes (`wbc commission`, then `wbc csms listen` on the same port), simulated boxes that redial.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import type { RunDetail } from '../../main/commissioning/types.ts';
import { openCore } from '../../main/core.ts';
import type { SimStation } from '../../main/simulator/station.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { listening } from '../support/csms-listen.ts';
import { freePort } from '../support/free-port.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { templateFile } from '../support/template-file.ts';
import { until } from '../support/until.ts';

const SETTLED = new Set(['confirmed', 'left-not-confirmed', 'failed', 'cancelled']);

type Told = { event: string; identity?: string; status?: string };

/**
 * `wbc commission` of 10 boxes (7 on 2.0.1, 3 on 1.6, each answering at its own pace, 4 at once) killed with
 * SIGKILL mid-fleet: two boxes restarted towards the company CSMS, and one still at the tool has taken some
 * of its new settings but not all (a run between its first write and its reset).
 */
async function killedMidFleet(t: TestContext) {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const file = templateFile(dir, {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 3,
  });
  const boxes = Array.from({ length: 10 }, (_, i) => `WB-K${i + 1}`);
  const port = await freePort();
  const args = ['commission', '--identity', boxes.join(','), '--template', file, '--concurrency', '4'];
  const where = ['--host', '127.0.0.1', '--port', String(port), '--data-dir', dir];
  const first = await wbcWaitingForBox(t, [...args, ...where, '--json']);
  const sims: SimStation[] = [];
  for (const [i, identity] of boxes.entries())
    sims.push(
      await startedSimBox(t, {
        ocppVersion: i % 3 === 2 ? '1.6' : '2.0.1',
        endpoint: first.url,
        identity,
        misbehave: { answerDelayMs: 40 + 70 * (i % 4) },
      }),
    );
  const before = sims.map((sim) => JSON.stringify(sim.configuration()));
  const halfWritten = () =>
    sims.some(
      (sim, i) => !company.tried.includes(sim.identity) && JSON.stringify(sim.configuration()) !== before[i],
    );
  await until(() => boxes.filter((id) => company.tried.includes(id)).length >= 2 && halfWritten(), 60_000);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(
    boxes.some((id) => !company.tried.includes(id)),
    'the kill came before the last box left',
  );
  // What the command told before it died: each such line must still hold afterwards.
  const told = first
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Told)
    .filter((e) => e.event === 'box');
  return { dir, company, boxes, sims, port, told, again: [...args, ...where] };
}

/**
 * After the tool ran again: the database is whole, one run per box (none started twice), every run ended
 * as a box that left (confirmed or not), what was told before the crash still holds, and every box holds
 * and presents to the company CSMS the password the tool's vault keeps for it.
 */
async function checkEnded(t: TestContext, fleet: Awaited<ReturnType<typeof killedMidFleet>>) {
  const { dir, company, boxes, sims, told } = fleet;
  const core = openCore({ dataDir: dir });
  t.after(() => core.close());
  assert.equal(core.store.db.pragma('integrity_check', { simple: true }), 'ok');
  const ids = core.store.db.prepare('SELECT id FROM commissioning_runs ORDER BY id').all() as Array<{
    id: number;
  }>;
  const details = ids.map((r) => core.commissioning.runs.get(r.id) as RunDetail);
  assert.deepEqual(details.map((r) => r.identity).sort(), [...boxes].sort());
  for (const run of details) {
    assert.ok(
      run.status === 'confirmed' || run.status === 'left-not-confirmed',
      `${run.identity}: ${run.status} ${JSON.stringify(run.error)}`,
    );
    const said = told.find((e) => e.identity === run.identity);
    if (said) assert.equal(said.status, run.status, `${run.identity}: told before the crash`);
  }
  for (const [i, identity] of boxes.entries()) {
    await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity), 30_000);
    const run = details.find((r) => r.identity === identity) as RunDetail;
    const kept = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
    const sim = sims[i] as SimStation;
    const held = sim.secret(sim.ocppVersion === '1.6' ? 'AuthorizationKey' : 'BasicAuthPassword');
    assert.equal(held, kept, `${identity}: the password it holds`);
    const presented = company.handshakes.filter((h) => h.identity === identity).at(-1)?.password;
    assert.equal(presented, kept, `${identity}: the password it presents to the company CSMS`);
  }
}

test('killed with -9 mid-fleet, then csms listen on the same port: every run goes on and ends, none lost or doubled, each box holds the password the tool keeps for it', async (t) => {
  const fleet = await killedMidFleet(t);
  const { dir, boxes, port } = fleet;
  const { cli: listen } = await listening(t, dir, port);
  // Read through the running tool, as a second terminal would, until every run has ended.
  for (let tries = 0; ; tries++) {
    const listed = await wbc(['runs', 'list', '--json', '--data-dir', dir]);
    assert.equal(listed.code, 0, listed.stderr);
    const runs = JSON.parse(listed.stdout) as Array<{ identity: string; status: string }>;
    if (runs.length === boxes.length && runs.every((r) => SETTLED.has(r.status))) break;
    if (tries >= 90) assert.fail(`runs did not end after the restart: ${listed.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  listen.child.kill('SIGTERM');
  assert.equal(await listen.exited, 0, listen.stderr());
  await checkEnded(t, fleet);
});

test('killed with -9 mid-fleet, then the same wbc commission again: it follows the runs taken up again, starts only the missing ones, a line per box', async (t) => {
  const fleet = await killedMidFleet(t);
  const again = await wbcWaitingForBox(t, fleet.again);
  // Left, not confirmed for every box (no company CSMS connector to confirm): exit 3, not a failure.
  assert.equal(await again.exited, 3, again.stdout() + again.stderr());
  const lines = again.stdout().trim().split('\n');
  for (const identity of fleet.boxes)
    assert.equal(
      lines.filter((l) => l.startsWith(`${identity} left, not confirmed`)).length,
      1,
      `${identity}: one line\n${again.stdout()}`,
    );
  assert.ok(lines.includes('10 boxes: 10 left, not confirmed.'), again.stdout());
  // The runs under way are followed, not doubled, and the command says so.
  assert.match(
    again.stderr(),
    /WB-K\d+: following its run \d+ \(begun [^)]+\), which the tool took up again/,
  );
  assert.doesNotMatch(again.stderr(), /ALREADY_EXISTS/);
  await checkEnded(t, fleet);
});

test('killed with -9 mid-fleet, then wbc commission with a changed template: refused before anything moves, and a run under way can be cancelled', async (t) => {
  const fleet = await killedMidFleet(t);
  const { dir, boxes } = fleet;
  const changed = templateFile(
    dir,
    {
      name: 'Depot v2',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 1 },
      verifyWindowS: 3,
    },
    'changed.json',
  );
  const args = fleet.again.map((a) => (a.endsWith('template.json') ? changed : a));
  // The runs as the crash left them, read from the file without opening a core.
  const runRows = () => {
    const db = new Database(join(dir, 'commissioner.db'), { readonly: true });
    try {
      return db
        .prepare('SELECT id, status, step, updated_at FROM commissioning_runs ORDER BY id')
        .all() as Array<{
        id: number;
        status: string;
      }>;
    } finally {
      db.close();
    }
  };
  const before = runRows();
  const refused = await wbc(args);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /COMMISSION_RUN_UNDER_WAY/);
  assert.match(refused.stderr, /A run is under way for WB-K\d+ \(run \d+, Depot\)/);
  assert.match(refused.stderr, /wbc runs cancel ID/);
  assert.deepEqual(runRows(), before, 'no run started, none moved');
  assert.equal(before.length, boxes.length);

  // One of the runs under way cancelled: it says what the box holds; the others are as they were.
  const open = (before as Array<{ id: number; status: string }>).find((r) => r.status === 'running');
  assert.ok(open, 'a run still under way');
  const cancel = await wbc(['runs', 'cancel', String(open.id), '--data-dir', dir]);
  assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
  assert.match(cancel.stdout, /the run ended cancelled/);
  assert.match(cancel.stdout, /holds what it held before|keeps what it accepted|took this run's settings/);
  const again = await wbc(['runs', 'cancel', String(open.id), '--data-dir', dir]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, new RegExp(`Run ${open.id} had ended already: nothing was cancelled\\.`));
});
