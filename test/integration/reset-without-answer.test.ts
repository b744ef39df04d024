// Firmware that restarts the moment it gets Reset, without answering it: the tool sees the socket close,
// never the answer. Simulated boxes over real WebSockets, a company CSMS on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunDetail } from '../../main/commissioning/types.ts';
import type { Core } from '../../main/core.ts';
import type { SimOcppVersion } from '../../main/simulator/station.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

async function commission(core: Core, identity: string, companyUrl: string): Promise<RunDetail> {
  const started = await callOk(core, 'commissioning.start', {
    identity,
    template: { name: 'Depot', csms: { url: companyUrl, securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  return core.commissioning.settled(started.id);
}

for (const version of ['1.6', '2.0.1'] as SimOcppVersion[]) {
  test(`${version}: a box that restarts on Reset without answering is judged as a box that left, not waited for forever`, {
    timeout: 60_000,
  }, async (t) => {
    const company = await BareCsms.start(t);
    const { core, url } = await coreWithCsms(t);
    const identity = `WB-QUIET-${version}`;
    const box = await simBox(t, core, {
      ocppVersion: version,
      endpoint: url,
      identity,
      misbehave: { resetWithoutAnswer: true },
    });
    const run = await commission(core, identity, company.url('/ocpp'));
    assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
    assert.equal(run.state.reset, 'NoAnswer', 'the run says the box never answered its Reset');
    assert.equal(run.state.verify?.outcome, 'left');
    assert.equal(box.bootCount(), 2, 'it restarted once: the Reset was not sent again');
    // It went where it was sent, with the password the tool keeps for it.
    await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity), 20_000);
    const kept = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
    assert.equal(company.handshakes.filter((h) => h.identity === identity).at(-1)?.password, kept);
  });
}

test('a box that restarts on Reset without answering and comes back to the tool fails the run: it ignored its new address', {
  timeout: 60_000,
}, async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-BACK',
    misbehave: { resetWithoutAnswer: true, ignoreUrlKey: true, rebootMs: 100 },
  });
  const run = await commission(core, 'WB-BACK', company.url('/ocpp'));
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_NOT_VERIFIED', JSON.stringify(run.error));
  assert.equal(run.state.reset, 'NoAnswer');
  assert.equal(company.connected('WB-BACK'), false);
});
