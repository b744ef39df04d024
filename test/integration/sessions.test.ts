// Station sessions against the simulator over real WebSockets: configuration read and written in
// both OCPP versions, the 2.0.1 report assembled from its parts, and local lists pushed within limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFullPush, pushLocalList } from '../../main/ocpp/local-list-push.ts';
import type { LocalListEntry } from '../../main/ocpp/types.ts';
import { bareBox } from '../support/bare-box.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

function cards(n: number, group = 'FLEET'): LocalListEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    idTag: `04A1B2${i.toString(16).toUpperCase().padStart(8, '0')}`,
    status: 'Accepted',
    group,
  }));
}

test('1.6: the configuration is read with the write-only key hidden, and settings get a result per key', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-16',
    misbehave: { rejectKeys: ['MeterValueSampleInterval'] },
  });
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-16' });
  const byKey = new Map(snapshot.entries.map((e) => [e.key, e]));
  assert.equal(byKey.get('HeartbeatInterval')?.readonly, false);
  assert.equal(byKey.get('SendLocalListMaxLength')?.readonly, true);
  assert.equal(byKey.get('AuthorizationKey')?.value ?? null, null);
  const results = await callOk(core, 'config.set', {
    identity: 'WB-16',
    changes: [
      { key: 'HeartbeatInterval', value: '120' },
      { key: 'MeterValueSampleInterval', value: '30' },
      { key: 'Cst_BackendUrl', value: 'ws://127.0.0.1:1/elsewhere' },
    ],
  });
  assert.deepEqual(
    results.map((r) => `${r.key}=${r.status}`),
    ['HeartbeatInterval=Accepted', 'MeterValueSampleInterval=Rejected', 'Cst_BackendUrl=RebootRequired'],
  );
  // Once the box is read, a name it does not have is answered at once, and nothing goes to the box.
  core.ocpp.trace.flush();
  const sent = core.ocpp.trace.list({ identity: 'WB-16', limit: 1000 }).length;
  const reply = await core.router.call(
    'config.set',
    { identity: 'WB-16', changes: [{ key: 'NoSuchKey', value: '1' }] },
    core.context('cli'),
  );
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'SETTING_NAME_UNKNOWN');
  core.ocpp.trace.flush();
  assert.equal(core.ocpp.trace.list({ identity: 'WB-16', limit: 1000 }).length, sent);
  const audit = await callOk(core, 'audit.list', { entity: 'station' });
  assert.ok(
    audit.some((a) => a.action === 'box.setting' && JSON.stringify(a.after).includes('"status":"Rejected"')),
  );
  assert.equal(core.ocpp.latestSnapshot('WB-16')?.id, snapshot.id);
});

test('2.0.1: the base report is assembled from every NotifyReport part', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-201' });
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-201' });
  const expected = sim.configuration();
  // Everything the box holds is in the snapshot, write-only variables without their value.
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'ClockCtrlr.DateTime') continue; // a live clock, read a few milliseconds apart
    const entry = snapshot.entries.find((e) => e.key === key);
    assert.ok(entry, `missing ${key}`);
    if (!entry.writeOnly) assert.equal(entry.value, value, key);
  }
  assert.ok(snapshot.entries.length > 20, 'several NotifyReport parts');
  const priority = snapshot.entries.find((e) => e.key === 'OCPPCommCtrlr.NetworkConfigurationPriority');
  assert.equal(priority?.valuesList, '0,1,2');
  assert.equal(snapshot.entries.find((e) => e.key === 'SecurityCtrlr.BasicAuthPassword')?.value, null);
});

test('2.0.1: SetVariables answers per variable, including a password the box refuses', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-201B' });
  const results = await callOk(core, 'config.set', {
    identity: 'WB-201B',
    changes: [
      { key: 'OCPPCommCtrlr.HeartbeatInterval', value: '300' },
      { key: 'SecurityCtrlr.BasicAuthPassword', value: 'short' },
      { key: 'NoSuchCtrlr.Thing', value: '1' },
    ],
  });
  assert.deepEqual(
    results.map((r) => r.status),
    ['Accepted', 'Rejected', 'UnknownComponent'],
  );
});

test('1.6: 250 cards go as one Full and two Differential parts of 100, and the version is read back', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-LIST' });
  const session = core.ocpp.csms.session('WB-LIST');
  const configuration = await session.readConfiguration();
  const limits = session.localListLimits(configuration);
  assert.equal(limits.maxItemsPerMessage, 100);
  const progress: number[] = [];
  const outcome = await pushLocalList(session, {
    entries: cards(250),
    limits,
    onProgress: (p) => progress.push(p.sent),
  });
  assert.deepEqual(
    { parts: outcome.parts, version: outcome.version, verified: outcome.verified },
    { parts: 3, version: 3, verified: true },
  );
  assert.deepEqual(progress, [100, 200, 250]);
  assert.equal(sim.localList().entries.length, 250);
  assert.equal(sim.localList().entries[0]?.parentIdTag, 'FLEET');
});

test('2.0.1: a second push sends only the changes, with a rising version', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-DIFF' });
  const session = core.ocpp.csms.session('WB-DIFF');
  const limits = session.localListLimits(await session.readConfiguration());
  const first = cards(30);
  const pushed = await pushLocalList(session, { entries: first, limits });
  const next = [...first.slice(5), ...cards(3, 'GUESTS').map((c) => ({ ...c, idTag: `${c.idTag}FF` }))];
  const outcome = await pushLocalList(session, {
    entries: next,
    limits,
    previous: { version: pushed.version, entries: first },
  });
  assert.equal(outcome.parts, 1);
  assert.equal(outcome.fellBackToFull, false);
  assert.equal(outcome.verified, true);
  assert.equal(sim.localList().entries.length, 28);
  assert.equal(sim.localList().version, pushed.version + 1);
});

test('a box that answers VersionMismatch to a differential list gets the full list', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const box = bareBox(t, { url, identity: 'WB-MISMATCH' });
  let version = 4;
  const updates: string[] = [];
  box.handle('GetLocalListVersion', async () => ({ listVersion: version }));
  box.handle('SendLocalList', async ({ params }) => {
    const p = params as { updateType: string; listVersion: number };
    updates.push(p.updateType);
    if (p.updateType === 'Differential' && updates.length === 1) return { status: 'VersionMismatch' };
    version = p.listVersion;
    return { status: 'Accepted' };
  });
  await box.connect();
  const session = core.ocpp.csms.session('WB-MISMATCH');
  const limits = { maxItemsPerMessage: 100, maxBytesPerMessage: null, maxEntries: null, enabled: true };
  const entries = cards(10);
  const outcome = await pushLocalList(session, {
    entries,
    limits,
    previous: { version: 4, entries: entries.slice(0, 8) },
  });
  assert.deepEqual(updates, ['Differential', 'Full']);
  assert.equal(outcome.fellBackToFull, true);
  assert.equal(outcome.verified, true);
});

test('a box that loses its list on reset is noticed and gets the whole list again', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-AMNESIA',
    misbehave: { loseListOnReset: true },
  });
  let session = core.ocpp.csms.session('WB-AMNESIA');
  const limits = session.localListLimits(await session.readConfiguration());
  const entries = cards(12);
  const first = await pushLocalList(session, { entries, limits });
  assert.equal(await session.reset('soft'), 'Accepted');
  await new Promise((resolve) => sim.on('boot', resolve));
  await core.ocpp.csms.waitFor('WB-AMNESIA', { timeoutMs: 10_000, booted: true });
  session = core.ocpp.csms.session('WB-AMNESIA');
  assert.equal(await session.localListVersion(), 0, 'the box forgot its list');
  const again = await pushLocalList(session, {
    entries,
    limits,
    previous: { version: first.version, entries },
  });
  assert.equal(again.verified, true);
  assert.equal(sim.localList().entries.length, 12);
});

test('a list longer than the box can hold is refused before anything is sent', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-SMALL' });
  const session = core.ocpp.csms.session('WB-SMALL');
  const limits = session.localListLimits(await session.readConfiguration());
  await assert.rejects(pushLocalList(session, { entries: cards(1001), limits }), /LOCAL_LIST_TOO_LONG/);
});

test('parts respect a byte limit as well as an item limit', (t) => {
  void t;
  const session = {
    localListPayload: (version: number, update: string, entries: LocalListEntry[]) => ({
      versionNumber: version,
      updateType: update,
      ...(entries.length > 0 ? { list: entries } : {}),
    }),
  } as unknown as Parameters<typeof planFullPush>[0];
  const parts = planFullPush(session, cards(50), 0, {
    maxItemsPerMessage: 100,
    maxBytesPerMessage: 1200,
    maxEntries: null,
    enabled: true,
  });
  assert.ok(parts.length > 1);
  for (const part of parts) {
    const bytes =
      JSON.stringify(session.localListPayload(part.version, part.update, part.entries, [])).length + 64;
    assert.ok(bytes <= 1200, `part ${part.version} has ${bytes} bytes`);
  }
  assert.deepEqual(
    parts.map((p) => p.update),
    ['Full', ...parts.slice(1).map(() => 'Differential')],
  );
  assert.equal(parts.flatMap((p) => p.entries).length, 50);
});

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`${ocppVersion}: a test charge boots the box Accepted, starts, meters and stops a transaction`, async (t) => {
    const { core, url } = await coreWithCsms(t);
    const identity = `WB-CHARGE-${ocppVersion}`;
    await simBox(t, core, { ocppVersion, endpoint: url, identity });
    const result = await callOk(core, 'boxes.testCharge', { identity, seconds: 2 });
    assert.ok(result.transactionId.length > 0);
    assert.ok(result.samples.length >= 2, JSON.stringify(result.samples));
    assert.ok(result.energyWh > 0, `energy ${result.energyWh} Wh`);
    const actions = core.ocpp.trace.list({ identity, limit: 500 }).map((f) => f.action);
    assert.ok(actions.includes(ocppVersion === '1.6' ? 'RemoteStopTransaction' : 'RequestStopTransaction'));
    // Afterwards the tool answers Pending again: the box is not left charging-ready on the laptop.
    assert.equal(core.ocpp.csms.box(identity)?.state, 'connected');
    assert.ok(
      (await callOk(core, 'audit.list', { entity: 'station' })).some((a) => a.action === 'box.test-charge'),
    );
  });
}
