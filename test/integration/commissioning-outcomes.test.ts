// The three honest outcomes of a run and "nothing half-written", against simulated boxes over real
// WebSockets: a box that ignores its new URL and comes back late, one that rejects a key after others
// were accepted (values put back and read back), and one whose password the tool refuses after its reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../main/commissioning/types.ts';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, testCore } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

function untilRun(core: Core, id: number, done: (r: RunSummary) => boolean): Promise<RunSummary> {
  return new Promise((resolve) => {
    const listener = (r: RunSummary) => {
      if (r.id !== id || !done(r)) return;
      core.commissioning.off('run', listener);
      resolve(r);
    };
    core.commissioning.on('run', listener);
  });
}

test('a box that leaves and does not come back is "left, not confirmed", never succeeded; back after the window it turns failed', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  // Takes the URL key, ignores it, and reboots slower than the (short, for the test) window.
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-LATE',
    misbehave: { ignoreUrlKey: true, rebootMs: 4000 },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-LATE',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 1 },
    approval: 'auto',
  });
  const failedLater = untilRun(core, started.id, (r) => r.status === 'failed');
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(run.state.verify?.outcome, 'left');
  assert.equal(run.state.verify?.windowS, 1);
  assert.ok(run.state.verify?.deadline, 'the run state carries the deadline the view counts down to');
  // The box comes back to the tool after the window: the run does not stay "left".
  const late = await failedLater;
  assert.equal(late.error?.code, 'COMMISSION_RETURNED_LATE');
  const detail = core.commissioning.runs.get(started.id);
  assert.equal(detail.state.verify?.outcome, 'returned-late');
  assert.equal(company.connected('WB-LATE'), false);
});

test('1.6: a box that ignores its new URL and comes back within the window fails the run', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-IGNORE',
    misbehave: { ignoreUrlKey: true },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-IGNORE',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 30 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_NOT_VERIFIED');
  assert.equal(run.state.verify?.outcome, 'returned');
});

test("without a verify window in the template the run watches the box for its model's reboot time, at least 180 s", async (t) => {
  const { verifyWindow } = await import('../../main/commissioning/verify-window.ts');
  const { core, url } = await coreWithCsms(t);
  const box = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-MODEL',
    vendor: 'ABB',
  });
  const info = core.ocpp.csms.box(box.identity);
  assert.deepEqual(verifyWindow({}, info?.boot ?? null), { windowS: 240, source: 'profile' });
  assert.deepEqual(verifyWindow({}, { vendor: 'Unknown GmbH', model: 'X' }), {
    windowS: 180,
    source: 'default',
  });
  assert.deepEqual(verifyWindow({ verifyWindowS: 5 }, info?.boot ?? null), {
    windowS: 5,
    source: 'template',
  });
});

test('a key rejected after others were accepted: every value goes back, read back equal, the URL is not left changed, the password never sent', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  // The current limit goes after every setting: by then HeartbeatInterval and the URL were accepted,
  // and a box whose hardware allows 16 A rejects a 32 A limit.
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-HALF',
    hardwareMaxA: 16,
  });
  const before = sim.configuration();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-HALF',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 120,
      maxCurrentA: 32,
      verifyWindowS: 2,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_LIMIT_REFUSED');
  assert.equal(run.state.results.Cst_BackendUrl, 'RebootRequired', 'the URL was accepted before the failure');
  assert.equal(run.state.results.HeartbeatInterval, 'Accepted');
  assert.notEqual(before.HeartbeatInterval, '120');
  const after = sim.configuration();
  assert.equal(after.Cst_BackendUrl, before.Cst_BackendUrl);
  assert.equal(after.HeartbeatInterval, before.HeartbeatInterval);
  const rollback = run.state.rollback;
  assert.equal(rollback?.mode, 'restored');
  assert.deepEqual(
    rollback?.entries.map((e) => [e.key, e.outcome, e.readBack]),
    [
      ['Cst_BackendUrl', 'restored', before.Cst_BackendUrl],
      ['HeartbeatInterval', 'restored', before.HeartbeatInterval],
    ],
  );
  assert.equal(rollback?.nextReboot, 'as-before');
  // The write-only password goes right before the reset: a run that failed earlier never sent it.
  assert.equal(run.state.results.AuthorizationKey, undefined);
  assert.equal(run.state.results.SecurityProfile, undefined);
  assert.ok(!core.ocpp.trace.list({ identity: 'WB-HALF', limit: 500 }).some((f) => f.action === 'Reset'));
});

test('--keep-on-failure keeps what the box accepted, and the run says it goes to the new CSMS at its next reboot', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-KEEP',
    hardwareMaxA: 16,
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-KEEP',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      maxCurrentA: 32,
      verifyWindowS: 2,
    },
    approval: 'auto',
    keepOnFailure: true,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(sim.configuration().Cst_BackendUrl, company.url('/ocpp'));
  assert.equal(run.state.rollback?.mode, 'kept');
  assert.ok(run.state.rollback?.entries.every((e) => e.outcome === 'kept'));
  assert.equal(run.state.rollback?.nextReboot, 'new-csms');
});

test('a failure after the write-only password: the URL goes back, and the run says the box keeps the new password', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t, { callTimeoutMs: 1500 });
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-NORESET',
    misbehave: { neverAnswer: ['Reset'] },
  });
  const before = sim.configuration();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-NORESET',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.state.steps.find((s) => s.step === 'reset')?.status, 'failed');
  assert.equal(run.state.results.AuthorizationKey, 'Accepted');
  assert.equal(sim.configuration().Cst_BackendUrl, before.Cst_BackendUrl);
  const entries = run.state.rollback?.entries ?? [];
  assert.deepEqual(
    entries.slice(0, 2).map((e) => [e.key, e.outcome]),
    [
      ['SecurityProfile', 'one-way'],
      ['AuthorizationKey', 'write-only'],
    ],
    'the last writes are looked at first',
  );
  assert.equal(entries.find((e) => e.key === 'Cst_BackendUrl')?.outcome, 'restored');
  assert.equal(run.state.rollback?.nextReboot, 'new-password');
});

test('a box the local CSMS keeps refusing after its reset (old password) fails the run as locked out instead of waiting', async (t) => {
  const core = testCore(t);
  let sim: { secret(name: 'AuthorizationKey'): string | undefined } | null = null;
  // Each box's own password, as the local CSMS knows it (here: what the box holds, as the vault would).
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: true,
    bootIntervalS: 1,
    password: () => sim?.secret('AuthorizationKey') ?? 'shared-password-0001',
  });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const company = await BareCsms.start(t);
  sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-LOCKED',
    password: 'shared-password-0001',
    securityProfile: 1,
    // Comes back to the tool after its reset, with a password the tool does not know.
    misbehave: { ignoreUrlKey: true, passwordAfterReset: 'an-old-password-0001' },
  });
  const refused: unknown[] = [];
  core.ocpp.on('refused', (r) => refused.push(r));
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-LOCKED',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 600 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_BOX_LOCKED_OUT');
  assert.equal(run.error?.params.reason, 'wrong-password');
  assert.equal(run.state.verify?.outcome, 'locked-out');
  assert.ok(refused.length >= 3);
  assert.doesNotMatch(JSON.stringify([run, refused]), /an-old-password-0001/);
});

test('a box dropped mid-run whose reconnects the local CSMS refuses is not waited for forever: the run fails as locked out', async (t) => {
  const core = testCore(t);
  let expected = 'shared-password-0001';
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: true,
    bootIntervalS: 1,
    password: () => expected,
  });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const company = await BareCsms.start(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-DROPPED',
    password: 'shared-password-0001',
    securityProfile: 1,
    misbehave: { dropAfterCalls: 2 },
  });
  // From now on the tool expects another password than the box holds (an old password on the box).
  expected = 'rotated-password-0002';
  const seen = new Set<string>();
  core.commissioning.on('run', (r: RunSummary) => seen.add(r.status));
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-DROPPED',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.ok(seen.has('waiting-for-box'), 'the box dropped off and was waited for');
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_BOX_LOCKED_OUT');
});

test('with a CSMS connector, a box the company CSMS reports connected and accepted is confirmed', async (t) => {
  const { CsmsStatusApi } = await import('../support/csms-status-api.ts');
  const company = await BareCsms.start(t);
  const api = await CsmsStatusApi.start(t, company);
  const { core, url } = await coreWithCsms(t);
  core.commissioning.setPresence(api.presence(), 100);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-SEEN' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-SEEN',
    // A long window: the confirmation ends the watch, not the window.
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 600 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'confirmed', JSON.stringify(run.error));
  assert.equal(run.state.verify?.outcome, 'confirmed');
  assert.equal(run.state.verify?.confirmedBy, `status API at ${api.url}`);
  assert.equal(company.lastBoot('WB-SEEN'), 'Accepted');
  assert.doesNotMatch(JSON.stringify(run), new RegExp(api.token));
});

test('with a CSMS connector, a box the company CSMS keeps Pending is not confirmed: left, not confirmed', async (t) => {
  const { CsmsStatusApi } = await import('../support/csms-status-api.ts');
  const company = await BareCsms.start(t, { boot: () => 'Pending' });
  const api = await CsmsStatusApi.start(t, company);
  const { core, url } = await coreWithCsms(t);
  core.commissioning.setPresence(api.presence(), 100);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-PENDING' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-PENDING',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 3 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.ok(api.requests > 0, 'the connector was asked');
  assert.equal(company.lastBoot('WB-PENDING'), 'Pending');
});

test('2.0.1: a box that rejects the new priority gets its settings back, keeps dialing its old slot, and the unused new slot is named', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-PRIO',
    misbehave: { rejectKeys: ['OCPPCommCtrlr.NetworkConfigurationPriority'] },
  });
  const before = sim.configuration();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-PRIO',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 120,
      verifyWindowS: 2,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_WRITE_REFUSED');
  assert.equal(run.state.results['OCPPCommCtrlr.HeartbeatInterval'], 'Accepted');
  const after = sim.configuration();
  const heartbeat = Object.keys(after).find((k) => k.startsWith('OCPPCommCtrlr.HeartbeatInterval')) ?? '';
  assert.equal(after[heartbeat], before[heartbeat]);
  assert.deepEqual(
    run.state.rollback?.entries.map((e) => [e.key, e.outcome]),
    [
      ['OCPPCommCtrlr.HeartbeatInterval', 'restored'],
      ['SetNetworkProfile 1', 'unused'],
    ],
  );
  assert.equal(run.state.rollback?.nextReboot, 'as-before');
  assert.equal(
    run.state.results['SecurityCtrlr.BasicAuthPassword'],
    undefined,
    'the password was never sent',
  );
  assert.match(sim.currentEndpoint(), new RegExp(`^${url}`));
});

test('with a CSMS connector, a box the company CSMS rejects fails the run with the reason', async (t) => {
  const { CsmsStatusApi } = await import('../support/csms-status-api.ts');
  const company = await BareCsms.start(t, { boot: () => 'Rejected' });
  const api = await CsmsStatusApi.start(t, company);
  const { core, url } = await coreWithCsms(t);
  core.commissioning.setPresence(api.presence(), 100);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-REFUSED' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-REFUSED',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 600 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_CSMS_REJECTED');
  assert.equal(run.state.verify?.outcome, 'rejected');
});
