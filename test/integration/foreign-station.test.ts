// Commissioning against a box whose OCPP-J stack was written by another project (ocpp-ts), so that the
// tool's local CSMS is not only ever tested against its own library: framing, ids and errors as they come.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { foreignBox16 } from '../support/foreign-box16.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { coreWithCsms } from '../support/sim.ts';

async function addCards(core: Core, group: string, uids: string[]): Promise<void> {
  const g = await callOk(core, 'groups.create', { name: group });
  for (const uid of uids) await callOk(core, 'cards.enroll', { uid, groupId: g.id });
}

/** Commissions the box to the company CSMS (heartbeat 300 s, the Staff cards) and waits until it succeeded. */
async function commissionTo(core: Core, company: BareCsms, identity: string) {
  const started = await callOk(core, 'commissioning.start', {
    identity,
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
  return run;
}

test('a 1.6 box on a foreign OCPP stack is read, moved to the company CSMS with a password and its cards', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const box = await foreignBox16(t, { url, identity: 'FX-0001' });
  await core.ocpp.csms.waitFor('FX-0001', { timeoutMs: 10_000, booted: true });
  assert.equal(core.ocpp.csms.box('FX-0001')?.boot?.vendor, 'Foreign');

  await addCards(core, 'Staff', ['04A1B2C3', '04D5E6F7A1B2C3']);
  const run = await commissionTo(core, company, 'FX-0001');
  assert.equal(run.state.results.CentralSystemURI, 'RebootRequired');
  assert.equal(run.state.results.AuthorizationKey, 'Accepted');
  assert.equal(box.config('HeartbeatInterval'), '300');
  assert.equal(box.localList().entries.length, 2);
  assert.equal(box.localList().entries[0]?.idTagInfo?.parentIdTag, 'STAFF');

  await company.waitFor('foreign box at the company CSMS', () => company.connected('FX-0001'));
  const password = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  assert.equal(company.handshakes.find((h) => h.identity === 'FX-0001')?.password, password);
  assert.equal(box.connections.at(-1), company.url('/ocpp'));
});

test('a 1.6 foreign box: the configuration is read with its write-only key shown as such, and a read-only key refused', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await foreignBox16(t, { url, identity: 'FX-0002' });
  await core.ocpp.csms.waitFor('FX-0002', { timeoutMs: 10_000, booted: true });
  const snapshot = await callOk(core, 'config.read', { identity: 'FX-0002' });
  const byKey = new Map(snapshot.entries.map((e) => [e.key, e]));
  assert.equal(byKey.get('CentralSystemURI')?.value, url);
  assert.equal(byKey.get('AuthorizationKey')?.value ?? null, null);
  assert.equal(byKey.get('ChargePointId')?.readonly, true);
  const results = await callOk(core, 'config.set', {
    identity: 'FX-0002',
    changes: [
      { key: 'ChargePointId', value: 'OTHER' },
      { key: 'HeartbeatInterval', value: '120' },
    ],
  });
  assert.deepEqual(
    results.map((r) => `${r.key}:${r.status}`),
    ['ChargePointId:Rejected', 'HeartbeatInterval:Accepted'],
  );
  // A name the box did not report is refused before anything is sent, with the names it does have.
  const reply = await core.router.call(
    'config.set',
    { identity: 'FX-0002', changes: [{ key: 'HeartbeatIntervall', value: '60' }] },
    core.context('cli'),
  );
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'SETTING_NAME_UNKNOWN');
  if (!reply.ok) assert.match(reply.error.remedy ?? '', /HeartbeatInterval/);
});

test('a 2.0.1 box with its own framing and slots numbered from 1 gets the new CSMS in a free slot and leaves for it', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const box = await foreignBox201(t, { url, identity: 'FX-2001' });
  await core.ocpp.csms.waitFor('FX-2001', { timeoutMs: 10_000, booted: true });
  await addCards(core, 'Staff', ['04A1B2C3', '04D5E6F7A1B2C3', '1122AABB']);
  const run = await commissionTo(core, company, 'FX-2001');
  assert.equal(box.value('OCPPCommCtrlr.NetworkConfigurationPriority'), '2,1');
  assert.equal(box.value('OCPPCommCtrlr.HeartbeatInterval'), '300');
  assert.equal(box.localList().tokens.length, 3);
  // Its report broke the 2.0.1 schema in one detail: taken, and said so in the trace.
  const violations = core.ocpp.trace
    .list({ identity: 'FX-2001', limit: 1000 })
    .filter((f) => f.kind === 'schema-violation');
  assert.ok(
    violations.some((f) => /dataType/.test(f.frame)),
    JSON.stringify(violations),
  );
  await company.waitFor('foreign 2.0.1 box at the company CSMS', () => company.connected('FX-2001'));
  const password = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  assert.equal(company.handshakes.find((h) => h.identity === 'FX-2001')?.password, password);
});
