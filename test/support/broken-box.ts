// The broken box of a swap test, as it stood in the field before it broke: a simulated 1.6 box known to
// the tool (configuration read, settings changed, cards pushed twice, its own password in the vault), then stopped.
import type { TestContext } from 'node:test';
import { generatePassword } from '../../main/commissioning/passwords.ts';
import type { Core } from '../../main/core.ts';
import { BOX_PASSWORD_PURPOSE } from '../../main/ocpp/box-passwords.ts';
import type { SimStation, SimStationOptions } from '../../main/simulator/station.ts';
import type { BareCsms } from './bare-csms.ts';
import { callOk } from './core.ts';
import { simBox } from './sim.ts';
import { until } from './until.ts';

/**
 * The broken box as it stood in the field: known to the tool (configuration read, settings changed from
 * the factory's, cards pushed, its own password in the vault), then gone (stopped). Returns its password.
 */
export async function brokenBox(
  t: TestContext,
  core: Core,
  url: string,
  extra: Partial<SimStationOptions> = {},
): Promise<{ password: string; box: SimStation }> {
  const password = generatePassword('1.6');
  core.vault.put('test', BOX_PASSWORD_PURPOSE, 'WB-OLD', password);
  const box = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-OLD',
    password,
    serialNumber: 'SN-OLD-1',
    model: 'Old Model',
    ...extra,
  });
  await callOk(core, 'config.set', {
    identity: 'WB-OLD',
    changes: [
      { key: 'MeterValueSampleInterval', value: '15' },
      { key: 'CpoName', value: 'ACME Parking' },
      { key: 'HeartbeatInterval', value: '120' },
    ],
  });
  const group = await callOk(core, 'groups.create', { name: 'Staff' });
  const insert = core.store.db.prepare(
    "INSERT INTO cards (uid, source, group_id, created_at, updated_at) VALUES (?, 'typed', ?, 'x', 'x')",
  );
  for (const uid of ['04A1B2C3', '04D5E6F7A1B2C3', '1122AABB']) insert.run(Buffer.from(uid, 'hex'), group.id);
  // Two pushes: the box's list version is 2, which the replacement must reach too.
  await callOk(core, 'cards.push', { identity: 'WB-OLD', groups: ['Staff'] });
  insert.run(Buffer.from('55667788', 'hex'), group.id);
  await callOk(core, 'cards.push', { identity: 'WB-OLD', groups: ['Staff'] });
  await callOk(core, 'config.read', { identity: 'WB-OLD' });
  await box.stop();
  await until(() => core.ocpp.csms.box('WB-OLD')?.state !== 'connected', 20_000);
  return { password, box };
}

/**
 * A 2.0.1 broken box as the tool left it: commissioned to the company CSMS (profile 1, a network profile and
 * a generated password in the vault), seen there, then gone (stopped). Returns the password it was given.
 */
export async function brokenBox201(
  t: TestContext,
  core: Core,
  url: string,
  company: BareCsms,
  identity: string,
  changes: Array<{ key: string; value: string }> = [],
): Promise<{ password: string }> {
  const old = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity });
  if (changes.length > 0) await callOk(core, 'config.set', { identity, changes });
  const commissioned = await callOk(core, 'commissioning.start', {
    identity,
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(commissioned.id);
  if (run.status !== 'left-not-confirmed')
    throw new Error(`commissioning ${identity}: ${JSON.stringify(run.error)}`);
  const password = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity));
  await old.stop();
  await until(() => core.ocpp.csms.box(identity)?.state !== 'connected', 20_000);
  return { password };
}

/**
 * A broken box that talked to its company CSMS over wss:// at security profile 2: commissioned by a run of
 * the tool that installed the company CA certificate (`caCertificate`), seen at the company CSMS, then gone.
 */
export async function brokenBoxTls(
  t: TestContext,
  core: Core,
  url: string,
  company: BareCsms,
  caCertificate: string,
  options: { identity: string; ocppVersion: '1.6' | '2.0.1' },
): Promise<{ password: string }> {
  const { identity, ocppVersion } = options;
  const old = await simBox(t, core, { ocppVersion, endpoint: url, identity });
  const commissioned = await callOk(core, 'commissioning.start', {
    identity,
    template: {
      name: 'Depot TLS',
      csms: { url: company.url('/ocpp'), securityProfile: 2, caCertificate },
      verifyWindowS: 2,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(commissioned.id);
  if (run.status !== 'left-not-confirmed')
    throw new Error(`commissioning ${identity}: ${JSON.stringify(run.error)}`);
  const password = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  await company.waitFor(`${identity} at the company CSMS`, () => company.connected(identity), 20_000);
  await old.stop();
  await until(() => core.ocpp.csms.box(identity)?.state !== 'connected', 20_000);
  return { password };
}
