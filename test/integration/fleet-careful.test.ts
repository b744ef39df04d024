// Runs as careful as they claim, against simulated boxes over real WebSockets: a failed run that kept its
// values offers "Put back what was written" (the snapshot before the run is the undo, read back after),
// and a fleet's plans come as one combined plan to approve.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, callRaw } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

test('a failed run that kept its values puts them back on request: the box holds what it held before, read back', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  // The box refuses the 32 A limit (it has 16 A), so the run fails after the URL was accepted.
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-UNDO',
    hardwareMaxA: 16,
  });
  const before = sim.configuration();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-UNDO',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 120,
      maxCurrentA: 32,
      verifyWindowS: 2,
    },
    approval: 'auto',
    keepOnFailure: true,
  });
  const failed = await core.commissioning.settled(started.id);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.state.rollback?.mode, 'kept');
  assert.equal(sim.configuration().Cst_BackendUrl, company.url('/ocpp'), 'the run kept the new URL');

  const undone = await callOk(core, 'commissioning.putBack', { id: started.id });
  assert.equal(undone.status, 'failed', 'the run keeps its failure; only what the box holds changes');
  assert.equal(undone.state.rollback?.mode, 'restored');
  assert.deepEqual(
    undone.state.rollback?.entries.map((e) => [e.key, e.outcome, e.readBack]),
    [
      ['Cst_BackendUrl', 'restored', before.Cst_BackendUrl],
      ['HeartbeatInterval', 'restored', before.HeartbeatInterval],
    ],
  );
  assert.equal(undone.state.rollback?.nextReboot, 'as-before');
  assert.equal(sim.configuration().Cst_BackendUrl, before.Cst_BackendUrl);
  assert.equal(sim.configuration().HeartbeatInterval, before.HeartbeatInterval);
  // Stored and audited: the box's page and the report read the same.
  assert.equal(core.commissioning.runs.get(started.id).state.rollback?.mode, 'restored');
  const audit = core.store.db
    .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'commissioning.put-back'")
    .get() as { n: number };
  assert.equal(audit.n, 1);

  // Nothing is left to put back now: asked again, a typed refusal, and the box is not written.
  const again = await callRaw(core, 'commissioning.putBack', { id: started.id });
  assert.equal(again.ok, false);
  assert.equal(!again.ok && again.error.code, 'COMMISSION_NOTHING_TO_PUT_BACK');
});

test('put back asked while the box is offline is refused as BOX_OFFLINE, and the run still offers it', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-GONE',
    hardwareMaxA: 16,
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-GONE',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, maxCurrentA: 32 },
    approval: 'auto',
    keepOnFailure: true,
  });
  assert.equal((await core.commissioning.settled(started.id)).status, 'failed');
  const gone = new Promise<void>((resolve) => {
    const listener = (box: { identity: string; state: string }) => {
      if (box.identity !== 'WB-GONE' || box.state === 'connected') return;
      core.ocpp.csms.off('box', listener);
      resolve();
    };
    core.ocpp.csms.on('box', listener);
  });
  await sim.stop();
  await gone;
  const reply = await callRaw(core, 'commissioning.putBack', { id: started.id });
  assert.equal(!reply.ok && reply.error.code, 'BOX_OFFLINE');
  assert.equal(core.commissioning.runs.get(started.id).state.rollback?.mode, 'kept');
});
