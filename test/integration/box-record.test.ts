// What boxes.list / commissioning.attention / secrets.delete tell, against a real core (SQLite, vault)
// and simulated boxes over a real WebSocket on loopback: a box in the lobby, admitted, then offline
// since its last frame; which runs need attention when a box has several; a CSMS credential kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoxConnection } from '../../main/boxes/types.ts';
import type { Template } from '../../main/commissioning/template.ts';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { coreWithCsms, simBox, startedSimBox } from '../support/sim.ts';

/** Asks boxes.list until the box is in that state (the CSMS tells of a connection after the socket opens). */
async function connection(
  core: Core,
  identity: string,
  state: BoxConnection['state'],
): Promise<BoxConnection> {
  for (let i = 0; i < 1000; i++) {
    const box = (await callOk(core, 'boxes.list', {})).find((b) => b.identity === identity);
    if (box?.connection.state === state) return box.connection;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${identity} never ${state}`);
}

test('a box not expected waits in the lobby, is connected once admitted, and offline since its last frame when gone', async (t) => {
  const { core, url } = await coreWithCsms(t, { expected: ['WB-EXPECTED'] });
  const box = await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-STRANGER' });
  assert.equal((await connection(core, 'WB-STRANGER', 'lobby')).state, 'lobby');
  await callOk(core, 'boxes.admit', { identity: 'WB-STRANGER' });
  await connection(core, 'WB-STRANGER', 'connected');
  await box.stop();
  const gone = await connection(core, 'WB-STRANGER', 'offline');
  assert.ok(gone.state === 'offline' && gone.since, 'offline since when it was last seen');
  const shown = await callOk(core, 'boxes.show', { identity: 'WB-STRANGER' });
  assert.equal(shown.commissioning, 'never');
  assert.equal(shown.ocppVersion, '2.0.1');
});

test('attention: the latest run per box that waits for approval or failed; a later good run clears it, a cancelled one does not', async (t) => {
  const core = testCore(t);
  const runs = core.commissioning.runs;
  const template: Template = {
    name: 'Depot',
    csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 1 },
    groups: [],
    settings: {},
  };
  const make = (identity: string, status: 'failed' | 'confirmed' | 'cancelled' | 'awaiting-approval') =>
    runs.update(runs.create('test', identity, template, 'manual', null).id, (r) => {
      r.status = status;
      if (status === 'confirmed') r.state.verify = { outcome: 'confirmed', at: r.createdAt, windowS: 1 };
      if (status === 'failed') r.error = { code: 'COMMISSION_NOT_VERIFIED', params: {} };
    });
  make('WB-A', 'failed');
  make('WB-A', 'confirmed');
  const failedB = make('WB-B', 'failed');
  make('WB-B', 'cancelled');
  const waitingC = make('WB-C', 'awaiting-approval');
  const attention = await callOk(core, 'commissioning.attention', {});
  assert.deepEqual(
    attention.map((r) => [r.identity, r.id, r.status]),
    [
      ['WB-C', waitingC.id, 'awaiting-approval'],
      ['WB-B', failedB.id, 'failed'],
    ],
  );
  const list = await callOk(core, 'boxes.list', {});
  assert.deepEqual(
    list.map((b) => [b.identity, b.commissioning, b.attention]),
    [
      ['WB-A', 'confirmed', false],
      ['WB-B', 'failed', true],
      ['WB-C', 'awaiting-approval', true],
    ],
  );
});

test("a company CSMS's credential is not deleted while the CSMS uses it; an unused secret is", async (t) => {
  const core = testCore(t);
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'Depot SteVe',
    baseUrl: 'http://127.0.0.1:9/steve',
    user: 'admin',
    credential: 'steve-api-password',
  });
  const [credential] = core.vault.list();
  assert.ok(credential);
  const usage = await callOk(core, 'secrets.usage', { id: credential.id });
  assert.deepEqual(usage.usedBy, [{ kind: 'connector', name: 'Depot SteVe' }]);
  const refused = await callRaw(core, 'secrets.delete', { id: credential.id });
  assert.equal(!refused.ok && refused.error.code, 'SECRET_USED_BY_CSMS');
  assert.match(!refused.ok ? refused.error.message : '', /credential of the company CSMS Depot SteVe/);
  assert.equal(core.vault.list().length, 1, 'nothing deleted');
  const spare = core.vault.put('test', 'note', 'spare', 'nothing uses this');
  assert.deepEqual(await callOk(core, 'secrets.delete', { id: spare.id }), { deleted: true });
});

test('a box forgotten while the tool watches its left-not-confirmed run comes back as a new box, and the core goes on', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  // Takes the URL key, ignores it, and reboots slower than the (short, for the test) window: it comes back.
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-BACK',
    misbehave: { ignoreUrlKey: true, rebootMs: 4000 },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-BACK',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 1 },
    approval: 'auto',
  });
  assert.equal((await core.commissioning.settled(started.id)).status, 'left-not-confirmed');
  const forgotten = await callOk(core, 'boxes.forget', { identity: 'WB-BACK' });
  assert.equal(forgotten.runs, 1);
  // Back after the window: a box the tool does not know any more, with no run left to turn failed.
  await connection(core, 'WB-BACK', 'connected');
  const back = await callOk(core, 'boxes.show', { identity: 'WB-BACK' });
  assert.equal(back.commissioning, 'never');
  assert.deepEqual(back.runs, []);
  assert.deepEqual(await callOk(core, 'commissioning.attention', {}), []);
});
