// A box swap between OCPP 1.6 and 2.0.1 over real WebSockets on loopback: settings move under their
// other-version names (resources/profiles/ocpp16-to-201.json), the rest is named in the plan; URL, identity,
// security profile, password and cards go to the other version's places; a failure puts back; a foreign stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { brokenBox, brokenBox201 } from '../support/broken-box.ts';
import { callOk } from '../support/core.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

test('swap 1.6 to 2.0.1: mapped settings, a network profile, identity, password and cards; unmapped keys named', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox(t, core, url);
  const replacement = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'FACTORY-201' });

  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-OLD',
    to: 'FACTORY-201',
    approval: 'manual',
    verifyWindowS: 2,
  });
  let run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'awaiting-approval', JSON.stringify(run.error ?? run.state.plan?.problems));
  const plan = run.state.plan;
  assert.ok(plan?.swap);
  assert.equal(plan.ocppVersion, '2.0.1');
  assert.equal(plan.swap.source.ocppVersion, '1.6');
  const write = (key: string) => plan.writes.find((w) => w.key === key);
  // Each 1.6 setting under its 2.0.1 name, the replacement's value before, the broken box's after.
  assert.deepEqual(write('OCPPCommCtrlr.HeartbeatInterval'), {
    key: 'OCPPCommCtrlr.HeartbeatInterval',
    from: '300',
    to: '120',
    secret: false,
  });
  assert.equal(write('SampledDataCtrlr.TxUpdatedInterval')?.to, '15');
  assert.equal(write('SecurityCtrlr.OrganizationName')?.to, 'ACME Parking');
  assert.equal(write('SecurityCtrlr.Identity')?.to, 'WB-OLD');
  assert.equal(write('SecurityCtrlr.BasicAuthPassword')?.secret, true);
  assert.ok(!plan.writes.some((w) => w.key === 'MeterValueSampleInterval' || w.key === 'CpoName'));
  // The URL the 1.6 box used (its URL key, identity appended by the box) as a 2.0.1 network profile.
  assert.deepEqual(
    { url: plan.networkProfile?.url, securityProfile: plan.networkProfile?.securityProfile },
    { url, securityProfile: 1 },
  );
  // 1.6 keys without a 2.0.1 setting of the same meaning: named, never skipped unsaid.
  const notMapped = plan.swap.notMapped.map((n) => n.key);
  for (const key of ['ConnectorPhaseRotation', 'LocalAuthListMaxLength', 'GetConfigurationMaxKeys'])
    assert.ok(notMapped.includes(key), notMapped.join());
  assert.deepEqual(plan.swap.cards, { version: 2, count: 4 });
  assert.equal(plan.swap.password, 'moved');
  assert.deepEqual(plan.problems, []);

  await callOk(core, 'commissioning.approve', { id: started.id });
  run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  const config = replacement.configuration();
  assert.equal(config['OCPPCommCtrlr.HeartbeatInterval'], '120');
  assert.equal(config['SampledDataCtrlr.TxUpdatedInterval'], '15');
  assert.equal(config['SecurityCtrlr.OrganizationName'], 'ACME Parking');
  assert.equal(replacement.secret('BasicAuthPassword'), password);
  assert.equal(replacement.localList().version >= 2, true);
  assert.equal(replacement.localList().entries.length, 4);
  // It comes back as the broken box, over the network profile the run wrote, with the broken box's password.
  await until(() => replacement.identity === 'WB-OLD', 20_000);
  await core.ocpp.csms.waitFor('WB-OLD', { timeoutMs: 20_000, booted: true });
  assert.equal(core.ocpp.csms.box('WB-OLD')?.ocppVersion, '2.0.1');
  const record = await callOk(core, 'boxes.show', { identity: 'WB-OLD' });
  assert.equal(record.replacements[0]?.replacement, 'FACTORY-201');
});

test('swap 2.0.1 to 1.6: the network profile becomes the URL key; a 2.0.1 password that breaks 1.6 rules is said, a new one set on request', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const { password: oldPassword } = await brokenBox201(t, core, url, company, 'WB-201-OLD', [
    { key: 'OCPPCommCtrlr.HeartbeatInterval', value: '90' },
  ]);

  const replacement = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'FACTORY-16' });
  // The 2.0.1 password (its alphabet) is no 1.6 AuthorizationKey (hex): blocked, said, nothing written.
  const blocked = await callOk(core, 'commissioning.swapPlan', { from: 'WB-201-OLD', to: 'FACTORY-16' });
  assert.deepEqual(
    blocked.problems.map((p) => p.code),
    ['SWAP_PASSWORD_DOES_NOT_FIT'],
  );

  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-201-OLD',
    to: 'FACTORY-16',
    approval: 'auto',
    newPassword: true,
    verifyWindowS: 2,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  const plan = run.state.plan;
  assert.equal(plan?.swap?.password, 'new');
  assert.ok(plan?.notes.some((n) => n.code === 'SWAP_NEW_PASSWORD'));
  assert.equal(plan?.writes.find((w) => w.key === 'HeartbeatInterval')?.to, '90');
  assert.equal(plan?.writes.find((w) => w.key === 'Cst_BackendUrl')?.to, company.url('/ocpp'));
  assert.equal(plan?.writes.find((w) => w.key === 'Cst_ChargeBoxId')?.to, 'WB-201-OLD');
  assert.equal(plan?.writes.find((w) => w.key === 'SecurityProfile')?.to, '1');
  // Written and accepted (the company CSMS's boot answer sets the interval again afterwards).
  assert.equal(run.state.results.HeartbeatInterval, 'Accepted');
  // The new password is the box's own now, under the identity it took, and not the old one.
  const kept = core.vault.list().find((s) => s.purpose === 'ocpp-basic-auth' && s.label === 'WB-201-OLD');
  assert.ok(kept);
  const newPassword = core.vault.use(kept.id, (v) => v);
  assert.notEqual(newPassword, oldPassword);
  assert.equal(replacement.secret('AuthorizationKey'), newPassword);
  await until(() => company.handshakes.filter((h) => h.identity === 'WB-201-OLD').length >= 2, 20_000);
  assert.equal(company.handshakes.filter((h) => h.identity === 'WB-201-OLD').at(-1)?.password, newPassword);
  assert.doesNotMatch(JSON.stringify(run), new RegExp(newPassword));
});

test('a cross-version swap that fails midway puts back what it wrote on the 2.0.1 box; its identity stays its own', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await brokenBox(t, core, url);
  const replacement = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'FACTORY-202',
    misbehave: { rejectKeys: ['SampledDataCtrlr.TxUpdatedInterval'] },
  });
  const priority = replacement.configuration()['OCPPCommCtrlr.NetworkConfigurationPriority'];
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-OLD',
    to: 'FACTORY-202',
    approval: 'auto',
    verifyWindowS: 2,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_WRITE_REFUSED');
  // The network profile went into a free slot; the box only uses it once the priority names it (never here).
  const written = Object.entries(run.state.results).filter(
    ([key, status]) => status === 'Accepted' && key !== 'SetNetworkProfile',
  );
  assert.ok(written.length > 0, 'something was written before the refusal');
  for (const [key] of written) {
    const entry = run.state.rollback?.entries.find((e) => e.key === key);
    assert.equal(entry?.outcome, 'restored', `${key}: ${JSON.stringify(entry)}`);
  }
  const config = replacement.configuration();
  assert.equal(config['OCPPCommCtrlr.HeartbeatInterval'], '300');
  assert.equal(config['SecurityCtrlr.OrganizationName'], 'Wallbox Commissioner');
  assert.equal(config['SecurityCtrlr.Identity'], 'FACTORY-202');
  assert.equal(config['OCPPCommCtrlr.NetworkConfigurationPriority'], priority);
  assert.equal(replacement.secret('BasicAuthPassword'), undefined);
  assert.equal(run.state.swap?.replacedAt, undefined);
});

test('swap 1.6 to a foreign 2.0.1 stack (its own OCPP-J framing): settings, cards and identity arrive', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox(t, core, url);
  const box = await foreignBox201(t, { url, identity: 'FX-NEW', identityWritable: true });
  await core.ocpp.csms.waitFor('FX-NEW', { timeoutMs: 20_000, booted: true });
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-OLD',
    to: 'FX-NEW',
    approval: 'auto',
    verifyWindowS: 2,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.equal(box.value('OCPPCommCtrlr.HeartbeatInterval'), '120');
  assert.equal(box.value('SampledDataCtrlr.TxUpdatedInterval'), '15');
  assert.equal(box.value('SecurityCtrlr.BasicAuthPassword'), password);
  assert.equal(box.localList().version >= 2, true);
  assert.equal(box.localList().tokens.length, 4);
  // 1.6 keys this model has no place for are in the plan, not lost: CpoName maps to OrganizationName,
  // which this firmware does not have.
  assert.ok(run.state.plan?.swap?.notMovable.some((n) => n.key === 'SecurityCtrlr.OrganizationName'));
  await until(() => box.value('SecurityCtrlr.Identity') === 'WB-OLD', 20_000);
  await core.ocpp.csms.waitFor('WB-OLD', { timeoutMs: 30_000, booted: true });
});
