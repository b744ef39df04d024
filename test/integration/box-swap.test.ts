// Box swap end to end over real WebSockets on loopback: a broken box's settings, cards, password and
// identity move to a simulated replacement as a run with a plan; what cannot move is in the plan; a failure
// mid-swap puts back; the backup file holds no secret; config.compare serves the Diagnose page's diff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { brokenBox, brokenBox201 } from '../support/broken-box.ts';
import { callOk, callRaw } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

test('swap 1.6 to 1.6: settings, cards, password and identity move; the old record says it was replaced', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox(t, core, url);
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-7',
    serialNumber: 'SN-NEW-7',
    model: 'New Model',
  });

  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-OLD',
    to: 'FACTORY-7',
    approval: 'manual',
    verifyWindowS: 2,
  });
  let run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'awaiting-approval', JSON.stringify(run.error));
  const plan = run.state.plan;
  assert.ok(plan?.swap);
  const write = (key: string) => plan.writes.find((w) => w.key === key);
  // Every setting with the replacement's value before and the broken box's after.
  assert.deepEqual(write('MeterValueSampleInterval'), {
    key: 'MeterValueSampleInterval',
    from: '60',
    to: '15',
    secret: false,
  });
  assert.deepEqual(write('CpoName'), { key: 'CpoName', from: '', to: 'ACME Parking', secret: false });
  assert.equal(write('Cst_ChargeBoxId')?.to, 'WB-OLD');
  assert.equal(write('AuthorizationKey')?.secret, true);
  assert.equal(write('SecurityProfile')?.to, '1');
  // The identity is the last readable write: after every setting, before the password.
  const keys = plan.writes.map((w) => w.key);
  assert.deepEqual(keys.slice(-3), ['Cst_ChargeBoxId', 'AuthorizationKey', 'SecurityProfile']);
  assert.deepEqual(plan.swap.cards, { version: 2, count: 4 });
  assert.equal(plan.swap.password, 'moved');
  assert.deepEqual(plan.swap.notMovable, []);
  assert.doesNotMatch(JSON.stringify(run), new RegExp(password));

  await callOk(core, 'commissioning.approve', { id: started.id });
  run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(run.state.results.CpoName, 'Accepted');

  // The replacement now holds the broken box's settings, cards (same version), password and identity.
  const config = replacement.configuration();
  assert.equal(config.MeterValueSampleInterval, '15');
  assert.equal(config.HeartbeatInterval, '120');
  assert.equal(config.CpoName, 'ACME Parking');
  assert.equal(replacement.secret('AuthorizationKey'), password);
  assert.equal(replacement.localList().version, 2);
  assert.equal(replacement.localList().entries.length, 4);
  await until(() => replacement.identity === 'WB-OLD', 20_000);
  await core.ocpp.csms.waitFor('WB-OLD', { timeoutMs: 20_000, booted: true });
  assert.equal(core.ocpp.csms.box('WB-OLD')?.boot?.serialNumber, 'SN-NEW-7');

  // The old box's record: replaced by SN-NEW-7, both boxes in its history.
  const record = await callOk(core, 'boxes.show', { identity: 'WB-OLD' });
  assert.equal(record.replacements.length, 1);
  assert.equal(record.replacements[0]?.serialNumber, 'SN-NEW-7');
  assert.equal(record.replacements[0]?.old?.serialNumber, 'SN-OLD-1');
  assert.equal(record.replacements[0]?.replacement, 'FACTORY-7');
  assert.equal(record.serialNumber, 'SN-NEW-7');
  assert.equal(run.state.swap?.replacedAt, record.replacements[0]?.at);
  const audit = JSON.stringify(await callOk(core, 'audit.list', { limit: 1000 }));
  assert.doesNotMatch(audit, new RegExp(password));
});

test('swap 2.0.1 to 2.0.1: the replacement gets the network profile the old box was given, its password and identity', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox201(t, core, url, company, 'WB-201-OLD');

  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'FACTORY-201' });
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-201-OLD',
    to: 'FACTORY-201',
    approval: 'auto',
    verifyWindowS: 2,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(run.state.plan?.networkProfile?.url, company.url('/ocpp'));
  assert.equal(run.state.plan?.swap?.identityKey, 'SecurityCtrlr.Identity');
  assert.equal(run.state.results['SecurityCtrlr.Identity'], 'RebootRequired');
  // The replacement reaches the company CSMS as the old box, with the old box's password.
  await until(() => company.handshakes.filter((h) => h.identity === 'WB-201-OLD').length >= 2, 20_000);
  assert.equal(company.handshakes.filter((h) => h.identity === 'WB-201-OLD').at(-1)?.password, password);
});

test('a replacement of another model: settings it lacks are in the plan as not movable, read-only differences too', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await brokenBox(t, core, url);
  // This model has no local authorization list: its keys (and the cards) cannot move.
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-8',
    model: 'Lean Model',
    noLocalList: true,
  });
  const plan = await callOk(core, 'commissioning.swapPlan', { from: 'WB-OLD', to: 'FACTORY-8' });
  const notMovable = plan.swap?.notMovable.map((n) => n.key) ?? [];
  assert.ok(notMovable.includes('LocalAuthListEnabled'), notMovable.join());
  assert.ok(!plan.writes.some((w) => w.key === 'LocalAuthListEnabled'));
  const readOnly = plan.swap?.readOnly.find((r) => r.key === 'SupportedFeatureProfiles');
  assert.match(readOnly?.broken ?? '', /LocalAuthListManagement/);
  assert.doesNotMatch(readOnly?.replacement ?? '', /LocalAuthListManagement/);
  assert.deepEqual(plan.notes, [{ code: 'SWAP_CARDS_NOT_MOVABLE', params: { count: 4 } }]);
  assert.equal(plan.swap?.cards, null);
  // What it has still moves.
  assert.equal(plan.writes.find((w) => w.key === 'CpoName')?.to, 'ACME Parking');
  assert.deepEqual(plan.problems, []);
});

test('a swap that fails midway puts back what it wrote; the identity stays the replacement own', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await brokenBox(t, core, url);
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-9',
    misbehave: { rejectKeys: ['HeartbeatInterval'] },
  });
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-OLD',
    to: 'FACTORY-9',
    approval: 'auto',
    verifyWindowS: 2,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_WRITE_REFUSED');
  // CpoName went before the refused interval (the snapshot's order): written, then put back and read back.
  assert.equal(run.state.results.CpoName, 'Accepted');
  const restored = run.state.rollback?.entries.find((e) => e.key === 'CpoName');
  assert.equal(restored?.outcome, 'restored');
  assert.equal(replacement.configuration().CpoName, '');
  assert.equal(run.state.results.MeterValueSampleInterval, undefined, 'nothing after the refusal is written');
  assert.equal(replacement.configuration().MeterValueSampleInterval, '60');
  assert.equal(replacement.configuration().Cst_ChargeBoxId, 'FACTORY-9');
  assert.equal(replacement.secret('AuthorizationKey'), undefined);
  assert.equal(run.state.swap?.replacedAt, undefined);
  assert.deepEqual((await callOk(core, 'boxes.show', { identity: 'WB-OLD' })).replacements, []);
});

test('a swap is refused while the broken box is still connected, and for one box with itself', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-LIVE' });
  await callOk(core, 'config.read', { identity: 'WB-LIVE' });
  const still = await callRaw(core, 'commissioning.swap', { from: 'WB-LIVE', to: 'FACTORY-1' });
  assert.equal(still.ok ? '' : still.error.code, 'SWAP_OLD_STILL_CONNECTED');
  const self = await callRaw(core, 'commissioning.swap', { from: 'FACTORY-1', to: 'factory-1' });
  assert.equal(self.ok ? '' : self.error.code, 'SWAP_SAME_BOX');
  const unknown = await callRaw(core, 'commissioning.swap', { from: 'WB-NEVER', to: 'FACTORY-1' });
  assert.equal(unknown.ok ? '' : unknown.error.code, 'CONFIG_NO_SNAPSHOT');
});

test('backup: the full configuration, cards and list version as JSON, without any secret; unreadable values named', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox(t, core, url);
  const result = await callOk(core, 'config.backup', { identity: 'WB-OLD' });
  assert.equal(result.fresh, false, 'the box is gone: its last snapshot is the backup');
  assert.doesNotMatch(result.json, new RegExp(password, 'i'));
  const file = JSON.parse(result.json) as {
    settings: Array<{ key: string; value: string }>;
    notRead: Array<{ key: string; why: string }>;
    localList: { version: number; cards: unknown[] };
    password: string;
    box: { serialNumber: string };
  };
  assert.equal(file.settings.find((s) => s.key === 'CpoName')?.value, 'ACME Parking');
  assert.deepEqual(file.notRead, [{ key: 'AuthorizationKey', why: 'write-only' }]);
  assert.equal(file.localList.version, 2);
  assert.equal(file.localList.cards.length, 4);
  assert.equal(file.password, 'in-vault');
  assert.equal(file.box.serialNumber, 'SN-OLD-1');
});

test('config.compare: a box against another box and against a template, with the plan keys', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-A' });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-B' });
  await callOk(core, 'config.set', {
    identity: 'WB-B',
    changes: [{ key: 'MeterValueSampleInterval', value: '42' }],
  });
  for (const identity of ['WB-A', 'WB-B']) await callOk(core, 'config.read', { identity });
  const boxes = await callOk(core, 'config.compare', { identity: 'WB-A', against: 'WB-B' });
  const interval = boxes.rows.find((r) => r.key === 'MeterValueSampleInterval');
  assert.deepEqual(interval, {
    key: 'MeterValueSampleInterval',
    change: 'changed',
    a: '60',
    b: '42',
    writeOnly: false,
  });
  assert.equal(boxes.rows.find((r) => r.key === 'AuthorizationKey')?.a, null);
  await callOk(core, 'templates.save', {
    template: {
      name: 'Garage default',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
      meterValues: { sampleIntervalS: 42 },
      settings: { NoSuchKey: '1' },
    },
  });
  const template = await callOk(core, 'config.compare', { identity: 'WB-A', template: 'garage default' });
  assert.deepEqual(
    template.rows.map((r) => [r.key, r.change, r.a, r.b]),
    [
      ['MeterValueSampleInterval', 'changed', '60', '42'],
      ['NoSuchKey', 'removed', null, '1'],
    ],
  );
  const missing = await callOk(core, 'config.compare', { identity: 'WB-A', against: 'WB-NONE' });
  assert.equal(missing.missing, 'WB-NONE');
});
