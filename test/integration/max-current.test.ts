// The template's maximum current reaches the box as a real charging profile for the whole box, over
// real WebSockets for both OCPP versions: planned, answered, read back, refused where the box says no.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText } from '../../locales/translate.ts';
import { MAX_PROFILE_ID, planFor } from '../../main/commissioning/plan.ts';
import type { TemplateInput } from '../../main/commissioning/template.ts';
import { templateSchema } from '../../main/commissioning/template-schema.ts';
import type { Core } from '../../main/core.ts';
import type { ConfigEntry } from '../../main/ocpp/types.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

function template(url: string, maxCurrentA: number): TemplateInput {
  return { name: 'Depot North', csms: { url, securityProfile: 1 }, maxCurrentA, verifyWindowS: 2 };
}

/** The payloads of the calls the tool sent to a box, by action, from the trace; with answered, only
 *  those the box answered (a call sent into a socket the box was just closing is sent again). */
function sent(
  core: Core,
  identity: string,
  action: string,
  answered = false,
): Array<Record<string, unknown>> {
  core.ocpp.trace.flush();
  const frames = core.ocpp.trace.list({ identity, limit: 2000 });
  const results = new Set(frames.filter((f) => f.kind === 'result').map((f) => f.messageId));
  return frames
    .filter((f) => f.kind === 'call' && f.direction === 'out' && f.action === action)
    .filter((f) => !answered || results.has(f.messageId))
    .map((f) => (JSON.parse(f.frame) as [number, string, string, Record<string, unknown>])[3]);
}

const purposes = { '1.6': 'ChargePointMaxProfile', '2.0.1': 'ChargingStationMaxProfile' } as const;

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`${ocppVersion}: the maximum current is written as the whole box's charging profile, and the box reports it back`, async (t) => {
    const company = await BareCsms.start(t);
    const { core, url } = await coreWithCsms(t);
    const identity = `WB-LIMIT-${ocppVersion}`;
    const sim = await simBox(t, core, { ocppVersion, endpoint: url, identity });
    assert.equal(sim.currentLimit(), 32, 'the hardware maximum before');
    const started = await callOk(core, 'commissioning.start', {
      identity,
      // 1.6 limits go in steps of 0.1 A: 16.25 is written as 16.2, never rounded up.
      template: template(company.url('/ocpp'), 16.25),
      approval: 'auto',
    });
    const run = await core.commissioning.settled(started.id);
    assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
    assert.deepEqual(run.state.plan?.chargingLimit, {
      amps: 16.2,
      profileId: MAX_PROFILE_ID,
      purpose: purposes[ocppVersion],
    });
    assert.ok(!run.state.plan?.notes.some((n) => n.code === 'MAX_CURRENT_NOT_CONFIGURABLE'));
    assert.equal(run.state.results.SetChargingProfile, 'Accepted');
    assert.equal(run.state.results.GetCompositeSchedule, '16.2');
    // The box keeps it: one profile for the whole box, at stack level 0, in amps.
    const [profile, ...others] = sim.chargingProfiles();
    assert.deepEqual(others, []);
    assert.equal(profile?.evse, 0);
    assert.equal(profile?.purpose, purposes[ocppVersion]);
    assert.equal(profile?.stackLevel, 0);
    assert.equal(profile?.id, MAX_PROFILE_ID);
    assert.deepEqual(profile?.periods, [{ startPeriod: 0, limit: 16.2 }]);
    assert.equal(sim.currentLimit(), 16.2);
    assert.equal(sim.currentLimit(1), 16.2, 'the whole-box limit holds on each connector');
    // On the wire: connector 0 (1.6) or EVSE 0 (2.0.1), confirmed once.
    const calls = sent(core, identity, 'SetChargingProfile', true);
    assert.equal(calls.length, 1);
    assert.equal(ocppVersion === '1.6' ? calls[0]?.connectorId : calls[0]?.evseId, 0);
    // Written after the settings, before the box is sent away.
    core.ocpp.trace.flush();
    const order = core.ocpp.trace
      .list({ identity, limit: 2000 })
      .filter((f) => f.kind === 'call' && f.direction === 'out')
      .map((f) => f.action);
    assert.ok(order.indexOf('SetChargingProfile') < order.indexOf('Reset'), order.join(','));
  });

  test(`${ocppVersion}: a box that rejects the limit fails the run at the write step, and is not reset`, async (t) => {
    const { core, url } = await coreWithCsms(t);
    const identity = `WB-FUSE-${ocppVersion}`;
    const sim = await simBox(t, core, { ocppVersion, endpoint: url, identity, hardwareMaxA: 32 });
    const started = await callOk(core, 'commissioning.start', {
      identity,
      template: template('ws://127.0.0.1:9/ocpp', 40),
      approval: 'auto',
    });
    const run = await core.commissioning.settled(started.id);
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.error, {
      code: 'COMMISSION_LIMIT_REFUSED',
      params: {
        identity,
        amps: 40,
        status: 'Rejected',
        // 2.0.1 gives its reason; a 1.6 box has no field for one.
        detail: ocppVersion === '2.0.1' ? 'LimitAboveHardware' : '-',
      },
    });
    assert.equal(run.state.results.SetChargingProfile, 'Rejected');
    assert.equal(run.state.steps.find((s) => s.step === 'write')?.status, 'failed');
    assert.equal(run.state.reset, null);
    assert.deepEqual(sent(core, identity, 'Reset'), []);
    assert.deepEqual(sim.chargingProfiles(), []);
    assert.equal(sim.currentLimit(), 32);
    // The message a technician reads names the limit and the box's answer, in both languages.
    const params = run.error?.params ?? {};
    assert.match(errorText('en', 'COMMISSION_LIMIT_REFUSED', params).message, /40 A .*Rejected/);
    assert.match(errorText('de', 'COMMISSION_LIMIT_REFUSED', params).message, /40 A .*Rejected/);
  });
}

test('2.0.1: smart charging switched off on the box is switched on before the limit is written', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-OFF' });
  await callOk(core, 'config.set', {
    identity: 'WB-OFF',
    changes: [{ key: 'SmartChargingCtrlr.Enabled', value: 'false' }],
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-OFF',
    template: template(company.url('/ocpp'), 20),
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.deepEqual(
    run.state.plan?.writes.find((w) => w.key === 'SmartChargingCtrlr.Enabled'),
    { key: 'SmartChargingCtrlr.Enabled', from: 'false', to: 'true', secret: false },
  );
  assert.equal(run.state.results['SmartChargingCtrlr.Enabled'], 'Accepted');
  assert.equal(sim.currentLimit(), 20);
});

test('a box that drops the line after every answer still gets its limit, and a confirmed limit is never sent again', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const identity = 'WB-LIMIT-FLAKY';
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity,
    misbehave: { dropAfterCalls: 1 },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity,
    template: template(company.url('/ocpp'), 25),
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.ok(run.state.reconnects > 0);
  assert.equal(sim.currentLimit(), 25);
  core.ocpp.trace.flush();
  const frames = core.ocpp.trace.list({ identity, limit: 2000 });
  const answered = new Set(frames.filter((f) => f.kind === 'result').map((f) => f.messageId));
  const confirmed = frames.filter(
    (f) => f.kind === 'call' && f.action === 'SetChargingProfile' && answered.has(f.messageId),
  );
  assert.equal(confirmed.length, 1);
});

test('a box that shows it has no smart charging blocks the run at the plan, naming what it lacks', () => {
  const entry = (key: string, value: string): ConfigEntry => ({ key, value, readonly: true });
  const t = templateSchema.parse(template('wss://csms.example/ocpp', 16));
  const plan16 = planFor(
    'WB-OLD',
    '1.6',
    [
      entry('SupportedFeatureProfiles', 'Core,LocalAuthListManagement'),
      entry('Cst_BackendUrl', 'ws://x/ocpp'),
      // A box that can take the template's security profile: only the missing smart charging blocks it.
      entry('SecurityProfile', '0'),
    ],
    t,
    [
      {
        id: 'microocpp',
        label: 'MicroOcpp',
        urlKey: 'Cst_BackendUrl',
        identityKey: null,
        appendsIdentity: false,
      },
    ],
  );
  assert.deepEqual(plan16.problems, [
    {
      code: 'MAX_CURRENT_NOT_SUPPORTED',
      params: { amps: 16, detail: 'SupportedFeatureProfiles = Core,LocalAuthListManagement' },
    },
  ]);
  assert.equal(plan16.chargingLimit, null);
  const watts = planFor('WB-W', '1.6', [entry('ChargingScheduleAllowedChargingRateUnit', 'Power')], t, []);
  assert.ok(watts.problems.some((p) => p.code === 'MAX_CURRENT_NOT_SUPPORTED'));
  const plan201 = planFor('WB-201', '2.0.1', [entry('SmartChargingCtrlr.Available', 'false')], t, []);
  assert.deepEqual(plan201.problems, [
    {
      code: 'MAX_CURRENT_NOT_SUPPORTED',
      params: { amps: 16, detail: 'SmartChargingCtrlr.Available = false' },
    },
  ]);
  // Without a maximum current in the template, no profile is planned at all.
  const none = planFor(
    'WB-201',
    '2.0.1',
    [],
    templateSchema.parse({ ...template('ws://x/o', 16), maxCurrentA: undefined }),
    [],
  );
  assert.equal(none.chargingLimit, null);
});
