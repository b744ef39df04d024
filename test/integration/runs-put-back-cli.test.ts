// `wbc runs put-back RUN` as a technician types it, against the running core (its local channel) and a
// simulated box on its CSMS over a real WebSocket: without --yes it only names the values, with --yes the
// box holds what it held before the run (read back), and the exit code says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLocalChannel } from '../../main/server/local-channel.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

test('wbc runs put-back names what it would undo, writes only with --yes, prints what the box holds, exit 0', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const channel = await openLocalChannel(core);
  t.after(() => channel.close());
  // The box refuses the 32 A limit (it has 16 A): the run fails after the URL was accepted, and keeps it.
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-CLI',
    hardwareMaxA: 16,
  });
  const before = sim.configuration();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-CLI',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, maxCurrentA: 32 },
    approval: 'auto',
    keepOnFailure: true,
  });
  assert.equal((await core.commissioning.settled(started.id)).status, 'failed');
  const run = (...args: string[]) => wbc(['--data-dir', core.dataDir, 'runs', 'put-back', ...args]);

  const asked = await run(String(started.id));
  assert.equal(asked.code, 1, asked.stderr);
  assert.match(
    asked.stderr,
    new RegExp(`Cst_BackendUrl: ${company.url('/ocpp')} → ${before.Cst_BackendUrl}`),
  );
  assert.match(asked.stderr, /COMMISSION_PUT_BACK_NOT_CONFIRMED/);
  assert.equal(asked.stdout, '');
  assert.equal(sim.configuration().Cst_BackendUrl, company.url('/ocpp'), 'nothing written without --yes');

  const done = await run(String(started.id), '--yes');
  assert.equal(done.code, 0, `exit ${done.code}: ${done.stderr}`);
  assert.match(done.stdout, /What the box holds now/);
  assert.match(
    done.stdout,
    new RegExp(`Cst_BackendUrl: put back to ${before.Cst_BackendUrl} \\(read back\\)`),
  );
  assert.match(done.stdout, /goes back to the CSMS it used before the run/);
  assert.equal(sim.configuration().Cst_BackendUrl, before.Cst_BackendUrl);
  assert.equal(core.commissioning.runs.get(started.id).state.rollback?.mode, 'restored');

  // Nothing is left to put back: a typed refusal and exit 1, the box untouched.
  const again = await run(String(started.id), '--yes');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /COMMISSION_NOTHING_TO_PUT_BACK/);
});

test('wbc runs put-back --help prints its help, opens nothing', async () => {
  const help = await wbc(['runs', 'put-back', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /runs put-back RUN \[--yes\]/);
  assert.match(help.stdout, /--yes/);
});
