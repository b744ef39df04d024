// The commissioning run end to end over real WebSockets: a simulated box connects to the tool, is read,
// planned, written, given its cards, reset, and must then turn up at a separate "company CSMS".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TemplateInput } from '../../main/commissioning/template.ts';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

function template(url: string, extra: Partial<TemplateInput> = {}): TemplateInput {
  return {
    name: 'Depot North',
    csms: { url, securityProfile: 1 },
    heartbeatIntervalS: 300,
    verifyWindowS: 2,
    ...extra,
  };
}

async function addCards(core: Core, group: string, uids: string[]): Promise<void> {
  const g = await callOk(core, 'groups.create', { name: group });
  const insert = core.store.db.prepare(
    "INSERT INTO cards (uid, source, group_id, created_at, updated_at) VALUES (?, 'typed', ?, 'x', 'x')",
  );
  for (const uid of uids) insert.run(Buffer.from(uid, 'hex'), g.id);
}

async function finished(core: Core, id: number) {
  return core.commissioning.settled(id);
}

test('1.6: a box is moved to the company CSMS with a new password and its cards, and the run says so', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-0001' });
  await addCards(core, 'Staff', ['04A1B2C3', '04D5E6F7A1B2C3', '1122AABB']);
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-0001',
    template: template(company.url('/ocpp'), { groups: ['Staff'] }),
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.deepEqual(
    run.state.steps.map((s) => `${s.step}:${s.status}`),
    [
      'identify:done',
      'snapshot:done',
      'plan:done',
      'write:done',
      'cards:done',
      'reset:done',
      'verify:done',
      'report:done',
    ],
  );
  assert.equal(run.state.results.AuthorizationKey, 'Accepted');
  assert.equal(run.state.results.Cst_BackendUrl, 'RebootRequired');
  assert.equal(run.state.verify?.outcome, 'left');
  // The company CSMS sees the box, under its identity, with the password the vault holds.
  await company.waitFor('box at company', () => company.connected('WB-0001'));
  const handshake = company.handshakes.find((h) => h.identity === 'WB-0001');
  const password = core.vault.use(run.state.passwordSecretId ?? -1, (v) => v);
  assert.equal(handshake?.password, password);
  assert.equal(sim.localList().entries.length, 3);
  assert.equal(sim.localList().entries[0]?.parentIdTag, 'STAFF');
  // The password never shows: not in the run, the trace or the audit log.
  const visible = JSON.stringify([
    run,
    core.ocpp.trace.list({ limit: 1000 }),
    await callOk(core, 'audit.list', { limit: 1000 }),
  ]);
  assert.doesNotMatch(visible, new RegExp(password));
});

test('2.0.1: the new CSMS goes into a free slot, first in priority, and the box leaves for it', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-0201' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-0201',
    template: template(company.url('/ocpp')),
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.equal(run.state.plan?.networkProfile?.slot, 1);
  assert.equal(run.state.plan?.priority?.to, '1,0');
  assert.equal(run.state.results.SetNetworkProfile, 'Accepted');
  await company.waitFor('box at company', () => company.connected('WB-0201'));
  assert.equal(
    company.handshakes.find((h) => h.identity === 'WB-0201')?.password,
    core.vault.use(run.state.passwordSecretId ?? -1, (v) => v),
  );
});

test('2.0.1: a box that cannot reach the company CSMS falls back to the tool, and the run fails saying so', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-FALLBACK' });
  // Port 9 on loopback: nothing listens there, the connection is refused at once.
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-FALLBACK',
    template: template('ws://127.0.0.1:9/ocpp', { verifyWindowS: 20 }),
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_NOT_VERIFIED');
  assert.equal(run.state.verify?.outcome, 'returned');
  const reply = await core.router.call('commissioning.get', { id: run.id }, core.context('cli'));
  assert.ok(reply.ok);
});

test('a box that drops off in the middle of the run is waited for, and the run goes on where it stood', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-FLAKY',
    misbehave: { dropAfterCalls: 2 },
  });
  const seen = new Set<string>();
  core.commissioning.on('run', (r: { status: string }) => seen.add(r.status));
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-FLAKY',
    template: template(company.url('/ocpp')),
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.ok(run.state.reconnects > 0, 'the box dropped off at least once');
  assert.ok(seen.has('waiting-for-box'));
});

test('a box that rejects the URL key fails the run at that write, naming the key, and is not reset', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-STUBBORN',
    misbehave: { rejectKeys: ['Cst_BackendUrl'] },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-STUBBORN',
    template: template(company.url('/ocpp')),
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.error, {
    code: 'COMMISSION_WRITE_REFUSED',
    params: { identity: 'WB-STUBBORN', key: 'Cst_BackendUrl', status: 'Rejected' },
  });
  assert.equal(run.state.reset, null);
  assert.equal(run.state.steps.find((s) => s.step === 'write')?.status, 'failed');
  assert.ok(!core.ocpp.trace.list({ identity: 'WB-STUBBORN', limit: 500 }).some((f) => f.action === 'Reset'));
});

test('with manual approval the plan waits, nothing is written until approved', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-CAREFUL' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-CAREFUL',
    template: template(company.url('/ocpp')),
  });
  const waiting = await finished(core, started.id);
  assert.equal(waiting.status, 'awaiting-approval');
  const keys = waiting.state.plan?.writes.map((w) => w.key) ?? [];
  assert.ok(keys.includes('Cst_BackendUrl') && keys.includes('AuthorizationKey'));
  assert.equal(
    waiting.state.plan?.writes.find((w) => w.key === 'AuthorizationKey')?.to,
    '(generated password)',
  );
  assert.ok(
    !core.ocpp.trace
      .list({ identity: 'WB-CAREFUL', limit: 500 })
      .some((f) => f.action === 'ChangeConfiguration'),
  );
  await callOk(core, 'commissioning.approve', { id: started.id });
  assert.equal((await finished(core, started.id)).status, 'left-not-confirmed');
});

test('a template that would lower the security profile is blocked at the plan', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-SECURE',
    password: 'initial-password-1234',
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-SECURE',
    template: {
      name: 'Insecure',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
      verifyWindowS: 2,
    },
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_BLOCKED');
  assert.equal(run.error?.params.reason, 'SECURITY_PROFILE_DOWN');
});

test('a template with a bad URL is refused at the boundary with the field named', async (t) => {
  const { core } = await coreWithCsms(t);
  const reply = await core.router.call(
    'commissioning.start',
    { identity: 'WB-X', template: { name: 'x', csms: { url: 'http://csms.example', securityProfile: 1 } } },
    core.context('cli'),
  );
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'VALIDATION_FAILED');
  if (!reply.ok) assert.ok(reply.error.fields.some((f) => f.path === 'template.csms.url'));
});

test('templates are kept per site: saved, replaced by name, listed, deleted, each change audited', async (t) => {
  const { core } = await coreWithCsms(t);
  const site = await callOk(core, 'sites.create', { name: 'Depot North' });
  const first = await callOk(core, 'templates.save', {
    siteId: site.id,
    template: template('wss://csms.example/ocpp'),
  });
  const again = await callOk(core, 'templates.save', {
    siteId: site.id,
    template: template('wss://csms2.example/ocpp'),
  });
  assert.equal(again.id, first.id);
  assert.equal(again.template.csms.url, 'wss://csms2.example/ocpp');
  assert.equal((await callOk(core, 'templates.list', { siteId: site.id })).length, 1);
  await callOk(core, 'templates.delete', { id: first.id });
  assert.deepEqual(await callOk(core, 'templates.list', {}), []);
  const actions = (await callOk(core, 'audit.list', { entity: 'template' })).map((a) => a.action);
  assert.deepEqual(actions, ['template.delete', 'template.update', 'template.create']);
});

test('support can trigger messages and reset a box from the tool, and the reset is audited', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-DIAG' });
  assert.deepEqual(
    await callOk(core, 'boxes.trigger', { identity: 'WB-DIAG', message: 'StatusNotification' }),
    { status: 'Accepted' },
  );
  const rebooted = new Promise((resolve) => sim.on('boot', resolve));
  assert.deepEqual(await callOk(core, 'boxes.reset', { identity: 'WB-DIAG', kind: 'hard' }), {
    status: 'Accepted',
  });
  await rebooted;
  assert.equal(sim.bootCount(), 2);
  assert.ok((await callOk(core, 'audit.list', { entity: 'station' })).some((a) => a.action === 'box.reset'));
});

test('cards pushed later go as the changes only; an unknown group is named in the error', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-CARDS' });
  await addCards(core, 'Staff', ['04A1B2C3', '04D5E6F7']);
  const first = await callOk(core, 'cards.push', { identity: 'WB-CARDS', groups: ['Staff'] });
  assert.equal(first.verified, true);
  const group = (await callOk(core, 'groups.list', {}))[0];
  core.store.db
    .prepare(
      "INSERT INTO cards (uid, source, group_id, created_at, updated_at) VALUES (?, 'typed', ?, 'x', 'x')",
    )
    .run(Buffer.from('0A0B0C0D', 'hex'), group?.id);
  const second = await callOk(core, 'cards.push', { identity: 'WB-CARDS', groups: ['staff'] });
  assert.equal(second.version, first.version + 1);
  assert.equal(second.fellBackToFull, false);
  assert.equal(sim.localList().entries.length, 3);
  const sent = core.ocpp.trace
    .list({ identity: 'WB-CARDS', limit: 500 })
    .filter((f) => f.action === 'SendLocalList' && f.kind === 'call');
  assert.match(sent.at(-1)?.frame ?? '', /"updateType":"Differential"/);
  assert.doesNotMatch(sent.at(-1)?.frame ?? '', /04A1B2C3/, 'only the new card went');
  const reply = await core.router.call(
    'cards.push',
    { identity: 'WB-CARDS', groups: ['Visitors'] },
    core.context('cli'),
  );
  assert.equal(reply.ok ? 'ok' : `${reply.error.code}:${reply.error.params.id}`, 'NOT_FOUND:Visitors');
});

for (const [ocppVersion, drops] of [
  ['1.6', [1, 3]],
  ['2.0.1', [1, 3]],
] as const) {
  for (const dropAfterCalls of drops) {
    test(`${ocppVersion}: a box that drops the line after every ${dropAfterCalls} answer(s) is still commissioned`, async (t) => {
      const company = await BareCsms.start(t);
      const { core, url } = await coreWithCsms(t);
      const identity = `WB-DROP-${ocppVersion}-${dropAfterCalls}`;
      await simBox(t, core, { ocppVersion, endpoint: url, identity, misbehave: { dropAfterCalls } });
      await addCards(core, `Drivers ${identity}`, ['04A1B2C3', '04D5E6F7']);
      const started = await callOk(core, 'commissioning.start', {
        identity,
        template: template(company.url('/ocpp'), { groups: [`Drivers ${identity}`] }),
        approval: 'auto',
      });
      const run = await finished(core, started.id);
      assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
      assert.ok(run.state.reconnects > 0);
      await company.waitFor('box at company', () => company.connected(identity));
      // A write whose answer reached the tool is never sent again; one whose answer was lost in the drop is.
      const frames = core.ocpp.trace.list({ identity, limit: 2000 });
      const answered = new Set(frames.filter((f) => f.kind === 'result').map((f) => f.messageId));
      const confirmedWrites = frames
        .filter((f) => f.kind === 'call' && answered.has(f.messageId))
        .filter(
          (f) =>
            f.action === 'ChangeConfiguration' ||
            f.action === 'SetVariables' ||
            f.action === 'SetNetworkProfile',
        )
        .map((f) => {
          const payload = (JSON.parse(f.frame) as [number, string, string, Record<string, unknown>])[3];
          const variable = (payload.setVariableData as Array<{ variable: { name: string } }> | undefined)?.[0]
            ?.variable.name;
          return `${f.action}:${String(payload.key ?? variable ?? payload.configurationSlot)}`;
        });
      assert.equal(
        new Set(confirmedWrites).size,
        confirmedWrites.length,
        `a confirmed write was repeated: ${confirmedWrites.join(', ')}`,
      );
    });
  }
}

test('2.0.1 to security profile 2: the CA certificate is installed first, and a CSMS the box cannot reach fails the run', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-TLS' });
  const caCertificate =
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTestOnlyNotARealCertificate0000000wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----';
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-TLS',
    template: {
      name: 'TLS',
      csms: { url: 'wss://127.0.0.1:9/ocpp', securityProfile: 2, caCertificate },
      verifyWindowS: 20,
    },
    approval: 'auto',
  });
  const run = await finished(core, started.id);
  assert.equal(run.state.results.InstallCertificate, 'Accepted');
  assert.equal(run.state.results.SetNetworkProfile, 'Accepted');
  const calls = core.ocpp.trace
    .list({ identity: 'WB-TLS', limit: 1000 })
    .filter((f) => f.kind === 'call' && f.direction === 'out');
  const order = calls.map((f) => f.action);
  assert.ok(order.indexOf('InstallCertificate') < order.indexOf('SetNetworkProfile'), order.join(','));
  assert.equal(run.status, 'failed');
  assert.equal(run.error?.code, 'COMMISSION_NOT_VERIFIED');
});
