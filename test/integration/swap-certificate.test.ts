// A box swap at security profile 2 over real WebSockets on loopback, the company CSMS on wss:// with its own
// CA: the CA certificate the broken box was given goes to the replacement before its URL and profile change
// (1.6 and 2.0.1, from the database and from a backup file, across versions), or the plan says why not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { brokenBoxTls } from '../support/broken-box.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { testCa } from '../support/tls-certs.ts';

/** A company CSMS on wss://127.0.0.1 whose server certificate a company CA signed. */
async function companyOnTls(t: Parameters<typeof BareCsms.start>[0]) {
  const ca = await testCa();
  const company = await BareCsms.start(t, { tls: await ca.issue('127.0.0.1') });
  return { ca, company };
}

/** A swap run to its end (auto-approved, a short verify window). */
async function swapped(
  core: Core,
  request: { to: string; from?: string; backup?: string; newPassword?: boolean },
) {
  const started = await callOk(core, 'commissioning.swap', {
    approval: 'auto',
    verifyWindowS: 2,
    ...request,
  });
  return core.commissioning.settled(started.id);
}

/** The calls the tool sent a box, in order (the trace of the wire). */
function callsTo(core: Core, identity: string): string[] {
  return core.ocpp.trace
    .list({ identity, limit: 2000 })
    .filter((f) => f.kind === 'call' && f.direction === 'out')
    .map((f) => {
      const [, , action, payload] = JSON.parse(f.frame) as [number, string, string, Record<string, unknown>];
      const variable = (payload.setVariableData as Array<{ variable: { name: string } }> | undefined)?.[0]
        ?.variable.name;
      return payload.key ? `${action}:${String(payload.key)}` : variable ? `${action}:${variable}` : action;
    });
}

/** The serial number of the box's newest boot at the company CSMS (1.6 and 2.0.1 fields). */
function lastSerial(company: BareCsms, identity: string): unknown {
  const boot = company.calls(identity, 'BootNotification').at(-1) as
    | { chargePointSerialNumber?: string; chargingStation?: { serialNumber?: string } }
    | undefined;
  return boot?.chargePointSerialNumber ?? boot?.chargingStation?.serialNumber;
}

test('1.6 at profile 2: the CA certificate the broken box was given is installed on the replacement first, which then reaches its CSMS over wss', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBoxTls(t, core, url, company, ca.cert, {
    identity: 'WB-TLS-16',
    ocppVersion: '1.6',
  });
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-T16',
    serialNumber: 'SN-NEW-T16',
  });
  const run = await swapped(core, { from: 'WB-TLS-16', to: 'FACTORY-T16' });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.deepEqual(run.state.plan?.certificate, { type: 'CentralSystemRootCertificate' });
  assert.equal(run.state.results.InstallCertificate, 'Accepted');
  // Installed before anything sends the box away: its URL, its identity, its profile.
  const order = callsTo(core, 'FACTORY-T16');
  const at = (call: string) => order.indexOf(call);
  assert.ok(at('InstallCertificate') !== -1, order.join(','));
  for (const later of [
    'ChangeConfiguration:Cst_BackendUrl',
    'ChangeConfiguration:Cst_ChargeBoxId',
    'ChangeConfiguration:SecurityProfile',
  ])
    assert.ok(at('InstallCertificate') < at(later), order.join(','));
  // The replacement dials the company CSMS over wss:// as the broken box, with its password.
  await company.waitFor(
    'the replacement at the company CSMS',
    () => lastSerial(company, 'WB-TLS-16') === 'SN-NEW-T16',
    20_000,
  );
  assert.equal(company.handshakes.filter((h) => h.identity === 'WB-TLS-16').at(-1)?.password, password);
  assert.equal(replacement.configuration().SecurityProfile, '2');
});

test('2.0.1 at profile 2: the same on a 2.0.1 replacement (its CSMSRootCertificate before the network profile)', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const { core, url } = await coreWithCsms(t);
  await brokenBoxTls(t, core, url, company, ca.cert, { identity: 'WB-TLS-201', ocppVersion: '2.0.1' });
  await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'FACTORY-T201',
    serialNumber: 'SN-NEW-T201',
  });
  const run = await swapped(core, { from: 'WB-TLS-201', to: 'FACTORY-T201' });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.deepEqual(run.state.plan?.certificate, { type: 'CSMSRootCertificate' });
  assert.equal(run.state.plan?.networkProfile?.securityProfile, 2);
  const order = callsTo(core, 'FACTORY-T201');
  assert.ok(order.indexOf('InstallCertificate') !== -1, order.join(','));
  assert.ok(order.indexOf('InstallCertificate') < order.indexOf('SetNetworkProfile'), order.join(','));
  await company.waitFor(
    'the replacement at the company CSMS',
    () => lastSerial(company, 'WB-TLS-201') === 'SN-NEW-T201',
    20_000,
  );
});

test('2.0.1 onto 1.6 at profile 2: the certificate goes in under the 1.6 type before the URL key and SecurityProfile', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const { core, url } = await coreWithCsms(t);
  await brokenBoxTls(t, core, url, company, ca.cert, { identity: 'WB-TLS-X', ocppVersion: '2.0.1' });
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-TX',
    serialNumber: 'SN-NEW-TX',
  });
  const run = await swapped(core, { from: 'WB-TLS-X', to: 'FACTORY-TX', newPassword: true });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.deepEqual(run.state.plan?.certificate, { type: 'CentralSystemRootCertificate' });
  const order = callsTo(core, 'FACTORY-TX');
  assert.ok(order.indexOf('InstallCertificate') !== -1, order.join(','));
  for (const later of ['ChangeConfiguration:Cst_BackendUrl', 'ChangeConfiguration:SecurityProfile'])
    assert.ok(order.indexOf('InstallCertificate') < order.indexOf(later), order.join(','));
  await company.waitFor(
    'the replacement at the company CSMS',
    () => lastSerial(company, 'WB-TLS-X') === 'SN-NEW-TX',
    20_000,
  );
  assert.equal(company.handshakes.filter((h) => h.identity === 'WB-TLS-X').at(-1)?.protocol, 'ocpp1.6');
  assert.equal(replacement.configuration().SecurityProfile, '2');
});

test('from a backup file, 1.6 onto 2.0.1: the file carries the CA certificate; a file without it blocks the plan and says why', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const a = await coreWithCsms(t);
  await brokenBoxTls(t, a.core, a.url, company, ca.cert, { identity: 'WB-TLS-F', ocppVersion: '1.6' });
  const { json } = await callOk(a.core, 'config.backup', { identity: 'WB-TLS-F' });
  const file = JSON.parse(json) as Record<string, unknown>;
  assert.equal(file.caCertificate, ca.cert.trim());
  assert.equal(file.version, 1, 'the field is optional: the format version stays');

  const b = await coreWithCsms(t);
  await simBox(t, b.core, {
    ocppVersion: '2.0.1',
    endpoint: b.url,
    identity: 'FACTORY-TF',
    serialNumber: 'SN-NEW-TF',
  });
  // A file of an older tool: no certificate in it. Said, and nothing starts.
  const { caCertificate: _, ...older } = file;
  const plan = await callOk(b.core, 'commissioning.swapPlan', {
    backup: JSON.stringify(older),
    to: 'FACTORY-TF',
    newPassword: true,
  });
  assert.deepEqual(plan.problems, [
    { code: 'SWAP_CERTIFICATE_UNKNOWN', params: { identity: 'WB-TLS-F', profile: 2 } },
  ]);
  const blocked = await swapped(b.core, {
    backup: JSON.stringify(older),
    to: 'FACTORY-TF',
    newPassword: true,
  });
  assert.equal(blocked.status, 'failed');
  assert.equal(blocked.error?.code, 'SWAP_BLOCKED');
  assert.equal(blocked.error?.params.reason, 'SWAP_CERTIFICATE_UNKNOWN');
  assert.equal(blocked.state.results.InstallCertificate, undefined);
  // Asked for: the user gives the company CSMS's CA certificate, and the plan installs it.
  const given = await callOk(b.core, 'commissioning.swapPlan', {
    backup: JSON.stringify(older),
    to: 'FACTORY-TF',
    newPassword: true,
    caCertificate: ca.cert,
  });
  assert.deepEqual(given.problems, []);
  assert.deepEqual(given.certificate, { type: 'CSMSRootCertificate' });

  const run = await swapped(b.core, { backup: json, to: 'FACTORY-TF', newPassword: true });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.deepEqual(run.state.plan?.certificate, { type: 'CSMSRootCertificate' });
  assert.equal(run.state.results.InstallCertificate, 'Accepted');
  await company.waitFor(
    'the replacement at the company CSMS',
    () => lastSerial(company, 'WB-TLS-F') === 'SN-NEW-TF',
    20_000,
  );
  assert.equal(company.handshakes.filter((h) => h.identity === 'WB-TLS-F').at(-1)?.protocol, 'ocpp2.0.1');
});

test('a replacement that refuses the CA certificate stops the swap before its URL and profile change, and is put back', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const { core, url } = await coreWithCsms(t);
  await brokenBoxTls(t, core, url, company, ca.cert, { identity: 'WB-TLS-R', ocppVersion: '1.6' });
  // Its certificate store (CertificateStoreMaxLength 3) is full from the factory: InstallCertificate Failed.
  const full = await Promise.all([testCa(), testCa(), testCa()]);
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-TR',
    trustedCertificates: full.map((c) => c.cert),
  });
  const factoryUrl = replacement.configuration().Cst_BackendUrl;
  const run = await swapped(core, { from: 'WB-TLS-R', to: 'FACTORY-TR' });
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_WRITE_REFUSED');
  assert.equal(run.error?.params.key, 'InstallCertificate');
  assert.equal(run.error?.params.status, 'Failed');
  const config = replacement.configuration();
  assert.equal(config.Cst_BackendUrl, factoryUrl);
  assert.equal(config.Cst_ChargeBoxId, 'FACTORY-TR');
  assert.equal(config.SecurityProfile, '0');
  assert.equal(replacement.secret('AuthorizationKey'), undefined);
  assert.equal(run.state.swap?.replacedAt, undefined);
  assert.equal(core.ocpp.csms.box('FACTORY-TR')?.state, 'connected', 'the replacement stays with the tool');
  // Nothing the swap wrote stands (the refusal came before any setting).
  assert.deepEqual(
    Object.keys(run.state.results).filter((k) => run.state.results[k] === 'Accepted'),
    [],
  );
});

test('a 1.6 replacement without certificate management cannot take the CA certificate: the plan says so', async (t) => {
  const { ca, company } = await companyOnTls(t);
  const { core, url } = await coreWithCsms(t);
  await brokenBoxTls(t, core, url, company, ca.cert, { identity: 'WB-TLS-N', ocppVersion: '1.6' });
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-TN',
    noSecurityExtension: true,
  });
  const plan = await callOk(core, 'commissioning.swapPlan', { from: 'WB-TLS-N', to: 'FACTORY-TN' });
  assert.ok(
    plan.problems.some((p) => p.code === 'SWAP_NO_INSTALL_CERTIFICATE'),
    JSON.stringify(plan.problems),
  );
});
