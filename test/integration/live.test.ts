// The live view over real WebSockets on loopback: the project's simulator charging through the local CSMS,
// bare ocpp-rpc boxes sending frames with explicit timestamps (so the notices need no waiting), a box
// relayed by the proxy to a real ocpp-rpc CSMS that sets a charging profile, and the foreign OCPP stacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveService } from '../../main/ocpp/live/live-service.ts';
import type { LiveBox, LiveNotice } from '../../main/ocpp/live/live-types.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { foreignBox16 } from '../support/foreign-box16.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { at, chargingBox16, T0 } from '../support/live-box.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

function notices(core: Awaited<ReturnType<typeof coreWithCsms>>['core']): LiveNotice[] {
  const seen: LiveNotice[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'live.notice') seen.push(payload as LiveNotice);
  });
  return seen;
}

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`${ocppVersion}: a test charge of the simulator shows its connector, the transaction and rising energy`, async (t) => {
    const { core, url } = await coreWithCsms(t);
    const identity = `WB-LIVE-${ocppVersion}`;
    await simBox(t, core, { ocppVersion, endpoint: url, identity });
    const result = await callOk(core, 'boxes.testCharge', { identity, seconds: 2 });
    const live = await until(() => {
      const box = core.live.get(identity);
      const free = box?.connectors.some((c) => c.connectorId === 1 && c.status === 'Available');
      return box?.transactions[0]?.stoppedAt && free ? box : undefined;
    }, 15_000);
    assert.equal(live.protocol, ocppVersion);
    assert.equal(live.connected, true);
    assert.equal(live.heartbeat.intervalS, 1, 'the interval the local CSMS gave in its boot answer');
    const tx = live.transactions[0];
    assert.ok(tx);
    assert.equal(tx.id, String(result.transactionId));
    const energy = tx.points.map((p) => p.energyWh).filter((e): e is number => e !== null);
    assert.ok(energy.length >= 2, 'meter values during the charge');
    assert.ok((energy.at(-1) ?? 0) > (energy[0] ?? 0), 'energy rose');
    assert.deepEqual(await callOk(core, 'live.get', { identity }), core.live.get(identity));
  });
}

test('1.6: errors with vendor code and info, idle charging and a lowered offer are told with when and why', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const seen = notices(core);
  const { box, transactionId } = await chargingBox16(t, url, 'WB-IDLE16');
  const started = { transactionId };
  const sample = (minute: number, wh: number, offered: number) =>
    box.call('MeterValues', {
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [
        {
          timestamp: at(minute),
          sampledValue: [
            { value: String(wh / 1000), measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: String(offered), measurand: 'Current.Offered', unit: 'A' },
            { value: '0', measurand: 'Power.Active.Import', unit: 'W', phase: 'L1' },
          ],
        },
      ],
    });
  await sample(1, 1200, 16);
  await sample(5, 1200, 16);
  assert.equal(seen.length, 0, 'four minutes without energy are not yet idle');
  await sample(12, 1200, 16);
  await until(() => seen.length === 1);
  assert.deepEqual(seen[0], {
    identity: 'WB-IDLE16',
    kind: 'idle',
    reason: 'no-energy',
    at: at(1),
    transactionId: String(started.transactionId),
    evseId: null,
    connectorId: 1,
    details: { minutes: 11, energyWh: 1200 },
  });
  await sample(13, 1200, 16);
  await sample(14, 1300, 6);
  await until(() => seen.length === 2);
  assert.equal(seen.length, 2, 'the same idle stretch is told once');
  assert.equal(seen[1]?.kind, 'energy-management');
  assert.equal(seen[1]?.reason, 'offered-lowered');
  assert.equal(seen[1]?.at, at(14));
  assert.deepEqual(seen[1]?.details, { fromA: 16, toA: 6 });

  const live = core.live.get('WB-IDLE16');
  assert.ok(live);
  assert.deepEqual(
    live.errors.map((e) => [e.errorCode, e.vendorErrorCode, e.info, e.at, e.cleared]),
    [['GroundFailure', 'E-RCD-42', 'RCD tripped', at(-5), true]],
  );
  assert.equal(live.connectors.find((c) => c.connectorId === 1)?.status, 'Charging');
  assert.equal(live.transactions[0]?.stoppedAt, null);
  assert.deepEqual(live.transactions[0]?.points.at(-1), {
    at: at(14),
    energyWh: 1300,
    powerW: 0,
    currentOfferedA: 6,
    currentImportA: null,
  });
  await box.call('StopTransaction', {
    transactionId: started.transactionId,
    meterStop: 1300,
    timestamp: at(15),
    reason: 'EVDisconnected',
  });
  const stopped = await until(() => core.live.get('WB-IDLE16')?.transactions[0]?.stoppedAt);
  assert.equal(stopped, at(15));
  assert.equal(core.live.get('WB-IDLE16')?.transactions[0]?.stopReason, 'EVDisconnected');
});

test('2.0.1 through the proxy: transaction events, a problem event, and a charging profile set by the CSMS', async (t) => {
  const csms = await BareCsms.start(t);
  const { core } = await coreWithCsms(t);
  const seen = notices(core);
  const status = await callOk(core, 'proxy.start', {
    upstream: csms.url('/ocpp'),
    host: '127.0.0.1',
    port: 0,
  });
  const box = bareBox(t, {
    url: `ws://127.0.0.1:${status.port}/ocpp`,
    identity: 'WB-EMS201',
    protocols: ['ocpp2.0.1'],
  });
  box.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
  await box.connect();
  await box.call('BootNotification', {
    reason: 'PowerUp',
    chargingStation: { vendorName: 'TestVendor', model: 'T2' },
  });
  await box.call('StatusNotification', {
    timestamp: at(0),
    connectorStatus: 'Occupied',
    evseId: 1,
    connectorId: 1,
  });
  const energy = (wh: number) => [
    {
      timestamp: at(0),
      sampledValue: [
        {
          value: wh,
          measurand: 'Energy.Active.Import.Register',
          unitOfMeasure: { unit: 'kWh', multiplier: 0 },
        },
      ],
    },
  ];
  await box.call('TransactionEvent', {
    eventType: 'Started',
    timestamp: at(0),
    triggerReason: 'CablePluggedIn',
    seqNo: 0,
    transactionInfo: { transactionId: 'TX-9', chargingState: 'Charging' },
    evse: { id: 1, connectorId: 1 },
    meterValue: energy(2),
  });
  await box.call('NotifyEvent', {
    generatedAt: at(1),
    seqNo: 0,
    eventData: [
      {
        eventId: 1,
        timestamp: at(1),
        trigger: 'Delta',
        actualValue: 'true',
        techCode: 'OVC-7',
        techInfo: 'over current',
        eventNotificationType: 'HardWiredNotification',
        component: { name: 'EVSE', evse: { id: 1 } },
        variable: { name: 'Problem' },
      },
    ],
  });
  const answer = await csms.call('WB-EMS201', 'SetChargingProfile', {
    evseId: 1,
    chargingProfile: {
      id: 7,
      stackLevel: 1,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId: 'TX-9',
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
      ],
    },
  });
  assert.equal(answer.status, 'Accepted');
  const profile = await until(() => seen.find((n) => n.reason === 'charging-profile'));
  assert.equal(profile.kind, 'energy-management');
  assert.equal(profile.transactionId, 'TX-9');
  assert.equal(profile.evseId, 1);
  assert.deepEqual(profile.details, { limit: 10, unit: 'A', purpose: 'TxProfile' });
  await box.call('TransactionEvent', {
    eventType: 'Ended',
    timestamp: at(3),
    triggerReason: 'EVDeparted',
    seqNo: 1,
    transactionInfo: { transactionId: 'TX-9', stoppedReason: 'EVDisconnected' },
    evse: { id: 1, connectorId: 1 },
    meterValue: energy(3.5),
  });
  const live = await until(() => {
    const box201 = core.live.get('WB-EMS201');
    return box201?.transactions[0]?.stoppedAt ? box201 : undefined;
  });
  assert.equal(live.protocol, '2.0.1');
  assert.deepEqual(live.connectors, [
    { evseId: 1, connectorId: 1, status: 'Occupied', errorCode: null, at: at(0) },
  ]);
  assert.deepEqual(
    live.errors.map((e) => [e.errorCode, e.vendorErrorCode, e.info, e.evseId]),
    [['EVSE.Problem', 'OVC-7', 'over current', 1]],
  );
  const tx = live.transactions[0];
  assert.equal(tx?.meterStartWh, 2000);
  assert.equal(tx?.meterStopWh, 3500);
  assert.equal(tx?.stopReason, 'EVDisconnected');
});

test('heartbeat timing and idle charging are judged on an injected clock, without waiting', async (t) => {
  const { core, url } = await coreWithCsms(t);
  let now = new Date(T0);
  const live = new LiveService(core.ocpp.trace, { now: () => now, idleMinutes: () => 10, tickMs: 0 });
  t.after(() => live.close());
  const seen: LiveNotice[] = [];
  live.on('notice', (n: LiveNotice) => seen.push(n));
  const box = bareBox(t, { url, identity: 'WB-CLOCK' });
  await box.connect();
  await boot16(box);
  await box.call('Heartbeat', {});
  const last = await until(() => live.get('WB-CLOCK')?.heartbeat.last ?? undefined);
  now = new Date(Date.parse(last) + 1000);
  assert.equal(live.get('WB-CLOCK')?.heartbeat.late, false);
  now = new Date(Date.parse(last) + 2000);
  assert.equal(live.get('WB-CLOCK')?.heartbeat.late, true, 'no heartbeat for two intervals of one second');

  await box.call('StartTransaction', {
    connectorId: 1,
    idTag: '04A1B2C3',
    meterStart: 500,
    timestamp: at(0),
  });
  await until(() => live.get('WB-CLOCK')?.transactions.length);
  now = new Date(T0 + 9 * 60_000);
  live.tick();
  assert.equal(seen.length, 0);
  now = new Date(T0 + 10 * 60_000);
  live.tick();
  live.tick();
  assert.equal(seen.length, 1);
  assert.deepEqual(
    [seen[0]?.kind, seen[0]?.at, seen[0]?.details],
    ['idle', at(0), { minutes: 10, energyWh: 500 }],
  );
});

test('the foreign OCPP stacks show up live: protocol and a heartbeat they were asked for', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await foreignBox16(t, { url, identity: 'WB-F16' });
  await foreignBox201(t, { url, identity: 'WB-F201' });
  for (const [identity, protocol] of [
    ['WB-F16', '1.6'],
    ['WB-F201', '2.0.1'],
  ] as const) {
    await until(() => core.live.get(identity)?.heartbeat.intervalS, 10_000);
    await callOk(core, 'boxes.trigger', { identity, message: 'Heartbeat' });
    const live = await until(() => {
      const box = core.live.get(identity);
      return box?.heartbeat.last ? box : undefined;
    }, 10_000);
    assert.equal(live.protocol, protocol);
    assert.equal(live.heartbeat.late, false);
  }
});

test('the idle minutes are a setting: set to 5, five minutes without energy are told', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const seen = notices(core);
  assert.deepEqual(await callOk(core, 'live.idleMinutes', {}), { minutes: 10 });
  assert.deepEqual(await callOk(core, 'live.idleMinutes', { minutes: 5 }), { minutes: 5 });
  const { sample } = await chargingBox16(t, url, 'WB-IDLE5');
  await sample(1, 1200);
  await sample(6, 1200);
  const idle = await until(() => seen.find((n) => n.kind === 'idle'));
  assert.deepEqual([idle.at, idle.details], [at(1), { minutes: 5, energyWh: 1200 }]);
  assert.equal(core.live.get('WB-IDLE5')?.idleMinutes, 5);
});

test('the live view tells each frame that changes what it shows, and stays quiet on those that change nothing', async (t) => {
  // Frames recorded into the trace directly (in-process, no wire): what is tested is which of them the live
  // view tells its watchers about; the tests above cover the same folding over real WebSockets.
  const { core } = await coreWithCsms(t);
  // Each frame folded as it is heard (batchMs 0), so what it caused can be counted frame by frame.
  const live = new LiveService(core.ocpp.trace, { tickMs: 0, batchMs: 0 });
  t.after(() => live.close());
  const told: LiveBox[] = [];
  live.on('changed', (box: LiveBox) => {
    if (box.identity === 'WB-QUIET') told.push(box);
  });
  const frame = (direction: 'in' | 'out', value: unknown[]) =>
    core.ocpp.trace.frame('WB-QUIET', direction, JSON.stringify(value));
  const boot = { chargePointVendor: 'V', chargePointModel: 'M' };
  const shown = [
    () => frame('in', [2, 'b1', 'BootNotification', boot]),
    () => frame('out', [3, 'b1', { status: 'Accepted', currentTime: at(0), interval: 60 }]),
    () => frame('in', [2, 'h1', 'Heartbeat', {}]),
    () =>
      frame('in', [
        2,
        's1',
        'StatusNotification',
        { connectorId: 1, errorCode: 'NoError', status: 'Preparing' },
      ]),
  ];
  const quiet = [
    () => frame('out', [3, 'h1', { currentTime: at(1) }]),
    () => frame('out', [3, 's1', {}]),
    () => frame('in', [2, 'a1', 'Authorize', { idTag: '04A1B2C3' }]),
    () => frame('out', [3, 'a1', { idTagInfo: { status: 'Accepted' } }]),
    () => frame('out', [2, 'c1', 'GetConfiguration', {}]),
    () => frame('in', [3, 'c1', { configurationKey: [] }]),
  ];
  const counts: number[] = [];
  for (const send of shown) {
    const before = told.length;
    send();
    counts.push(told.length - before);
  }
  assert.deepEqual(
    counts,
    [1, 1, 1, 1],
    'the boot (its first frame connects the box), its answer, a heartbeat, a status',
  );
  const quietFrom = told.length;
  for (const send of quiet) send();
  assert.equal(told.length, quietFrom, 'answers that change nothing here, a card check, the CSMS asking');
  const last = told.at(-1);
  assert.equal(last?.heartbeat.intervalS, 60);
  assert.equal(last?.connectors[0]?.status, 'Preparing');
  assert.deepEqual(live.get('WB-QUIET')?.connectors, last?.connectors);
});

test('the live view folds frames in batches, off the turn that relays them, yet a read includes every frame heard', async (t) => {
  const { core } = await coreWithCsms(t);
  const live = new LiveService(core.ocpp.trace, { tickMs: 0 });
  t.after(() => live.close());
  const told: string[] = [];
  live.on('changed', (box: LiveBox) => {
    if (box.identity === 'WB-BATCH') told.push(box.connectors[0]?.status ?? '');
  });
  for (const status of ['Preparing', 'Charging', 'SuspendedEV']) {
    const payload = { connectorId: 1, errorCode: 'NoError', status };
    core.ocpp.trace.frame('WB-BATCH', 'in', JSON.stringify([2, status, 'StatusNotification', payload]));
  }
  assert.deepEqual(told, [], 'the turn that records the frames (a relay passing them on) does not fold them');
  assert.equal(live.get('WB-BATCH')?.connectors[0]?.status, 'SuspendedEV', 'read at once, all three are in');
  assert.deepEqual(told, ['Preparing', 'Charging', 'SuspendedEV'], 'and each change was told, in order');
});
