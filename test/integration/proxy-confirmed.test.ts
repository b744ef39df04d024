// A commissioning run whose box goes to its company CSMS through the tool's own proxy: "confirmed" only when
// that CSMS answered the box's BootNotification Accepted on the wire, and the run names the proxy as the
// source. Simulated box, the tool's local CSMS and proxy, and an ocpp-rpc company CSMS, on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`a ${ocppVersion} box the company CSMS accepts through the proxy is confirmed, seen through the proxy`, async (t) => {
    const company = await BareCsms.start(t);
    const { core, url } = await coreWithCsms(t);
    const proxy = await callOk(core, 'proxy.start', {
      upstream: company.url('/ocpp'),
      host: '127.0.0.1',
      port: 0,
    });
    const identity = `WB-PX-${ocppVersion}`;
    const box = await simBox(t, core, { ocppVersion, endpoint: url, identity });
    const started = await callOk(core, 'commissioning.start', {
      identity,
      template: {
        name: 'Depot',
        csms: { url: `ws://127.0.0.1:${proxy.port}/ocpp`, securityProfile: 1 },
        verifyWindowS: 60,
      },
      approval: 'auto',
    });
    const run = await core.commissioning.settled(started.id);
    assert.equal(run.status, 'confirmed', JSON.stringify(run.error));
    assert.match(
      run.state.verify?.confirmedBy ?? '',
      /^seen through the proxy \(ws:\/\/127\.0\.0\.1:\d+\/ocpp\)$/,
    );
    // The company CSMS really had it: the box's new password came through unchanged, and it said Accepted.
    assert.equal(company.lastBoot(identity), 'Accepted');
    const secret = box.secret(ocppVersion === '1.6' ? 'AuthorizationKey' : 'BasicAuthPassword');
    assert.ok(secret);
    assert.equal(company.handshakes.at(-1)?.password, secret);
  });
}

test('a box the company CSMS rejects through the proxy fails its run, and one it keeps Pending is not confirmed', async (t) => {
  const company = await BareCsms.start(t, {
    boot: (identity) => (identity === 'WB-PX-REJ' ? 'Rejected' : 'Pending'),
  });
  const { core, url } = await coreWithCsms(t);
  const proxy = await callOk(core, 'proxy.start', {
    upstream: company.url('/ocpp'),
    host: '127.0.0.1',
    port: 0,
  });
  const template = (verifyWindowS: number) => ({
    name: 'Depot',
    csms: { url: `ws://127.0.0.1:${proxy.port}/ocpp`, securityProfile: 1 as const },
    verifyWindowS,
  });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-PX-REJ' });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-PX-PEND' });
  const rejected = await callOk(core, 'commissioning.start', {
    identity: 'WB-PX-REJ',
    template: template(60),
    approval: 'auto',
  });
  const pending = await callOk(core, 'commissioning.start', {
    identity: 'WB-PX-PEND',
    template: template(8),
    approval: 'auto',
  });
  const [r, p] = await Promise.all([
    core.commissioning.settled(rejected.id),
    core.commissioning.settled(pending.id),
  ]);
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'COMMISSION_CSMS_REJECTED');
  assert.match(r.state.verify?.confirmedBy ?? '', /seen through the proxy/);
  assert.equal(company.lastBoot('WB-PX-PEND'), 'Pending');
  assert.equal(p.status, 'left-not-confirmed');
});
