// A box that cannot take what the template asks (no InstallCertificate, no SecurityProfile key, no local
// list) is found in the plan, over real WebSockets against the simulator: the run stops there with the
// reason and the way around it, and nothing is written to the box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText } from '../../locales/translate.ts';
import type { TemplateInput } from '../../main/commissioning/template.ts';
import type { Core } from '../../main/core.ts';
import type { SimStationOptions } from '../../main/simulator/station.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

/** Calls that change a box: none of them may appear in the trace of a blocked run. */
const WRITES = [
  'ChangeConfiguration',
  'SetVariables',
  'SetNetworkProfile',
  'InstallCertificate',
  'SendLocalList',
  'SetChargingProfile',
  'Reset',
];

async function blockedRun(
  t: Parameters<typeof coreWithCsms>[0],
  box: Omit<SimStationOptions, 'endpoint' | 'identity'>,
  template: (core: Core) => Promise<TemplateInput>,
) {
  // The default call timeout (30 s) stays: a run that waited for an unanswered call would show it.
  const { core, url } = await coreWithCsms(t);
  const identity = 'WB-CANNOT';
  await simBox(t, core, { ...box, endpoint: url, identity });
  const started = await callOk(core, 'commissioning.start', {
    identity,
    template: await template(core),
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  const sent = core.ocpp.trace
    .list({ identity, limit: 1000 })
    .filter((f) => f.direction === 'out')
    .map((f) => f.action);
  return { run, sent, text: errorText('en', run.error?.code ?? '', run.error?.params ?? {}) };
}

function assertStoppedAtPlan(result: Awaited<ReturnType<typeof blockedRun>>, reason: string): void {
  const { run, sent } = result;
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_BLOCKED');
  assert.equal(run.error?.params.reason, reason);
  assert.equal(run.step, 'plan');
  assert.ok(
    run.state.plan?.problems.some((p) => p.code === reason),
    JSON.stringify(run.state.plan?.problems),
  );
  const writes = sent.filter((action) => WRITES.includes(action ?? ''));
  assert.deepEqual(writes, [], `nothing may be written, but the tool sent ${writes.join(', ')}`);
}

test('1.6 without the security extension: a template with a CA certificate stops at the plan, install it by hand', async (t) => {
  const result = await blockedRun(t, { ocppVersion: '1.6', noSecurityExtension: true }, async (core) => {
    const ca = await callOk(core, 'csms.certificate', {});
    return {
      name: 'TLS depot',
      csms: { url: 'wss://127.0.0.1:9/ocpp', securityProfile: 2, caCertificate: ca.caCertificate },
      verifyWindowS: 2,
    };
  });
  assertStoppedAtPlan(result, 'NO_INSTALL_CERTIFICATE');
  assert.match(result.text.message, /cannot take a CA certificate over OCPP/);
  assert.match(result.text.message, /install it by hand/);
  assert.match(result.text.message, /then run without it/);
  // It was read (the snapshot), never asked to install anything.
  assert.ok(result.sent.includes('GetConfiguration'));
});

test('1.6 without a SecurityProfile key: a template at profile 1 stops at the plan before the password is written', async (t) => {
  const result = await blockedRun(t, { ocppVersion: '1.6', noSecurityProfileKey: true }, async () => ({
    name: 'Basic auth',
    csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 1 },
    heartbeatIntervalS: 120,
    verifyWindowS: 2,
  }));
  assertStoppedAtPlan(result, 'NO_SECURITY_PROFILE_KEY');
  assert.match(result.text.message, /no SecurityProfile key/);
  assert.match(result.text.message, /security profile 0/);
});

test('1.6 without a local list: a template with cards stops at the plan, with the feature profiles it reports', async (t) => {
  const result = await blockedRun(t, { ocppVersion: '1.6', noLocalList: true }, async () => ({
    name: 'Staff cards',
    csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
    groups: ['Staff'],
    verifyWindowS: 2,
  }));
  assertStoppedAtPlan(result, 'NO_LOCAL_LIST');
  assert.match(String(result.run.error?.params.detail), /SupportedFeatureProfiles = Core,RemoteTrigger/);
  assert.match(result.text.message, /run without the groups/);
});

test('2.0.1 with its local list not available: a template with cards stops at the plan, no SetVariables', async (t) => {
  const result = await blockedRun(t, { ocppVersion: '2.0.1', noLocalList: true }, async () => ({
    name: 'Staff cards',
    csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
    groups: ['Staff'],
    verifyWindowS: 2,
  }));
  assertStoppedAtPlan(result, 'NO_LOCAL_LIST');
  assert.equal(result.run.error?.params.detail, 'LocalAuthListCtrlr.Available = false');
});

test('a template naming a group that no longer exists stops at the plan, before any write, naming the group', async (t) => {
  const result = await blockedRun(t, { ocppVersion: '1.6' }, async (core) => {
    await callOk(core, 'groups.create', { name: 'Staff' });
    return {
      name: 'Staff and ghosts',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
      heartbeatIntervalS: 120,
      groups: ['Staff', 'Night shift'],
      verifyWindowS: 2,
    };
  });
  assertStoppedAtPlan(result, 'GROUP_MISSING');
  assert.equal(result.run.error?.params.groups, 'Night shift');
  assert.match(result.text.message, /Night shift, which do not exist/);
});

test('the same boxes without those templates are not blocked: the checks look only at what is asked', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-PLAIN',
    noSecurityExtension: true,
  });
  await callOk(core, 'config.read', { identity: 'WB-PLAIN' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-PLAIN',
    template: { name: 'Plain', csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 }, verifyWindowS: 2 },
    approval: 'manual',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'awaiting-approval', JSON.stringify(run.error));
  assert.deepEqual(run.state.plan?.problems, []);
});
