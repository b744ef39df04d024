// The tool killed (SIGKILL: a crash, a pulled power cord) in the middle of a car park, then started again:
// real processes (`wbc commission`, then `wbc csms listen` on the same port), simulated boxes that redial.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunDetail } from '../../main/commissioning/types.ts';
import { openCore } from '../../main/core.ts';
import type { SimStation } from '../../main/simulator/station.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { listenEvents, listening } from '../support/csms-listen.ts';
import { freePort } from '../support/free-port.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const SETTLED = new Set(['confirmed', 'left-not-confirmed', 'failed', 'cancelled']);

test('killed with -9 mid-fleet and started again: every run ends, none lost or doubled, and each box holds the password the tool keeps for it', async (t) => {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const file = join(dir, 'template.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 3,
    }),
  );
  const boxes = Array.from({ length: 10 }, (_, i) => `WB-K${i + 1}`);
  const port = await freePort();
  const first = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    boxes.join(','),
    '--template',
    file,
    '--concurrency',
    '4',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--json',
    '--data-dir',
    dir,
  ]);
  // Boxes of both versions, each answering at its own pace: the kill finds them at different steps.
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
  // The crash comes mid-fleet: some boxes restarted towards the company CSMS, and one still here has
  // taken some of its new settings but not all (a run between its first write and its reset).
  const before = sims.map((sim) => JSON.stringify(sim.configuration()));
  const halfWritten = () =>
    sims.some(
      (sim, i) => !company.tried.includes(sim.identity) && JSON.stringify(sim.configuration()) !== before[i],
    );
  await until(() => boxes.filter((id) => company.tried.includes(id)).length >= 2 && halfWritten(), 60_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const away = boxes.filter((id) => company.tried.includes(id));
  assert.ok(away.length < boxes.length, 'the kill came before the last box left');
  // What the command told before it died: each such line must still hold afterwards.
  const told = first
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; identity?: string; status?: string })
    .filter((e) => e.event === 'box');

  // Started again on the same port: the boxes still at the tool dial in and their runs go on.
  const { cli: listen } = await listening(t, dir, port);
  const runsNow = async (): Promise<Array<{ id: number; identity: string; status: string }>> => {
    const listed = await wbc(['runs', 'list', '--json', '--data-dir', dir]);
    assert.equal(listed.code, 0, listed.stderr);
    return JSON.parse(listed.stdout) as Array<{ id: number; identity: string; status: string }>;
  };
  // Read through the running tool, as a second terminal would, until every run has ended.
  for (let tries = 0; ; tries++) {
    const listed = await runsNow();
    if (listed.length === boxes.length && listed.every((r) => SETTLED.has(r.status))) break;
    if (tries >= 90) assert.fail(`runs did not end after the restart: ${JSON.stringify(listed)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  listen.child.kill('SIGTERM');
  assert.equal(await listen.exited, 0, listen.stderr());

  const core = openCore({ dataDir: dir });
  t.after(() => core.close());
  assert.equal(core.store.db.pragma('integrity_check', { simple: true }), 'ok');
  const runs = core.store.db.prepare('SELECT id FROM commissioning_runs ORDER BY id').all() as Array<{
    id: number;
  }>;
  const details = runs.map((r) => core.commissioning.runs.get(r.id) as RunDetail);
  // One run per box: the restart went on with the runs it found, it did not start them again.
  assert.deepEqual(details.map((r) => r.identity).sort(), [...boxes].sort());
  for (const run of details) {
    assert.ok(
      run.status === 'confirmed' || run.status === 'left-not-confirmed',
      `${run.identity}: ${run.status} ${JSON.stringify(run.error)}`,
    );
    const said = told.find((e) => e.identity === run.identity);
    if (said) assert.equal(said.status, run.status, `${run.identity}: told before the crash`);
  }
  // Every box ended at the company CSMS with the password the tool keeps for it (what the electrician
  // reads in the app): a write the box took just before the crash is not lost from the vault.
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
  assert.ok(listenEvents(listen).length > 0);
});
