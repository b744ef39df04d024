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

test('a mixed fleet shows one combined plan (per version, shared changes grouped, exceptions per box), and one approval moves every box', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await Promise.all([
    simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'MX-A' }),
    simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'MX-B' }),
    // A box of another make: its URL lives under another key, so its URL change is its exception.
    simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'MX-ODD', urlKey: 'CentralSystemURI' }),
    simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'MX-201' }),
  ]);
  const identities = ['MX-A', 'MX-B', 'MX-ODD', 'MX-201'];
  const fleet = await callOk(core, 'commissioning.fleet', {
    identities,
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 120,
      verifyWindowS: 2,
    },
    approval: 'manual',
  });
  const waiting = await Promise.all(fleet.runs.map((r) => core.commissioning.settled(r.id)));
  assert.deepEqual(
    waiting.map((r) => r.status),
    identities.map(() => 'awaiting-approval'),
    JSON.stringify(waiting.map((r) => r.error)),
  );
  for (const identity of identities)
    assert.ok(
      core.ocpp.trace
        .list({ identity, limit: 500 })
        .every((f) => f.action !== 'ChangeConfiguration' && f.action !== 'SetVariables'),
      `${identity} untouched before approval`,
    );

  const plan = await callOk(core, 'commissioning.fleetPlan', { fleetId: fleet.fleetId });
  assert.equal(plan.approval, 'manual');
  assert.deepEqual(plan.awaiting, ['MX-201', 'MX-A', 'MX-B', 'MX-ODD']);
  assert.deepEqual(
    plan.versions.map((v) => [v.ocppVersion, v.boxes]),
    [
      ['1.6', ['MX-A', 'MX-B', 'MX-ODD']],
      ['2.0.1', ['MX-201']],
    ],
  );
  const v16 = plan.versions[0];
  const heartbeat = v16?.common.find((c) => c.key === 'HeartbeatInterval');
  assert.equal(heartbeat?.to, '120');
  assert.deepEqual(heartbeat?.boxes, ['MX-A', 'MX-B', 'MX-ODD'], 'one line for the three boxes');
  assert.ok(!v16?.common.some((c) => c.key === 'Cst_BackendUrl' || c.key === 'CentralSystemURI'));
  const odd = v16?.exceptions.find((e) => e.identity === 'MX-ODD');
  assert.deepEqual(
    odd?.writes.map((w) => w.key),
    ['CentralSystemURI'],
  );
  assert.ok(
    v16?.exceptions.find((e) => e.identity === 'MX-A')?.writes.some((w) => w.key === 'Cst_BackendUrl'),
  );
  assert.ok(
    plan.versions[1]?.common.some((c) => c.key.startsWith('SetNetworkProfile')),
    'the 2.0.1 plan shows its slot',
  );
  // The password is grouped as what it is, never its value.
  const password = v16?.common.find((c) => c.secret);
  assert.equal(password?.to, '(generated password)');

  const approved = await callOk(core, 'commissioning.approveFleet', { fleetId: fleet.fleetId });
  assert.equal(approved.length, 4);
  const ended = await Promise.all(fleet.runs.map((r) => core.commissioning.settled(r.id)));
  assert.deepEqual(
    ended.map((r) => r.status),
    identities.map(() => 'left-not-confirmed'),
    JSON.stringify(ended.map((r) => r.error)),
  );
  for (const identity of identities)
    await company.waitFor(`${identity} at company`, () => company.connected(identity));
  const after = await callOk(core, 'commissioning.fleetPlan', { fleetId: fleet.fleetId });
  assert.deepEqual(after.awaiting, []);
});

test('approving a fleet keeps to its concurrency: with 1, a box is written only after the one before was reset', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const identities = ['ONE-A', 'ONE-B', 'ONE-C'];
  await Promise.all(
    identities.map((identity) => simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity })),
  );
  const fleet = await callOk(core, 'commissioning.fleet', {
    identities,
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'manual',
    concurrency: 1,
  });
  const waiting = await Promise.all(fleet.runs.map((r) => core.commissioning.settled(r.id)));
  assert.deepEqual(
    waiting.map((r) => r.status),
    identities.map(() => 'awaiting-approval'),
  );
  await callOk(core, 'commissioning.approveFleet', { fleetId: fleet.fleetId });
  const ended = await Promise.all(fleet.runs.map((r) => core.commissioning.settled(r.id)));
  assert.deepEqual(
    ended.map((r) => r.status),
    identities.map(() => 'left-not-confirmed'),
    JSON.stringify(ended.map((r) => r.error)),
  );
  // In the order of the trace: each box's first write comes after the previous box's reset.
  const sent = core.ocpp.trace.list({ limit: 10_000 }).filter((f) => f.direction === 'out' && f.action);
  const first = (identity: string) =>
    sent.find((f) => f.identity === identity && f.action === 'ChangeConfiguration')?.id ?? 0;
  const reset = (identity: string) =>
    sent.find((f) => f.identity === identity && f.action === 'Reset')?.id ?? Number.POSITIVE_INFINITY;
  const order = [...identities].sort((a, b) => first(a) - first(b));
  for (let i = 1; i < order.length; i++) {
    const before = order[i - 1] as string;
    const after = order[i] as string;
    assert.ok(reset(before) < first(after), `${after} written before ${before} was reset`);
  }
});
