// 1.6 names of read-only settings on 2.0.1 boxes (ReserveConnectorZeroSupported, ...): read as their 2.0.1
// variable, and a write refused before anything goes to the box. The tool's simulator and the foreign 2.0.1 stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { readOnlyPairs } from '../support/read-only-pairs.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

const pairs = readOnlyPairs;

async function csms(t: Parameters<typeof testCore>[0]) {
  const core = testCore(t);
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: true,
    bootIntervalS: 1,
    reportWaitMs: 300,
  });
  return { core, url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp` };
}

/** The write calls the tool sent to the box. */
function writesSent(core: Core, identity: string): string[] {
  core.ocpp.trace.flush();
  return core.ocpp.trace
    .list({ identity, limit: 5000 })
    .filter((f) => f.direction === 'out' && f.kind === 'call')
    .map((f) => f.action ?? '')
    .filter((a) => a === 'SetVariables' || a === 'ChangeConfiguration');
}

test('wbc config get <1.6 name> on a 2.0.1 box that withholds its report answers with the read-only 2.0.1 variable; a write is refused at once', async (t) => {
  const dir = tempDir(t);
  const get = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'WB-RO',
    ...pairs.map(([name]) => name),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--json',
    '--data-dir',
    dir,
  ]);
  const box = await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: get.url,
    identity: 'WB-RO',
    misbehave: { withholdReportWhilePending: true },
  });
  assert.equal(await get.exited, 0, get.stderr());
  const read = JSON.parse(get.stdout()) as {
    readVia: string;
    entries: Array<{ key: string; value: string; readonly: boolean; requestedKey?: string }>;
  };
  assert.equal(read.readVia, 'get-variables', 'read by the GetVariables fallback');
  const held = box.configuration();
  assert.deepEqual(
    read.entries.map((e) => [e.requestedKey, e.key, e.value, e.readonly]),
    pairs.map(([name, variable]) => [name, variable, held[variable], true]),
  );
  await box.stop();
  // The box is gone: the refusal must come without waiting for it (the wait would be 120 s).
  const set = await wbc([
    'config',
    'set',
    '--identity',
    'WB-RO',
    'ConnectorSwitch3to1PhaseSupported=true',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout',
    '120',
    '--data-dir',
    dir,
  ]);
  assert.equal(set.code, 1, set.stderr);
  assert.match(set.stderr, /SETTING_READ_ONLY/);
  assert.match(set.stderr, /SmartChargingCtrlr\.Phases3to1" on the OCPP 2\.0\.1 box WB-RO can only be read/);
  assert.match(set.stderr, /wbc config get --identity WB-RO ConnectorSwitch3to1PhaseSupported/);
  assert.doesNotMatch(set.stderr, /ws:\/\/127\.0\.0\.1/, 'it did not start waiting for the box');
});

test('a write to a read-only variable of a connected 2.0.1 box is refused before it is sent, by the spec or by its own report', async (t) => {
  const { core, url } = await csms(t);
  const box201 = await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-RO2' });
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: url, identity: 'WB-RO1' });
  await core.ocpp.csms.waitFor('WB-RO2', { timeoutMs: 5_000, booted: true });
  await core.ocpp.csms.waitFor('WB-RO1', { timeoutMs: 5_000, booted: true });
  for (const [name, variable] of pairs) {
    const reply = await callRaw(core, 'config.set', {
      identity: 'WB-RO2',
      changes: [{ key: name, value: '1' }],
    });
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'SETTING_READ_ONLY', name);
    if (!reply.ok) assert.equal(reply.error.params.name, variable);
  }
  assert.deepEqual(writesSent(core, 'WB-RO2'), [], 'nothing was written to the 2.0.1 box');
  // A variable the box itself reports as ReadOnly (its full report) is refused the same way.
  const read = await callOk(core, 'config.read', { identity: 'WB-RO2' });
  assert.equal(read.entries.find((e) => e.key === 'ChargingStation.Available')?.readonly, true);
  const own = await callRaw(core, 'config.set', {
    identity: 'WB-RO2',
    changes: [{ key: 'ChargingStation.Available', value: 'false' }],
  });
  assert.equal(own.ok ? 'ok' : own.error.code, 'SETTING_READ_ONLY');
  assert.deepEqual(writesSent(core, 'WB-RO2'), []);
  // A 1.6 box answers for itself: a key it marks read-only goes to it, and it says Rejected.
  const results = await callOk(core, 'config.set', {
    identity: 'WB-RO1',
    changes: [{ key: 'SendLocalListMaxLength', value: '1' }],
  });
  assert.equal(results[0]?.status, 'Rejected');
  // A writable mapped name still goes through on 2.0.1.
  const ok = await callOk(core, 'config.set', {
    identity: 'WB-RO2',
    changes: [{ key: 'HeartbeatInterval', value: '120' }],
  });
  assert.equal(ok[0]?.status, 'Accepted');
  assert.equal(box201.configuration()['OCPPCommCtrlr.HeartbeatInterval'], '120');
});

test('the foreign 2.0.1 stack: its full report carries the read-only variables, read under the 1.6 names, never written', async (t) => {
  const dir = tempDir(t);
  const get = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'FX-RO',
    'ReserveConnectorZeroSupported',
    'ConnectorSwitch3to1PhaseSupported',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const box = await foreignBox201(t, { url: get.url, identity: 'FX-RO' });
  assert.equal(await get.exited, 0, get.stderr());
  assert.match(get.stderr(), /read from its full report/);
  assert.match(
    get.stderr(),
    /ReserveConnectorZeroSupported is called ReservationCtrlr\.NonEvseSpecific on an OCPP 2\.0\.1 box: read as/,
  );
  assert.match(get.stdout(), /ReservationCtrlr\.NonEvseSpecific\s+false\s+true/);
  assert.match(get.stdout(), /SmartChargingCtrlr\.Phases3to1\s+true\s+true/);
  assert.doesNotMatch(get.stdout(), /HeartbeatInterval/, 'only the names asked for');
  assert.equal(box.value('SmartChargingCtrlr.Phases3to1'), 'true');
});
