// A box swap against a company CSMS set up in the tool (a CitrineOS stand-in over real HTTP on loopback) and
// the company's OCPP endpoint (real WebSockets): the replacement is registered and confirmed there under the
// broken box's identity, with the new password; what that CSMS still shows of the broken box confirms nothing.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { BareCsms, type BareCsmsOptions } from '../support/bare-csms.ts';
import { brokenBox201 } from '../support/broken-box.ts';
import { startCitrineServer } from '../support/citrineos-server.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const SECRET = 'hasura-admin-secret';

async function setup(t: TestContext, options: BareCsmsOptions = {}) {
  const company = await BareCsms.start(t, options);
  const citrine = await startCitrineServer(t, { adminSecret: SECRET });
  const { core, url } = await coreWithCsms(t);
  await callOk(core, 'sync.add', {
    kind: 'citrineos',
    baseUrl: citrine.url,
    name: 'citrine',
    credential: SECRET,
  });
  return { company, citrine, core, url };
}

test('a swap with a new password: registered at the company CSMS under the broken box identity, confirmed only once that CSMS shows the replacement connected', async (t) => {
  const { company, citrine, core, url } = await setup(t);
  const { password: old } = await brokenBox201(t, core, url, company, 'WB-C-OLD');
  assert.equal(citrine.passwords.get('WB-C-OLD'), old, 'the broken box was registered there by its own run');
  // That CSMS still shows the broken box's last session (it has not noticed the box is gone).
  citrine.connect('WB-C-OLD', 'Accepted');
  const replacement = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'FACTORY-C',
    serialNumber: 'SN-NEW-C',
  });
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-C-OLD',
    to: 'FACTORY-C',
    approval: 'auto',
    newPassword: true,
    verifyWindowS: 60,
  });
  // The replacement reaches the company's OCPP endpoint as the broken box.
  await company.waitFor(
    'the replacement at the company CSMS',
    () =>
      (
        company.calls('WB-C-OLD', 'BootNotification').at(-1) as {
          chargingStation?: { serialNumber?: string };
        }
      )?.chargingStation?.serialNumber === 'SN-NEW-C',
    30_000,
  );
  let run = core.commissioning.runs.get(started.id);
  assert.deepEqual(run.state.registration, [{ csms: 'citrine', state: 'done', error: null }]);
  // The new password: the one the replacement holds, registered at the company CSMS under the old identity.
  const fresh = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  assert.notEqual(fresh, old);
  assert.equal(replacement.secret('BasicAuthPassword'), fresh);
  assert.equal(citrine.passwords.get('WB-C-OLD'), fresh);
  assert.equal(citrine.stations.has('FACTORY-C'), false, 'never under its factory identity');
  // Not confirmed by what that CSMS showed of the broken box: only once it shows the replacement connected.
  assert.notEqual(run.status, 'confirmed');
  citrine.connect('WB-C-OLD', 'Accepted');
  run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'confirmed', JSON.stringify(run.error));
  assert.match(run.state.verify?.confirmedBy ?? '', /citrine/);
});

test('the company CSMS still shows the broken box online: the replacement that never gets there is left, not confirmed', async (t) => {
  // The company endpoint refuses the replacement once the swap starts (its password is not the one it holds).
  let refuse = false;
  const { company, citrine, core, url } = await setup(t, {
    password: (identity) => (refuse && identity === 'WB-S-OLD' ? 'not-the-one-it-holds' : undefined),
  });
  await brokenBox201(t, core, url, company, 'WB-S-OLD');
  // The broken box's last session, as that CSMS still shows it (it has not noticed the box is gone).
  citrine.connect('WB-S-OLD', 'Accepted');
  refuse = true;
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'FACTORY-S' });
  const started = await callOk(core, 'commissioning.swap', {
    from: 'WB-S-OLD',
    to: 'FACTORY-S',
    approval: 'auto',
    newPassword: true,
    verifyWindowS: 5,
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.verify));
  assert.equal(run.state.verify?.outcome, 'left');
  assert.equal(run.state.verify?.confirmedBy, undefined);
  // It did try there, as the broken box, and was refused.
  assert.ok(company.tried.filter((identity) => identity === 'WB-S-OLD').length >= 2);
});
