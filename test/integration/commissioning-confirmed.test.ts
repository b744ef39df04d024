// The one-run promise against a company CSMS over real HTTP (a CitrineOS 1.8 stand-in): the run registers the
// box with the password it now holds before its reset (through the outbox), and the run says
// "confirmed" only once that CSMS records the box connected and booted Accepted; simulated box, real WebSockets.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { startCitrineServer } from '../support/citrineos-server.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

const SECRET = 'hasura-admin-secret';

/** The company CSMS the box moves to, a CitrineOS stand-in, and a core with these CitrineOS CSMSs set up. */
async function setup(t: TestContext, csmss: Array<{ name: string; credential: string }>) {
  const company = await BareCsms.start(t);
  const citrine = await startCitrineServer(t, { adminSecret: SECRET });
  const { core, url } = await coreWithCsms(t);
  for (const csms of csmss)
    await callOk(core, 'sync.add', { kind: 'citrineos', baseUrl: citrine.url, ...csms });
  return { company, citrine, core, url };
}

test('a box registered at the company CSMS by its own run, with the password it holds, is confirmed there', async (t) => {
  // The core asks the company CSMSs set up here (main/core.ts); no presence is given by the test.
  const { company, citrine, core, url } = await setup(t, [{ name: 'citrine', credential: SECRET }]);
  const box = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-CONF' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-CONF',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 60 },
    approval: 'auto',
  });
  // The run itself gives the box, with the password it now holds, to the company CSMS before the reset.
  await until(() => core.commissioning.runs.get(started.id).state.reset !== null, 30_000);
  assert.deepEqual(core.commissioning.runs.get(started.id).state.registration, [
    { csms: 'citrine', state: 'done', error: null },
  ]);
  assert.ok(citrine.stations.has('WB-CONF'));
  assert.equal(citrine.passwords.get('WB-CONF'), box.secret('BasicAuthPassword'));
  // Not confirmed before the company CSMS has seen the box boot.
  assert.notEqual(core.commissioning.runs.get(started.id).status, 'confirmed');
  await company.waitFor('box at the company CSMS', () => company.connected('WB-CONF'));
  citrine.connect('WB-CONF', 'Accepted');
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'confirmed', JSON.stringify(run.error));
  assert.match(run.state.verify?.confirmedBy ?? '', /citrine/);
});

test('without a company CSMS that can tell, the same run ends left, not confirmed', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-NOCONF' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-NOCONF',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed');
});

test('a company CSMS that cannot be reached before the reset keeps the box in its outbox, and the run says so', async (t) => {
  const { company, citrine, core, url } = await setup(t, [
    { name: 'citrine', credential: 'a-wrong-admin-secret' },
  ]);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-OFFLINE' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-OFFLINE',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  const [registration] = run.state.registration ?? [];
  assert.equal(registration?.state, 'pending');
  assert.equal(registration?.error?.code, 'CSMS_AUTH_FAILED');
  assert.equal(citrine.stations.has('WB-OFFLINE'), false);
  assert.notEqual(run.status, 'confirmed');
});

test('a company CSMS that refuses the tool does not keep another one from confirming the box', async (t) => {
  // 'a-spare' is listed first (by name), and refuses the tool's credentials.
  const { company, citrine, core, url } = await setup(t, [
    { name: 'a-spare', credential: 'a-wrong-admin-secret' },
    { name: 'citrine', credential: SECRET },
  ]);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-TWO' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-TWO',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 60 },
    approval: 'auto',
  });
  await company.waitFor('box at the company CSMS', () => company.connected('WB-TWO'));
  citrine.connect('WB-TWO', 'Accepted');
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'confirmed', JSON.stringify(run.error));
  assert.match(run.state.verify?.confirmedBy ?? '', /^citrine/);
});

test('a long verify window asks the company CSMS many times without piling up listeners', async (t) => {
  const { company, citrine, core, url } = await setup(t, [{ name: 'citrine', credential: SECRET }]);
  const { configuredPresence } = await import('../../main/csms/presence.ts');
  // Asked every 20 ms: dozens of polls while the box has not booted at CitrineOS yet.
  core.commissioning.setPresence(() => configuredPresence(core.store, core.vault), 20);
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-POLL' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-POLL',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 60 },
    approval: 'auto',
  });
  await company.waitFor('box at the company CSMS', () => company.connected('WB-POLL'));
  const polls = () => citrine.operations.filter((o) => o === 'Station').length;
  await until(() => polls() > 30, 30_000);
  citrine.connect('WB-POLL', 'Accepted');
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'confirmed');
  assert.deepEqual(warnings, [], 'no MaxListenersExceededWarning');
});
