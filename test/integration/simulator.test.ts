// The station simulator against a real ocpp-rpc CSMS on loopback: the behaviours a commissioning tool
// relies on (boot, configuration, security, local list, slots, reset) and the misbehaviours it must survive.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { type TestContext, test } from 'node:test';
import { createSimStation, type SimStation, type SimStationOptions } from '../../main/simulator/station.ts';
import { BareCsms } from '../support/bare-csms.ts';

type Payload = Record<string, unknown>;

const PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBszCCAVmgAwIBAgIUQ2hhcmdpbmcgc2ltdWxhdG9yIHJvb3QwCgYIKoZIzj0E',
  'AwIwFzEVMBMGA1UEAwwMU2ltdWxhdG9yIENBMB4XDTI0MDEwMTAwMDAwMFoXDTM0',
  '-----END CERTIFICATE-----',
].join('\n');

function waitEvent(
  station: SimStation,
  event: 'connected' | 'disconnected' | 'boot' | 'reset',
  match?: unknown,
) {
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} ${String(match ?? '')} in time`)), 8_000);
    station.on(event, (value: unknown) => {
      if (match !== undefined && value !== match) return;
      clearTimeout(timer);
      resolve(value);
    });
  });
}

interface Booted {
  station: SimStation;
  lines: string[];
}

/** A started box whose boot the CSMS accepted and that reported its connectors; stopped when the test ends. */
async function booted(
  t: TestContext,
  csms: BareCsms,
  options: Partial<SimStationOptions> & Pick<SimStationOptions, 'identity' | 'ocppVersion'>,
): Promise<Booted> {
  const lines: string[] = [];
  const station = createSimStation({ endpoint: csms.url(), log: (line) => lines.push(line), ...options });
  t.after(() => station.stop());
  const accepted = waitEvent(station, 'boot', 'Accepted');
  const before = csms.calls(options.identity, 'StatusNotification').length;
  await station.start();
  await accepted;
  const reports = (options.connectors ?? 1) + (options.ocppVersion === '1.6' ? 1 : 0);
  await csms.waitFor('the status of each connector', () => {
    return csms.calls(options.identity, 'StatusNotification').length >= before + reports;
  });
  return { station, lines };
}

/** A loopback port nobody listens on: the address of a CSMS that cannot be reached. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function entriesOf(answer: Payload): Array<{ key: string; readonly: boolean; value?: string }> {
  return answer.configurationKey as Array<{ key: string; readonly: boolean; value?: string }>;
}

const cv = (component: string, variable: string, instance?: string) => ({
  component: { name: component },
  variable: instance ? { name: variable, instance } : { name: variable },
});

async function setVariable(
  csms: BareCsms,
  identity: string,
  component: string,
  variable: string,
  value: string,
) {
  const answer = await csms.call(identity, 'SetVariables', {
    setVariableData: [{ ...cv(component, variable), attributeValue: value }],
  });
  const [result] = answer.setVariableResult as Array<{ attributeStatus: string }>;
  return result?.attributeStatus;
}

function tokens(count: number, prefix: string, extra: Payload = {}) {
  return Array.from({ length: count }, (_, i) => ({
    idToken: { idToken: `${prefix}${i}`, type: 'ISO14443' },
    idTokenInfo: { status: 'Accepted', ...extra },
  }));
}

// ---- OCPP 1.6 ----

test('a 1.6 box answered Pending can be configured but not charged, and boots again until Accepted', async (t) => {
  const csms = await BareCsms.start(t, { boot: (_id, n) => (n === 0 ? 'Pending' : 'Accepted') });
  const station = createSimStation({
    ocppVersion: '1.6',
    endpoint: csms.url(),
    identity: 'CP-PENDING',
    connectors: 2,
  });
  t.after(() => station.stop());
  const pending = waitEvent(station, 'boot', 'Pending');
  const accepted = waitEvent(station, 'boot', 'Accepted');
  await station.start();
  await pending;
  const config = await csms.call('CP-PENDING', 'GetConfiguration', { key: ['NumberOfConnectors'] });
  assert.deepEqual(entriesOf(config), [{ key: 'NumberOfConnectors', readonly: true, value: '2' }]);
  assert.equal(
    (await csms.call('CP-PENDING', 'RemoteStartTransaction', { idTag: 'CARD' })).status,
    'Rejected',
  );
  await accepted;
  const boots = csms.calls('CP-PENDING', 'BootNotification');
  assert.equal(boots.length, 2);
  assert.equal(boots[0]?.chargePointVendor, 'Wallbox Commissioner');
  assert.equal(typeof boots[0]?.chargePointSerialNumber, 'string');
  const statuses = await csms.waitFor('a status per connector', () => {
    const seen = csms.calls('CP-PENDING', 'StatusNotification');
    return seen.length >= 3 && seen;
  });
  assert.deepEqual(
    statuses.map((s) => [s.connectorId, s.status]),
    [
      [0, 'Available'],
      [1, 'Available'],
      [2, 'Available'],
    ],
  );
  assert.equal(station.bootCount(), 1);
});

test('GetConfiguration lists every key with its readonly flag and never shows the AuthorizationKey', async (t) => {
  const csms = await BareCsms.start(t);
  const password = 'initial-password-16';
  const { station, lines } = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-READ', password });
  const all = entriesOf(await csms.call('CP-READ', 'GetConfiguration', {}));
  const byKey = new Map(all.map((e) => [e.key, e]));
  assert.deepEqual(byKey.get('AuthorizationKey'), { key: 'AuthorizationKey', readonly: false });
  assert.equal(byKey.get('SecurityProfile')?.value, '1');
  assert.equal(byKey.get('SendLocalListMaxLength')?.readonly, true);
  assert.equal(byKey.get('LocalAuthListMaxLength')?.value, '1000');
  assert.equal(byKey.get('SupportedFeatureProfiles')?.readonly, true);
  assert.equal(byKey.get('Cst_BackendUrl')?.value, csms.url());
  assert.equal(byKey.get('Cst_ChargeBoxId')?.value, 'CP-READ');
  const some = await csms.call('CP-READ', 'GetConfiguration', { key: ['heartbeatinterval', 'NoSuchKey'] });
  assert.deepEqual(some.unknownKey, ['NoSuchKey']);
  assert.equal(entriesOf(some)[0]?.key, 'HeartbeatInterval');
  assert.equal(station.configuration().AuthorizationKey, '');
  assert.equal(station.secret('AuthorizationKey'), password);
  assert.equal(csms.handshakes[0]?.password, password);
  assert.ok(!JSON.stringify(all).includes(password));
  assert.ok(!lines.join('\n').includes(password));
});

test('ChangeConfiguration answers per key: Accepted, Rejected, NotSupported, and a box may refuse keys', async (t) => {
  const csms = await BareCsms.start(t);
  const misbehave = { rejectKeys: ['ConnectionTimeOut'] };
  const { station } = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-CHANGE', misbehave });
  const change = async (key: string, value: string) =>
    (await csms.call('CP-CHANGE', 'ChangeConfiguration', { key, value })).status;
  assert.equal(await change('HeartbeatInterval', '60'), 'Accepted');
  assert.equal(await change('HeartbeatInterval', 'often'), 'Rejected');
  assert.equal(await change('NumberOfConnectors', '4'), 'Rejected');
  assert.equal(await change('NoSuchKey', '1'), 'NotSupported');
  assert.equal(await change('LocalAuthorizeOffline', 'TRUE'), 'Accepted');
  assert.equal(
    await change('MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import'),
    'Accepted',
  );
  assert.equal(await change('MeterValuesSampledData', 'Temperature'), 'Rejected');
  assert.equal(await change('ConnectionTimeOut', '90'), 'Rejected');
  assert.equal(await change('Cst_BackendUrl', 'http://not-a-websocket'), 'Rejected');
  const config = station.configuration();
  assert.equal(config.HeartbeatInterval, '60');
  assert.equal(config.LocalAuthorizeOffline, 'true');
  assert.equal(config.ConnectionTimeOut, '60');
});

test('a new backend URL and identity wait for the reset; then the box dials the new path as the new identity', async (t) => {
  const csms = await BareCsms.start(t);
  const target = await BareCsms.start(t);
  const { station } = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-MOVE' });
  const change = async (key: string, value: string) =>
    (await csms.call('CP-MOVE', 'ChangeConfiguration', { key, value })).status;
  assert.equal(await change('Cst_BackendUrl', target.url('/new')), 'RebootRequired');
  assert.equal(await change('Cst_ChargeBoxId', 'CP-MOVED'), 'RebootRequired');
  assert.equal(station.currentEndpoint(), `${csms.url()}/CP-MOVE`);
  const reset = waitEvent(station, 'reset');
  const rebooted = waitEvent(station, 'boot', 'Accepted');
  assert.equal((await csms.call('CP-MOVE', 'Reset', { type: 'Soft' })).status, 'Accepted');
  assert.equal(await reset, 'Soft');
  await rebooted;
  assert.deepEqual(target.handshakes[0], {
    identity: 'CP-MOVED',
    endpoint: '/new',
    protocol: 'ocpp1.6',
    password: undefined,
    offered: ['ocpp1.6'],
  });
  assert.equal(station.identity, 'CP-MOVED');
  assert.equal(station.currentEndpoint(), `${target.url('/new')}/CP-MOVED`);
  assert.equal(station.bootCount(), 2);
  assert.equal(target.calls('CP-MOVED', 'BootNotification').length, 1);
});

test('the URL key follows the vendor profile: CentralSystemURI moves the box, the identity stays', async (t) => {
  const csms = await BareCsms.start(t);
  const { station } = await booted(t, csms, {
    ocppVersion: '1.6',
    identity: 'CP-EVEREST',
    urlKey: 'CentralSystemURI',
  });
  const keys = entriesOf(await csms.call('CP-EVEREST', 'GetConfiguration', {})).map((e) => e.key);
  assert.ok(keys.includes('CentralSystemURI'));
  assert.ok(!keys.includes('Cst_BackendUrl') && !keys.includes('Cst_ChargeBoxId'));
  const status = await csms.call('CP-EVEREST', 'ChangeConfiguration', {
    key: 'CentralSystemURI',
    value: csms.url('/v2'),
  });
  assert.equal(status.status, 'RebootRequired');
  const rebooted = waitEvent(station, 'boot', 'Accepted');
  await csms.call('CP-EVEREST', 'Reset', { type: 'Hard' });
  await rebooted;
  assert.equal(csms.handshakes.at(-1)?.endpoint, '/v2');
  assert.equal(csms.handshakes.at(-1)?.identity, 'CP-EVEREST');
  const other = createSimStation({
    ocppVersion: '1.6',
    endpoint: csms.url(),
    identity: 'CP-X',
    urlKey: 'ConnectionUrl',
  });
  assert.equal(other.configuration().ConnectionUrl, csms.url());
  assert.equal(other.currentEndpoint(), `${csms.url()}/CP-X`);
});

test('the security profile only goes up, and a new AuthorizationKey is the basic-auth password at once', async (t) => {
  const csms = await BareCsms.start(t);
  const { station, lines } = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-SEC' });
  const change = async (key: string, value: string) =>
    (await csms.call('CP-SEC', 'ChangeConfiguration', { key, value })).status;
  assert.equal(await change('SecurityProfile', '1'), 'Rejected', 'no key yet');
  assert.equal(await change('AuthorizationKey', 'short'), 'Rejected');
  assert.equal(await change('AuthorizationKey', 'zz'.repeat(16)), 'Rejected');
  assert.equal(await change('AuthorizationKey', 'ab'.repeat(21)), 'Rejected', '21 bytes');
  const key1 = '0123456789abcdef'.repeat(2);
  const back = waitEvent(station, 'connected');
  assert.equal(await change('AuthorizationKey', key1), 'Accepted');
  await back;
  assert.equal(csms.handshakes.length, 2, 'closed and dialled again');
  assert.equal(csms.handshakes[1]?.password, undefined, 'profile 0 sends no password');
  assert.equal(await change('SecurityProfile', '1'), 'RebootRequired');
  assert.equal(await change('SecurityProfile', '0'), 'Rejected');
  const rebooted = waitEvent(station, 'boot', 'Accepted');
  await csms.call('CP-SEC', 'Reset', { type: 'Soft' });
  await rebooted;
  assert.equal(csms.handshakes.at(-1)?.password, key1);
  const key2 = 'fedcba9876543210'.repeat(2).toUpperCase();
  const again = waitEvent(station, 'connected');
  assert.equal(await change('AuthorizationKey', key2), 'Accepted');
  await again;
  assert.equal(csms.handshakes.at(-1)?.password, key2);
  assert.equal(station.secret('AuthorizationKey'), key2);
  assert.equal(await change('SecurityProfile', '2'), 'Rejected', 'no CSMS root certificate yet');
  const install = (certificate: string) =>
    csms.call('CP-SEC', 'InstallCertificate', {
      certificateType: 'CentralSystemRootCertificate',
      certificate,
    });
  assert.equal((await install('not a certificate')).status, 'Rejected');
  assert.equal((await install(PEM)).status, 'Accepted');
  assert.equal(await change('SecurityProfile', '2'), 'RebootRequired');
  const log = lines.join('\n');
  assert.ok(!log.includes(key1) && !log.includes(key2), 'keys never reach the log');
});

test('1.6 local list: Full, then Differential; an old version is VersionMismatch, a long list Failed', async (t) => {
  const csms = await BareCsms.start(t);
  const { station } = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-LIST' });
  const send = async (payload: Payload) => (await csms.call('CP-LIST', 'SendLocalList', payload)).status;
  const version = async () => (await csms.call('CP-LIST', 'GetLocalListVersion', {})).listVersion;
  assert.equal(await version(), 0);
  const full = [
    { idTag: 'CARD-A', idTagInfo: { status: 'Accepted', parentIdTag: 'TEAM' } },
    { idTag: 'CARD-B', idTagInfo: { status: 'Blocked' } },
  ];
  assert.equal(await send({ listVersion: 3, updateType: 'Full', localAuthorizationList: full }), 'Accepted');
  assert.equal(await version(), 3);
  const stale = { listVersion: 3, updateType: 'Differential', localAuthorizationList: [{ idTag: 'CARD-C' }] };
  assert.equal(await send(stale), 'VersionMismatch');
  const diff = [{ idTag: 'card-b' }, { idTag: 'CARD-C', idTagInfo: { status: 'Accepted' } }];
  assert.equal(
    await send({ listVersion: 4, updateType: 'Differential', localAuthorizationList: diff }),
    'Accepted',
  );
  assert.deepEqual(station.localList(), {
    version: 4,
    entries: [
      { idTag: 'CARD-A', status: 'Accepted', parentIdTag: 'TEAM' },
      { idTag: 'CARD-C', status: 'Accepted' },
    ],
  });
  const tooMany = Array.from({ length: 101 }, (_, i) => ({
    idTag: `T${i}`,
    idTagInfo: { status: 'Accepted' },
  }));
  assert.equal(await send({ listVersion: 9, updateType: 'Full', localAuthorizationList: tooMany }), 'Failed');
  assert.equal(await version(), 4, 'a refused list changes nothing');
  await csms.call('CP-LIST', 'ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' });
  assert.equal(
    await send({ listVersion: 10, updateType: 'Full', localAuthorizationList: full }),
    'NotSupported',
  );
});

test('a box that loses its list on reset reads back version 0; a sound one keeps it', async (t) => {
  const csms = await BareCsms.start(t);
  const list = {
    listVersion: 5,
    updateType: 'Full',
    localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted' } }],
  };
  const forgetful = await booted(t, csms, {
    ocppVersion: '1.6',
    identity: 'CP-FORGET',
    misbehave: { loseListOnReset: true },
  });
  const sound = await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-SOUND' });
  for (const [identity, { station }] of [
    ['CP-FORGET', forgetful],
    ['CP-SOUND', sound],
  ] as const) {
    assert.equal((await csms.call(identity, 'SendLocalList', list)).status, 'Accepted');
    const rebooted = waitEvent(station, 'boot', 'Accepted');
    await csms.call(identity, 'Reset', { type: 'Hard' });
    await rebooted;
  }
  assert.equal((await csms.call('CP-FORGET', 'GetLocalListVersion', {})).listVersion, 0);
  assert.deepEqual(forgetful.station.localList(), { version: 0, entries: [] });
  assert.equal((await csms.call('CP-SOUND', 'GetLocalListVersion', {})).listVersion, 5);
});

test('1.6 remote start charges with a rising meter and remote stop ends the transaction', async (t) => {
  const csms = await BareCsms.start(t);
  await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-CHARGE' });
  await csms.call('CP-CHARGE', 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '1' });
  assert.equal(
    (await csms.call('CP-CHARGE', 'RemoteStartTransaction', { idTag: 'CARD', connectorId: 1 })).status,
    'Accepted',
  );
  const start = await csms.waitFor('StartTransaction', () => csms.calls('CP-CHARGE', 'StartTransaction')[0]);
  assert.equal(start.idTag, 'CARD');
  const samples = await csms.waitFor('two meter values', () => {
    const seen = csms.calls('CP-CHARGE', 'MeterValues').filter((m) => m.transactionId === 1);
    return seen.length >= 2 && seen;
  });
  const energy = samples.map((m) => {
    const [value] = m.meterValue as Array<{ sampledValue: Array<{ value: string; measurand: string }> }>;
    const sample = value?.sampledValue.find((s) => s.measurand === 'Energy.Active.Import.Register');
    return Number(sample?.value);
  });
  assert.ok(
    (energy[0] ?? 0) > (start.meterStart as number) && (energy[1] ?? 0) > (energy[0] ?? 0),
    `rising: ${energy}`,
  );
  assert.equal(
    (await csms.call('CP-CHARGE', 'RemoteStopTransaction', { transactionId: 99 })).status,
    'Rejected',
  );
  assert.equal(
    (await csms.call('CP-CHARGE', 'RemoteStopTransaction', { transactionId: 1 })).status,
    'Accepted',
  );
  const stop = await csms.waitFor('StopTransaction', () => csms.calls('CP-CHARGE', 'StopTransaction')[0]);
  assert.equal(stop.reason, 'Remote');
  assert.ok((stop.meterStop as number) >= (energy[1] ?? 0));
  assert.equal(csms.calls('CP-CHARGE', 'Authorize').length, 0);
  const statuses = csms.calls('CP-CHARGE', 'StatusNotification').map((s) => s.status);
  assert.ok(statuses.includes('Charging'));
  await csms.waitFor(
    'Available again',
    () => csms.calls('CP-CHARGE', 'StatusNotification').at(-1)?.status === 'Available',
  );
});

test('1.6 TriggerMessage sends the message asked for, on the connector asked for', async (t) => {
  const csms = await BareCsms.start(t);
  await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-TRIGGER' });
  const before = csms.received.length;
  const trigger = async (requestedMessage: string, connectorId?: number) =>
    (
      await csms.call('CP-TRIGGER', 'TriggerMessage', {
        requestedMessage,
        ...(connectorId ? { connectorId } : {}),
      })
    ).status;
  assert.equal(await trigger('StatusNotification', 1), 'Accepted');
  assert.equal(await trigger('Heartbeat'), 'Accepted');
  assert.equal(await trigger('DiagnosticsStatusNotification'), 'Accepted');
  assert.equal(await trigger('MeterValues', 1), 'Accepted');
  assert.equal(await trigger('StatusNotification', 5), 'Rejected');
  await csms.waitFor('the triggered messages', () => csms.received.length >= before + 4);
  const sent = csms.received.slice(before).map((r) => r.method);
  assert.deepEqual(sent.sort(), [
    'DiagnosticsStatusNotification',
    'Heartbeat',
    'MeterValues',
    'StatusNotification',
  ]);
  const status = csms.calls('CP-TRIGGER', 'StatusNotification').at(-1);
  assert.equal(status?.connectorId, 1);
});

test('a box whose boot was Rejected answers every CSMS call with SecurityError', async (t) => {
  const csms = await BareCsms.start(t, { boot: () => 'Rejected', bootInterval: 30 });
  const station = createSimStation({ ocppVersion: '1.6', endpoint: csms.url(), identity: 'CP-REJECTED' });
  t.after(() => station.stop());
  const rejected = waitEvent(station, 'boot', 'Rejected');
  await station.start();
  await rejected;
  await assert.rejects(csms.call('CP-REJECTED', 'GetConfiguration', {}), { rpcErrorCode: 'SecurityError' });
});

// ---- OCPP 2.0.1 ----

test('a 2.0.1 box boots Pending then Accepted, reports each EVSE, and refuses a trigger to boot again', async (t) => {
  const csms = await BareCsms.start(t, { boot: (_id, n) => (n === 0 ? 'Pending' : 'Accepted') });
  const station = createSimStation({
    ocppVersion: '2.0.1',
    endpoint: csms.url(),
    identity: 'CS-BOOT',
    connectors: 2,
  });
  t.after(() => station.stop());
  const pending = waitEvent(station, 'boot', 'Pending');
  const accepted = waitEvent(station, 'boot', 'Accepted');
  await station.start();
  await pending;
  const start = { idToken: { idToken: 'CARD', type: 'ISO14443' }, remoteStartId: 1 };
  assert.equal((await csms.call('CS-BOOT', 'RequestStartTransaction', start)).status, 'Rejected');
  await accepted;
  const [boot] = csms.calls('CS-BOOT', 'BootNotification');
  assert.equal(boot?.reason, 'PowerUp');
  assert.deepEqual(Object.keys(boot?.chargingStation as Payload).sort(), [
    'firmwareVersion',
    'model',
    'serialNumber',
    'vendorName',
  ]);
  const statuses = await csms.waitFor('a status per EVSE', () => {
    const seen = csms.calls('CS-BOOT', 'StatusNotification');
    return seen.length >= 2 && seen;
  });
  assert.deepEqual(
    statuses.map((s) => [s.evseId, s.connectorId, s.connectorStatus]),
    [
      [1, 1, 'Available'],
      [2, 1, 'Available'],
    ],
  );
  const again = await csms.call('CS-BOOT', 'TriggerMessage', { requestedMessage: 'BootNotification' });
  assert.equal(again.status, 'Rejected');
});

test('GetBaseReport arrives in parts that assemble into the device model, without write-only values', async (t) => {
  const csms = await BareCsms.start(t);
  const password = 'Initial-Pass-1234';
  const { station } = await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-REPORT', password });
  const report = async (requestId: number, reportBase: string) => {
    assert.equal(
      (await csms.call('CS-REPORT', 'GetBaseReport', { requestId, reportBase })).status,
      'Accepted',
    );
    return csms.waitFor(`report ${requestId}`, () => {
      const parts = csms.calls('CS-REPORT', 'NotifyReport').filter((p) => p.requestId === requestId);
      return parts.some((p) => p.tbc === false) && parts;
    });
  };
  const parts = await report(1, 'FullInventory');
  assert.ok(parts.length > 1, 'several parts');
  assert.deepEqual(
    parts.map((p) => p.seqNo),
    parts.map((_, i) => i),
  );
  assert.deepEqual(
    parts.map((p) => p.tbc),
    parts.map((_, i) => i < parts.length - 1),
  );
  assert.equal(new Set(parts.map((p) => p.generatedAt)).size, 1);
  type Datum = {
    component: { name: string };
    variable: { name: string; instance?: string };
    variableAttribute: Array<{ type: string; value?: string; mutability: string }>;
    variableCharacteristics: { dataType: string; valuesList?: string };
  };
  const data = parts.flatMap((p) => p.reportData as Datum[]);
  const key = (d: Datum) =>
    `${d.component.name}.${d.variable.name}${d.variable.instance ? `[${d.variable.instance}]` : ''}`;
  assert.deepEqual(data.map(key).sort(), Object.keys(station.configuration()).sort());
  const priority = data.find((d) => key(d) === 'OCPPCommCtrlr.NetworkConfigurationPriority');
  assert.equal(priority?.variableCharacteristics.valuesList, '0,1,2');
  assert.equal(priority?.variableAttribute[0]?.value, '0');
  const secret = data.find((d) => key(d) === 'SecurityCtrlr.BasicAuthPassword');
  assert.deepEqual(secret?.variableAttribute[0]?.mutability, 'WriteOnly');
  assert.equal(secret?.variableAttribute[0]?.value, undefined);
  assert.ok(!JSON.stringify(parts).includes(password));
  const profile = data.find((d) => key(d) === 'SecurityCtrlr.SecurityProfile');
  assert.equal(profile?.variableAttribute[0]?.value, '1');
  const configuration = (await report(2, 'ConfigurationInventory')).flatMap((p) => p.reportData as Datum[]);
  assert.ok(configuration.length > 0);
  assert.ok(configuration.every((d) => d.variableAttribute[0]?.mutability !== 'ReadOnly'));
});

test('GetVariables and SetVariables answer per item, and a box may refuse variables', async (t) => {
  const csms = await BareCsms.start(t);
  const misbehave = { rejectKeys: ['AuthCtrlr.LocalPreAuthorize'] };
  const { station } = await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-VARS', misbehave });
  const got = await csms.call('CS-VARS', 'GetVariables', {
    getVariableData: [
      cv('OCPPCommCtrlr', 'HeartbeatInterval'),
      cv('NoSuchCtrlr', 'Enabled'),
      cv('OCPPCommCtrlr', 'NoSuchVariable'),
      { ...cv('OCPPCommCtrlr', 'HeartbeatInterval'), attributeType: 'Target' },
      cv('SecurityCtrlr', 'BasicAuthPassword'),
      cv('OCPPCommCtrlr', 'MessageTimeout', 'Default'),
      cv('LocalAuthListCtrlr', 'ItemsPerMessage'),
    ],
  });
  const results = got.getVariableResult as Array<{ attributeStatus: string; attributeValue?: string }>;
  assert.deepEqual(
    results.map((r) => [r.attributeStatus, r.attributeValue]),
    [
      ['Accepted', '300'],
      ['UnknownComponent', undefined],
      ['UnknownVariable', undefined],
      ['NotSupportedAttributeType', undefined],
      ['Rejected', undefined],
      ['Accepted', '30'],
      ['Accepted', '100'],
    ],
  );
  const set = (component: string, variable: string, value: string) =>
    setVariable(csms, 'CS-VARS', component, variable, value);
  assert.equal(await set('OCPPCommCtrlr', 'HeartbeatInterval', '120'), 'Accepted');
  assert.equal(await set('OCPPCommCtrlr', 'HeartbeatInterval', 'often'), 'Rejected');
  assert.equal(await set('SecurityCtrlr', 'SecurityProfile', '3'), 'Rejected');
  assert.equal(await set('LocalAuthListCtrlr', 'ItemsPerMessage', '500'), 'Rejected');
  assert.equal(await set('AuthCtrlr', 'LocalPreAuthorize', 'true'), 'Rejected');
  assert.equal(await set('AuthCtrlr', 'LocalAuthorizeOffline', 'false'), 'Accepted');
  assert.equal(await set('SecurityCtrlr', 'Identity', 'CS-NEW-NAME'), 'RebootRequired');
  assert.equal(await set('NoSuchCtrlr', 'Enabled', 'true'), 'UnknownComponent');
  const config = station.configuration();
  assert.equal(config['OCPPCommCtrlr.HeartbeatInterval'], '120');
  assert.equal(config['AuthCtrlr.LocalPreAuthorize'], 'false');
  assert.equal(config['SecurityCtrlr.Identity'], 'CS-NEW-NAME');
  assert.equal(station.identity, 'CS-VARS', 'the identity changes at the next boot');
});

test('BasicAuthPassword takes 16 to 40 allowed characters, and the box presents a new one at once', async (t) => {
  const csms = await BareCsms.start(t);
  const { station, lines } = await booted(t, csms, {
    ocppVersion: '2.0.1',
    identity: 'CS-PASS',
    password: 'first-password-0001',
  });
  const set = (value: string) => setVariable(csms, 'CS-PASS', 'SecurityCtrlr', 'BasicAuthPassword', value);
  assert.equal(await set('too-short'), 'Rejected');
  assert.equal(await set('x'.repeat(41)), 'Rejected');
  assert.equal(await set('has spaces in it ok'), 'Rejected');
  assert.equal(await set('hash#is#not#allowed'), 'Rejected');
  const good = 'Abc-123_=:+|@.*xyzXYZ';
  const back = waitEvent(station, 'connected');
  assert.equal(await set(good), 'Accepted');
  await back;
  assert.equal(csms.handshakes.at(-1)?.password, good);
  assert.equal(station.secret('BasicAuthPassword'), good);
  assert.equal(station.configuration()['SecurityCtrlr.BasicAuthPassword'], '');
  assert.ok(!lines.join('\n').includes(good));
});

test('SetNetworkProfile takes slots from the valuesList, never a lower security profile', async (t) => {
  const csms = await BareCsms.start(t);
  await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-SLOTS', password: 'slot-password-0001' });
  const profile = (securityProfile: number) => ({
    ocppVersion: 'OCPP20',
    ocppTransport: 'JSON',
    ocppCsmsUrl: 'ws://127.0.0.1:1/ocpp',
    messageTimeout: 30,
    securityProfile,
    ocppInterface: 'Wired0',
  });
  const setProfile = async (configurationSlot: number, securityProfile: number) =>
    (
      await csms.call('CS-SLOTS', 'SetNetworkProfile', {
        configurationSlot,
        connectionData: profile(securityProfile),
      })
    ).status;
  assert.equal(await setProfile(1, 0), 'Rejected', 'lower than the profile in use (1)');
  assert.equal(await setProfile(5, 1), 'Rejected', 'not in the valuesList');
  assert.equal(await setProfile(0, 1), 'Rejected', 'the slot in use');
  assert.equal(await setProfile(1, 1), 'Accepted');
  const set = (value: string) =>
    setVariable(csms, 'CS-SLOTS', 'OCPPCommCtrlr', 'NetworkConfigurationPriority', value);
  assert.equal(await set('2,0'), 'Rejected', 'slot 2 holds no profile');
  assert.equal(await set('3'), 'Rejected', 'not in the valuesList');
  assert.equal(await set('1,0'), 'RebootRequired');
});

test('after a reset the box dials the first slot in priority, and falls back to the last CSMS that worked', async (t) => {
  const csms = await BareCsms.start(t);
  const next = await BareCsms.start(t);
  const { station, lines } = await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-MIGRATE' });
  const networkProfile = (url: string) => ({
    ocppVersion: 'OCPP20',
    ocppTransport: 'JSON',
    ocppCsmsUrl: url,
    messageTimeout: 30,
    securityProfile: 0,
    ocppInterface: 'Wired0',
  });
  const answer = await csms.call('CS-MIGRATE', 'SetNetworkProfile', {
    configurationSlot: 1,
    connectionData: networkProfile(next.url('/company')),
  });
  assert.equal(answer.status, 'Accepted');
  assert.equal(
    await setVariable(csms, 'CS-MIGRATE', 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '1,0'),
    'RebootRequired',
  );
  assert.equal(
    await setVariable(csms, 'CS-MIGRATE', 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', '2'),
    'Accepted',
  );
  const moved = waitEvent(station, 'boot', 'Accepted');
  assert.equal((await csms.call('CS-MIGRATE', 'Reset', { type: 'OnIdle' })).status, 'Accepted');
  await moved;
  assert.equal(next.handshakes[0]?.endpoint, '/company');
  assert.equal(station.currentEndpoint(), `${next.url('/company')}/CS-MIGRATE`);
  assert.equal(next.calls('CS-MIGRATE', 'BootNotification')[0]?.reason, 'RemoteReset');

  // Now pointed at a CSMS nobody answers for: the box tries it, then comes back.
  const dead = `ws://127.0.0.1:${await closedPort()}/nowhere`;
  const set = await next.call('CS-MIGRATE', 'SetNetworkProfile', {
    configurationSlot: 2,
    connectionData: networkProfile(dead),
  });
  assert.equal(set.status, 'Accepted');
  assert.equal(
    await setVariable(next, 'CS-MIGRATE', 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '2'),
    'RebootRequired',
  );
  const back = waitEvent(station, 'boot', 'Accepted');
  await next.call('CS-MIGRATE', 'Reset', { type: 'Immediate' });
  await back;
  const tries = lines.filter(
    (line) => line.includes('cannot connect') && line.includes('/nowhere/CS-MIGRATE'),
  );
  assert.equal(tries.length, 2, 'NetworkProfileConnectionAttempts tries at the new slot');
  assert.equal(next.handshakes.length, 2, 'back at the CSMS that worked last');
  assert.equal(station.currentEndpoint(), `${next.url('/company')}/CS-MIGRATE`);
  assert.equal(station.bootCount(), 3);
});

test('2.0.1 local list: VersionMismatch, limits in items and bytes, and a list lost on reset', async (t) => {
  const csms = await BareCsms.start(t);
  const misbehave = { loseListOnReset: true };
  const { station } = await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-LIST', misbehave });
  const send = async (payload: Payload) => csms.call('CS-LIST', 'SendLocalList', payload);
  const version = async () => (await csms.call('CS-LIST', 'GetLocalListVersion', {})).versionNumber;
  const group = { groupIdToken: { idToken: 'TEAM', type: 'Central' } };
  assert.equal(
    (await send({ versionNumber: 1, updateType: 'Full', localAuthorizationList: tokens(3, 'A', group) }))
      .status,
    'Accepted',
  );
  assert.equal(await version(), 1);
  const stale = await send({
    versionNumber: 1,
    updateType: 'Differential',
    localAuthorizationList: tokens(1, 'B'),
  });
  assert.equal(stale.status, 'VersionMismatch');
  const removal = [{ idToken: { idToken: 'A0', type: 'ISO14443' } }];
  assert.equal(
    (await send({ versionNumber: 2, updateType: 'Differential', localAuthorizationList: removal })).status,
    'Accepted',
  );
  assert.deepEqual(station.localList(), {
    version: 2,
    entries: [
      { idTag: 'A1', status: 'Accepted', parentIdTag: 'TEAM' },
      { idTag: 'A2', status: 'Accepted', parentIdTag: 'TEAM' },
    ],
  });
  const tooMany = await send({
    versionNumber: 3,
    updateType: 'Full',
    localAuthorizationList: tokens(101, 'C'),
  });
  assert.equal(tooMany.status, 'Failed');
  const message = { personalMessage: { format: 'UTF8', content: 'm'.repeat(500) } };
  const tooBig = await send({
    versionNumber: 3,
    updateType: 'Full',
    localAuthorizationList: tokens(40, 'D', message),
  });
  assert.equal(tooBig.status, 'Failed');
  assert.deepEqual(tooBig.statusInfo, { reasonCode: 'TooManyBytes' });
  assert.equal(await version(), 2);
  const rebooted = waitEvent(station, 'boot', 'Accepted');
  await csms.call('CS-LIST', 'Reset', { type: 'Immediate' });
  await rebooted;
  assert.equal(await version(), 0);
});

test('2.0.1 remote start: TransactionEvent Started, Updated with a rising meter, Ended on request', async (t) => {
  const csms = await BareCsms.start(t);
  await booted(t, csms, { ocppVersion: '2.0.1', identity: 'CS-CHARGE', connectors: 2 });
  assert.equal(
    await setVariable(csms, 'CS-CHARGE', 'SampledDataCtrlr', 'TxUpdatedInterval', '1'),
    'Accepted',
  );
  const request = { evseId: 2, idToken: { idToken: 'CARD', type: 'ISO14443' }, remoteStartId: 42 };
  assert.equal((await csms.call('CS-CHARGE', 'RequestStartTransaction', request)).status, 'Accepted');
  type Event = {
    eventType: string;
    seqNo: number;
    transactionInfo: { transactionId: string; remoteStartId?: number; stoppedReason?: string };
    meterValue: Array<{ sampledValue: Array<{ value: number; measurand: string }> }>;
    evse: { id: number };
  };
  const events = () => csms.calls('CS-CHARGE', 'TransactionEvent') as unknown as Event[];
  const updates = await csms.waitFor(
    'two updates',
    () => events().filter((e) => e.eventType === 'Updated').length >= 2,
  );
  assert.ok(updates);
  const [started, first, second] = events();
  assert.equal(started?.eventType, 'Started');
  assert.equal(started?.transactionInfo.remoteStartId, 42);
  assert.equal(started?.evse.id, 2);
  const energy = (e: Event | undefined) => e?.meterValue[0]?.sampledValue[0]?.value ?? Number.NaN;
  assert.ok(energy(first) > energy(started) && energy(second) > energy(first), 'the register rises');
  const transactionId = started?.transactionInfo.transactionId ?? '';
  assert.equal(
    (await csms.call('CS-CHARGE', 'RequestStopTransaction', { transactionId: 'nope' })).status,
    'Rejected',
  );
  assert.equal(
    (await csms.call('CS-CHARGE', 'RequestStopTransaction', { transactionId })).status,
    'Accepted',
  );
  const ended = await csms.waitFor('Ended', () => events().find((e) => e.eventType === 'Ended'));
  assert.equal(ended.transactionInfo.stoppedReason, 'Remote');
  const seqNos = events().map((e) => e.seqNo);
  assert.deepEqual(
    seqNos,
    seqNos.map((_, i) => i),
  );
  await csms.waitFor('EVSE 2 available again', () => {
    const last = csms.calls('CS-CHARGE', 'StatusNotification').at(-1);
    return last?.evseId === 2 && last.connectorStatus === 'Available';
  });
});

// ---- Misbehaviour ----

test('dropAfterCalls: the box drops the socket after answering N calls, then comes back', async (t) => {
  const csms = await BareCsms.start(t);
  const { station } = await booted(t, csms, {
    ocppVersion: '1.6',
    identity: 'CP-DROP',
    misbehave: { dropAfterCalls: 2 },
  });
  const back = waitEvent(station, 'connected');
  assert.equal((await csms.call('CP-DROP', 'GetLocalListVersion', {})).listVersion, 0);
  assert.equal(
    (await csms.call('CP-DROP', 'GetLocalListVersion', {})).listVersion,
    0,
    'the N-th answer still arrives',
  );
  const closed = await csms.waitFor('the drop', () => csms.closes.find((c) => c.identity === 'CP-DROP'));
  assert.equal(closed.code, 1006);
  await back;
  assert.equal(csms.handshakes.length, 2);
  assert.equal(station.bootCount(), 1, 'a reconnect is not a reboot');
});

test('neverAnswer leaves the named action unanswered while others are answered; answerDelayMs answers late', async (t) => {
  const csms = await BareCsms.start(t);
  await booted(t, csms, {
    ocppVersion: '2.0.1',
    identity: 'CS-MUTE',
    misbehave: { neverAnswer: ['GetVariables'] },
  });
  const get = { getVariableData: [cv('OCPPCommCtrlr', 'HeartbeatInterval')] };
  await assert.rejects(csms.call('CS-MUTE', 'GetVariables', get, 500), /timeout/i);
  assert.equal((await csms.call('CS-MUTE', 'GetLocalListVersion', {})).versionNumber, 0);

  await booted(t, csms, { ocppVersion: '1.6', identity: 'CP-SLOW', misbehave: { answerDelayMs: 300 } });
  const began = Date.now();
  assert.equal((await csms.call('CP-SLOW', 'GetLocalListVersion', {})).listVersion, 0);
  assert.ok(Date.now() - began >= 250, 'answered late');
});

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`malformedFrames: a ${ocppVersion} box sends frames the CSMS must survive`, async (t) => {
    const csms = await BareCsms.start(t);
    const identity = `BAD-${ocppVersion}`;
    await booted(t, csms, { ocppVersion, identity, misbehave: { malformedFrames: true } });
    const frames = await csms.waitFor('four bad frames', () => csms.badFrames.length >= 4 && csms.badFrames);
    assert.deepEqual(
      frames.filter((f) => f.kind === 'bad').map((f) => f.detail),
      ['not json', '[2]'],
    );
    assert.deepEqual(
      frames
        .filter((f) => f.kind === 'schema')
        .map((f) => f.detail)
        .sort(),
      ['Heartbeat', 'StatusNotification'],
    );
    assert.ok(csms.connected(identity), 'still connected');
  });
}
