// `wbc boxes` and `wbc runs` against a data folder where a simulated box (real WebSocket, loopback) was
// commissioned by a core that has since closed: the record lives in SQLite, the password stays in the
// vault, forgetting says what is lost and needs --yes, and a box mid-run cannot be forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoxOverview } from '../../main/boxes/types.ts';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

/** A data folder with WB-DONE commissioned (left, not confirmed) and WB-WAIT waiting for approval. */
async function commissionedFolder(t: import('node:test').TestContext) {
  const dir = tempDir(t);
  const company = await BareCsms.start(t);
  const core = testCore(t, { dataDir: dir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-DONE' });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-WAIT' });
  const template = {
    name: 'Depot',
    csms: { url: company.url('/ocpp'), securityProfile: 1 },
    verifyWindowS: 1,
  };
  const done = await callOk(core, 'commissioning.start', { identity: 'WB-DONE', template, approval: 'auto' });
  const waiting = await callOk(core, 'commissioning.start', { identity: 'WB-WAIT', template });
  const ended = await core.commissioning.settled(done.id);
  assert.equal(ended.status, 'left-not-confirmed', JSON.stringify(ended.error));
  assert.equal((await core.commissioning.settled(waiting.id)).status, 'awaiting-approval');
  const secret = core.vault.list().find((s) => s.purpose === 'ocpp-basic-auth' && s.label === 'WB-DONE');
  assert.ok(secret, 'the run kept the box password in the vault');
  const password = core.vault.reveal('test', secret.id);
  // A password a box logs in with is not deleted behind its back.
  const refused = await callRaw(core, 'secrets.delete', { id: secret.id });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'SECRET_USED_BY_BOX');
  await core.close();
  return { dir, doneRun: done.id, waitingRun: waiting.id, password };
}

test('wbc boxes and wbc runs read every box and run back from the database after the core closed', async (t) => {
  const { dir, doneRun, waitingRun, password } = await commissionedFolder(t);

  const list = await wbc(['boxes', 'list', '--json', '--data-dir', dir]);
  assert.equal(list.code, 0, list.stderr);
  const boxes = JSON.parse(list.stdout) as BoxOverview[];
  assert.deepEqual(
    boxes.map((b) => [b.identity, b.commissioning, b.attention, b.connection.state]),
    [
      ['WB-DONE', 'left-not-confirmed', true, 'offline'],
      ['WB-WAIT', 'awaiting-approval', true, 'offline'],
    ],
  );
  assert.ok(
    boxes[0]?.connection.state === 'offline' && boxes[0].connection.since,
    'offline since its last frame',
  );

  const text = await wbc(['boxes', 'list', '--data-dir', dir]);
  assert.match(text.stdout, /WB-DONE .*offline since .*done, but not confirmed.*#\d+/);
  assert.match(text.stdout, /WB-WAIT .*commissioning waits for your approval/);

  const show = await wbc(['boxes', 'show', 'WB-DONE', '--data-dir', dir]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /OCPP version\s+1\.6/);
  assert.match(show.stdout, /OCPP password: set, kept in the vault/);
  assert.match(show.stdout, new RegExp(`^${doneRun}\\s+Depot\\s+left, not confirmed`, 'm'));
  assert.doesNotMatch(show.stdout, new RegExp(password), 'the password is named, never printed');

  const runs = await wbc(['runs', 'list', '--json', '--data-dir', dir]);
  assert.deepEqual(
    (JSON.parse(runs.stdout) as RunSummary[]).map((r) => [r.id, r.identity, r.status]),
    [
      [waitingRun, 'WB-WAIT', 'awaiting-approval'],
      [doneRun, 'WB-DONE', 'left-not-confirmed'],
    ],
  );
  const one = await wbc(['runs', 'list', '--identity', 'WB-WAIT', '--json', '--data-dir', dir]);
  assert.deepEqual(
    (JSON.parse(one.stdout) as RunSummary[]).map((r) => r.id),
    [waitingRun],
  );
  const report = await wbc(['runs', 'show', String(doneRun), '--data-dir', dir]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /AuthorizationKey = \(generated password\) {2}Accepted/);
  assert.match(report.stdout, /Cst_BackendUrl|CentralSystemURI|ConnectionUrl/);
  assert.doesNotMatch(report.stdout, new RegExp(password));
  const json = await wbc(['runs', 'show', String(doneRun), '--json', '--data-dir', dir]);
  assert.equal(JSON.parse(json.stdout).state.verify.outcome, 'left');
  assert.doesNotMatch(json.stdout, new RegExp(password));
});

test('wbc boxes forget says what is lost and needs --yes; a box mid-run is refused; forgotten means gone', async (t) => {
  const { dir, waitingRun } = await commissionedFolder(t);

  const asked = await wbc(['boxes', 'forget', 'WB-DONE', '--data-dir', dir]);
  assert.equal(asked.code, 1);
  assert.match(
    asked.stderr,
    /Forgetting WB-DONE deletes 1 runs with their reports, \d+ configuration snapshots/,
  );
  assert.match(asked.stderr, /1 stored passwords/);
  assert.match(asked.stderr, /BOX_FORGET_NOT_CONFIRMED/);
  assert.match(
    (await wbc(['boxes', 'show', 'WB-DONE', '--data-dir', dir])).stdout,
    /Depot/,
    'nothing deleted',
  );

  const busy = await wbc(['boxes', 'forget', 'WB-WAIT', '--yes', '--data-dir', dir]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, new RegExp(`BOX_RUN_UNFINISHED: .*run #${waitingRun} has not ended`));

  const gone = await wbc(['boxes', 'forget', 'WB-DONE', '--yes', '--data-dir', dir]);
  assert.equal(gone.code, 0, gone.stderr);
  assert.match(gone.stdout, /WB-DONE forgotten/);
  const left = JSON.parse(
    (await wbc(['boxes', 'list', '--json', '--data-dir', dir])).stdout,
  ) as BoxOverview[];
  assert.deepEqual(
    left.map((b) => b.identity),
    ['WB-WAIT'],
  );
  const runs = JSON.parse(
    (await wbc(['runs', 'list', '--identity', 'WB-DONE', '--json', '--data-dir', dir])).stdout,
  ) as RunSummary[];
  assert.deepEqual(runs, []);
  const missing = await wbc(['boxes', 'show', 'WB-DONE', '--data-dir', dir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NOT_FOUND/);
  const audit = await wbc(['audit', '--entity', 'station', '--json', '--data-dir', dir]);
  assert.ok(
    (JSON.parse(audit.stdout) as Array<{ action: string }>).some((e) => e.action === 'station.forget'),
    'the audit log keeps a record of the forgetting',
  );
  const secrets = await wbc(['boxes', 'show', 'WB-WAIT', '--json', '--data-dir', dir]);
  assert.equal(secrets.code, 0);
});
