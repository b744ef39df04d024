// What real firmware does that the tool's own simulator did not: boxes that drop calls until they have
// booted, 2.0.1 boxes that withhold their report while Pending or stop it half-way, 1.6 names on 2.0.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

async function csms(
  t: Parameters<typeof testCore>[0],
  waits: { bootWaitMs?: number; reportWaitMs?: number },
) {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1, ...waits });
  return { core, url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp` };
}

/** The GetVariables calls the tool sent to the box, as item counts per message. */
function getVariablesSizes(core: Core, identity: string): number[] {
  core.ocpp.trace.flush();
  return core.ocpp.trace
    .list({ identity, limit: 5000 })
    .filter((f) => f.direction === 'out' && f.kind === 'call' && f.action === 'GetVariables')
    .map((f) => (JSON.parse(f.frame) as [number, string, string, { getVariableData: unknown[] }])[3])
    .map((p) => p.getVariableData.length);
}

test('wbc config get on a 1.6 box that boots 0.3 s after connecting and drops calls before: read, no BOX_NO_ANSWER', async (t) => {
  const dir = tempDir(t);
  const cli = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'WB-LATE16',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--json',
    '--data-dir',
    dir,
  ]);
  const box = await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-LATE16',
    misbehave: { bootDelayMs: 300, dropCallsBeforeBoot: true },
  });
  assert.equal(await cli.exited, 0, cli.stderr());
  const snapshot = JSON.parse(cli.stdout()) as { readVia: string; entries: Array<{ key: string }> };
  assert.equal(snapshot.readVia, 'get-configuration');
  assert.ok(snapshot.entries.some((e) => e.key === 'HeartbeatInterval'));
  assert.equal(box.bootCount(), 1);
});

test('wbc config set HeartbeatInterval=300 on a 2.0.1 box that boots late, drops early calls and withholds its report', async (t) => {
  const dir = tempDir(t);
  const cli = await wbcWaitingForBox(t, [
    'config',
    'set',
    '--identity',
    'WB-LATE201',
    'HeartbeatInterval=300',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: cli.url,
    identity: 'WB-LATE201',
    heartbeatIntervalS: 60,
    misbehave: { bootDelayMs: 300, dropCallsBeforeBoot: true, withholdReportWhilePending: true },
  });
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.equal(box.configuration()['OCPPCommCtrlr.HeartbeatInterval'], '300');
  assert.match(cli.stdout(), /OCPPCommCtrlr\.HeartbeatInterval\s+Accepted/);
  assert.match(
    cli.stderr(),
    /HeartbeatInterval is called OCPPCommCtrlr\.HeartbeatInterval on an OCPP 2\.0\.1 box/,
  );
});

test('a box that connects and never boots, dropping every call, is BOX_NOT_BOOTED after the short wait', async (t) => {
  const { core, url } = await csms(t, { bootWaitMs: 400 });
  await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-MUTE',
    misbehave: { bootDelayMs: 60_000, dropCallsBeforeBoot: true },
  });
  await core.ocpp.csms.waitFor('WB-MUTE', { timeoutMs: 5_000 });
  const reply = await callRaw(core, 'config.read', { identity: 'WB-MUTE' });
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'BOX_NOT_BOOTED');
  if (!reply.ok)
    assert.match(reply.error.message, /WB-MUTE is connected but has not sent its BootNotification/);
});

test('2.0.1 withholding its report while Pending is read with GetVariables, batched by its ItemsPerMessage, and says so', async (t) => {
  const { core, url } = await csms(t, { reportWaitMs: 300 });
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-QUIET',
    misbehave: { withholdReportWhilePending: true, getVariablesItemsPerMessage: 7 },
  });
  await core.ocpp.csms.waitFor('WB-QUIET', { timeoutMs: 5_000, booted: true });
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-QUIET' });
  assert.equal(snapshot.readVia, 'get-variables');
  const value = (key: string) => snapshot.entries.find((e) => e.key === key)?.value;
  const held = box.configuration();
  for (const key of [
    'OCPPCommCtrlr.HeartbeatInterval',
    'OCPPCommCtrlr.NetworkConfigurationPriority',
    'SecurityCtrlr.SecurityProfile',
    'LocalAuthListCtrlr.Enabled',
    'LocalAuthListCtrlr.ItemsPerMessage',
    'LocalAuthListCtrlr.BytesPerMessage',
    'SmartChargingCtrlr.Enabled',
    'SampledDataCtrlr.TxUpdatedInterval',
    'TxCtrlr.EVConnectionTimeOut',
  ]) {
    assert.equal(value(key), held[key], key);
  }
  assert.equal(value('DeviceDataCtrlr.ItemsPerMessage[GetVariables]'), '7');
  const password = snapshot.entries.find((e) => e.key === 'SecurityCtrlr.BasicAuthPassword');
  assert.deepEqual([password?.writeOnly, password?.value], [true, null]);
  assert.equal(snapshot.entries.find((e) => e.key === 'SecurityCtrlr.SecurityProfile')?.readonly, true);
  // Several messages, none above what the box takes (it answers a longer one with a CALLERROR).
  const sizes = getVariablesSizes(core, 'WB-QUIET');
  assert.ok(sizes.length > 3 && sizes.every((n) => n <= 7), JSON.stringify(sizes));
  // The way it was read is kept with the snapshot, and the local list's limits come from it.
  assert.equal(core.ocpp.latestSnapshot('WB-QUIET')?.readVia, 'get-variables');
  const limits = core.ocpp.csms.session('WB-QUIET').localListLimits(snapshot.entries);
  assert.deepEqual(
    [limits.enabled, limits.maxItemsPerMessage, limits.maxBytesPerMessage],
    [true, 100, 16000],
  );
});

test('2.0.1 GetVariables stay within the box BytesPerMessage, so it never has to refuse one', async (t) => {
  const { core, url } = await csms(t, { reportWaitMs: 300 });
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-BYTES',
    misbehave: { withholdReportWhilePending: true, getVariablesBytesPerMessage: 700 },
  });
  await core.ocpp.csms.waitFor('WB-BYTES', { timeoutMs: 5_000, booted: true });
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-BYTES' });
  assert.equal(snapshot.readVia, 'get-variables');
  assert.equal(
    snapshot.entries.find((e) => e.key === 'OCPPCommCtrlr.HeartbeatInterval')?.value,
    box.configuration()['OCPPCommCtrlr.HeartbeatInterval'],
  );
  core.ocpp.trace.flush();
  const frames = core.ocpp.trace.list({ identity: 'WB-BYTES', limit: 5000 });
  const calls = frames.filter(
    (f) => f.direction === 'out' && f.kind === 'call' && f.action === 'GetVariables',
  );
  assert.ok(calls.length > 5, `${calls.length} messages`);
  for (const f of calls) assert.ok(Buffer.byteLength(f.frame) <= 700, `${Buffer.byteLength(f.frame)} bytes`);
  assert.ok(!frames.some((f) => f.direction === 'in' && f.kind === 'error'), 'no CALLERROR from the box');
});

test('2.0.1 whose report stops after two parts keeps those parts and reads the rest with GetVariables', async (t) => {
  const { core, url } = await csms(t, { reportWaitMs: 300 });
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-HALF',
    misbehave: { reportStopsAfterParts: 2 },
  });
  await core.ocpp.csms.waitFor('WB-HALF', { timeoutMs: 5_000, booted: true });
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-HALF' });
  assert.equal(snapshot.readVia, 'get-variables');
  // From the report parts that came: the priority's valuesList, which GetVariables cannot give.
  assert.equal(
    snapshot.entries.find((e) => e.key === 'OCPPCommCtrlr.NetworkConfigurationPriority')?.valuesList,
    '0,1,2',
  );
  assert.equal(
    snapshot.entries.find((e) => e.key === 'LocalAuthListCtrlr.ItemsPerMessage')?.value,
    box.configuration()['LocalAuthListCtrlr.ItemsPerMessage'],
  );
  assert.equal(new Set(snapshot.entries.map((e) => e.key)).size, snapshot.entries.length, 'no key twice');
});

test('a 2.0.1 box withholding its report is commissioned and gets its cards', async (t) => {
  const { BareCsms } = await import('../support/bare-csms.ts');
  const company = await BareCsms.start(t);
  const { core, url } = await csms(t, { reportWaitMs: 300 });
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-QUIET-C',
    misbehave: { withholdReportWhilePending: true, dropCallsBeforeBoot: true, bootDelayMs: 200 },
  });
  await core.ocpp.csms.waitFor('WB-QUIET-C', { timeoutMs: 5_000 });
  const group = await callOk(core, 'groups.create', { name: 'Staff' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-QUIET-C',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 300,
      verifyWindowS: 2,
      groups: ['Staff'],
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(box.configuration()['OCPPCommCtrlr.HeartbeatInterval'], '300');
  assert.equal(box.localList().entries.length, 1);
  await company.waitFor('box at the company CSMS', () => company.connected('WB-QUIET-C'));
});

test('a foreign 2.0.1 stack that drops calls before its late boot and withholds its report is read with GetVariables', async (t) => {
  const { core, url } = await csms(t, { reportWaitMs: 300 });
  await foreignBox201(t, {
    url,
    identity: 'FX-QUIET',
    withholdReport: true,
    bootDelayMs: 300,
    dropCallsBeforeBoot: true,
  });
  await core.ocpp.csms.waitFor('FX-QUIET', { timeoutMs: 5_000 });
  const snapshot = await callOk(core, 'config.read', { identity: 'FX-QUIET' });
  assert.equal(snapshot.readVia, 'get-variables');
  const value = (key: string) => snapshot.entries.find((e) => e.key === key)?.value;
  assert.equal(value('OCPPCommCtrlr.HeartbeatInterval'), '86400');
  assert.equal(value('LocalAuthListCtrlr.BytesPerMessage'), '4000');
  assert.equal(value('OCPPCommCtrlr.NetworkConfigurationPriority'), '1');
  // It takes 4 variables per message (DeviceDataCtrlr.ItemsPerMessage).
  assert.ok(getVariablesSizes(core, 'FX-QUIET').every((n) => n <= 4));
  const results = await callOk(core, 'config.set', {
    identity: 'FX-QUIET',
    changes: [{ key: 'MeterValueSampleInterval', value: '30' }],
  });
  assert.deepEqual(results, [
    {
      key: 'SampledDataCtrlr.TxUpdatedInterval',
      status: 'Accepted',
      requestedKey: 'MeterValueSampleInterval',
    },
  ]);
});

test('wbc config set answers a name the known box cannot have at once, with the closest names it has', async (t) => {
  const dir = tempDir(t);
  const get = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'WB-NAMES',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const box = await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: get.url, identity: 'WB-NAMES' });
  assert.equal(await get.exited, 0, get.stderr());
  assert.match(get.stderr(), /read from its full report/);
  await box.stop();
  // The box is gone now: the answer must come without waiting for it (the wait would be 120 s).
  for (const [pair, code, closest] of [
    ['HeartbeatIntervall=300', 'SETTING_NAME_INVALID', /OCPPCommCtrlr\.HeartbeatInterval/],
    ['OCPPCommCtrlr.HeartbeatIntervall=300', 'SETTING_NAME_UNKNOWN', /OCPPCommCtrlr\.HeartbeatInterval/],
  ] as const) {
    const run = await wbc([
      'config',
      'set',
      '--identity',
      'WB-NAMES',
      pair,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--timeout',
      '120',
      '--data-dir',
      dir,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(code));
    assert.match(run.stderr, closest);
    assert.doesNotMatch(run.stderr, /ws:\/\/127\.0\.0\.1/, 'it did not start waiting for the box');
  }
  // A box the tool has never seen: a name that is no setting on either version is still answered at once.
  const unseen = await wbc([
    'config',
    'set',
    '--identity',
    'WB-NEVER',
    'Heartbeat Interval=300',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout',
    '120',
    '--data-dir',
    dir,
  ]);
  assert.equal(unseen.code, 1, unseen.stderr);
  assert.match(unseen.stderr, /SETTING_NAME_INVALID/);
});

test('a 2.0.1 name given for a 1.6 box is written as its 1.6 key', async (t) => {
  const { core, url } = await csms(t, {});
  const box = await startedSimBox(t, { ocppVersion: '1.6', endpoint: url, identity: 'WB-BACK' });
  await core.ocpp.csms.waitFor('WB-BACK', { timeoutMs: 5_000, booted: true });
  const results = await callOk(core, 'config.set', {
    identity: 'WB-BACK',
    changes: [{ key: 'OCPPCommCtrlr.HeartbeatInterval', value: '240' }],
  });
  assert.deepEqual(results, [
    { key: 'HeartbeatInterval', status: 'Accepted', requestedKey: 'OCPPCommCtrlr.HeartbeatInterval' },
  ]);
  assert.equal(box.configuration().HeartbeatInterval, '240');
});

test('2.0.1 SetVariables to a box that takes 3 variables per message: every variable still gets its answer', async (t) => {
  const { core, url } = await csms(t, {});
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-SMALL',
    misbehave: { setVariablesItemsPerMessage: 3 },
  });
  await core.ocpp.csms.waitFor('WB-SMALL', { timeoutMs: 5_000, booted: true });
  const keys = [
    'OCPPCommCtrlr.HeartbeatInterval',
    'OCPPCommCtrlr.OfflineThreshold',
    'OCPPCommCtrlr.ResetRetries',
    'OCPPCommCtrlr.RetryBackOffRepeatTimes',
    'OCPPCommCtrlr.RetryBackOffRandomRange',
    'OCPPCommCtrlr.RetryBackOffWaitMinimum',
    'OCPPCommCtrlr.WebSocketPingInterval',
    'SampledDataCtrlr.TxUpdatedInterval',
    'SampledDataCtrlr.TxEndedInterval',
    'AlignedDataCtrlr.Interval',
  ];
  const results = await callOk(core, 'config.set', {
    identity: 'WB-SMALL',
    changes: keys.map((key) => ({ key, value: '7' })),
  });
  assert.deepEqual(
    results.map((r) => `${r.key}=${r.status}`),
    keys.map((k) => `${k}=Accepted`),
  );
  for (const key of keys) assert.equal(box.configuration()[key], '7', key);
});
