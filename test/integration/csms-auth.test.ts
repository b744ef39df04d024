// Who may connect to the local CSMS and what it allows: each box's own password over the shared one,
// password guessing throttled, weak passwords refused, no transaction authorized outside a test charge,
// and `wbc csms listen` saying refusals and printing a box's text escaped. Real sockets on loopback.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { openCore } from '../../main/core.ts';
import type { CsmsRefusal } from '../../main/ocpp/local-csms.ts';
import { createSimStation } from '../../main/simulator/station.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { basic, handshakeStatus, rawExchange, upgradeRequest } from '../support/raw-http.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const SHARED = 'shared-csms-password-2026';
const OWN = 'own-box-password-0123456789';

/** The CSMS as the app and `wbc csms listen` start it: the shared password through the vault. */
async function csmsWithSharedPassword(t: TestContext) {
  const core = testCore(t);
  const secret = await callOk(core, 'secrets.put', {
    purpose: 'csms-basic-auth',
    label: 'local-csms',
    value: SHARED,
  });
  const status = await callOk(core, 'csms.start', {
    host: '127.0.0.1',
    port: await freePort(),
    admitUnexpected: true,
    passwordSecretId: secret.id,
  });
  const refusals: CsmsRefusal[] = [];
  core.ocpp.on('refused', (r: CsmsRefusal) => refusals.push(r));
  return { core, url: `ws://127.0.0.1:${status.port}/ocpp`, refusals };
}

test('a box with its own password (from a commissioning run) gets in only with it; the shared one can no longer take its identity', async (t) => {
  const { core, url, refusals } = await csmsWithSharedPassword(t);
  // Where a commissioning run keeps the password it gave the box (main/commissioning/runner.ts).
  core.vault.put('test', 'ocpp-basic-auth', 'WB-OWN', OWN);
  const status = (identity: string, password: string, localAddress?: string) =>
    handshakeStatus(`${url}/${identity}`, {
      authorization: basic(identity, password),
      ...(localAddress ? { localAddress } : {}),
    });
  assert.equal(await status('WB-OWN', SHARED), 401, 'the shared password is refused for a box with its own');
  assert.ok(refusals.some((r) => r.identity === 'WB-OWN' && r.reason === 'wrong-password'));
  const box = bareBox(t, { url, identity: 'WB-OWN', password: OWN });
  await box.connect();
  await boot16(box);
  assert.equal(await status('WB-NEW', SHARED), 101, 'a box without its own password uses the shared one');
  // Someone on the LAN with the shared password tries to replace the real box: refused, the box stays.
  assert.equal(await status('WB-OWN', SHARED, '127.0.0.3'), 401);
  assert.equal(core.ocpp.csms.box('WB-OWN')?.state, 'connected');
  core.ocpp.trace.flush();
  assert.equal(
    core.ocpp.trace.list({ identity: 'WB-OWN', limit: 100 }).filter((f) => f.kind === 'replaced').length,
    0,
  );
});

test('password guessing is throttled per address and per identity: after 5 failures even the right password waits (429)', async (t) => {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, password: () => SHARED });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const status = (identity: string, password: string, localAddress = '127.0.0.1') =>
    handshakeStatus(`${url}/${identity}`, { authorization: basic(identity, password), localAddress });
  for (let i = 0; i < 6; i++) assert.equal(await status('WB-T', `guess-guess-guess-${i}`), 401);
  assert.equal(await status('WB-T', SHARED), 429, 'the right password is not even checked now');
  assert.equal(await status('WB-OTHER', SHARED), 429, 'the same address for another identity');
  assert.equal(await status('WB-T', SHARED, '127.0.0.4'), 429, 'the same identity from another address');
  assert.equal(await status('WB-OTHER', SHARED, '127.0.0.4'), 101, 'anyone else gets in');
  const answer = await rawExchange(
    core.ocpp.csms.port,
    upgradeRequest('/ocpp/WB-T', { Authorization: basic('WB-T', SHARED) }),
  );
  assert.match(answer, /^HTTP\/1\.1 429/);
});

test('a weak CSMS password is refused at csms.start and by wbc csms listen, with the rule and a remedy', async (t) => {
  const core = testCore(t);
  const secret = await callOk(core, 'secrets.put', {
    purpose: 'csms-basic-auth',
    label: 'local-csms',
    value: 'a',
  });
  const reply = await callRaw(core, 'csms.start', {
    host: '127.0.0.1',
    port: await freePort(),
    passwordSecretId: secret.id,
  });
  assert.equal(reply.ok, false);
  if (!reply.ok) {
    assert.equal(reply.error.code, 'CSMS_PASSWORD_WEAK');
    assert.match(reply.error.message, /1 characters.*at least 16/);
    assert.match(reply.error.remedy ?? '', /at least 16/);
  }
  assert.equal(core.ocpp.status().running, false);
  const cli = await wbc(['csms', 'listen', '--port', String(await freePort()), '--data-dir', tempDir(t)], {
    WBC_CSMS_PASSWORD: 'a',
  });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /at least 16/);
});

test('1.6: StartTransaction for a card Authorize refused is answered Invalid outside a test charge', async (t) => {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true });
  const box = bareBox(t, { url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`, identity: 'WB-TX16' });
  await box.connect();
  const authorized = (await box.call('Authorize', { idTag: 'CARD-0001' })) as {
    idTagInfo: { status: string };
  };
  assert.equal(authorized.idTagInfo.status, 'Invalid');
  const started = (await box.call('StartTransaction', {
    connectorId: 1,
    idTag: 'CARD-0001',
    meterStart: 0,
    timestamp: new Date().toISOString(),
  })) as { idTagInfo: { status: string } };
  assert.equal(started.idTagInfo.status, 'Invalid');
});

test('2.0.1: a TransactionEvent with an idToken is answered Invalid outside a test charge', async (t) => {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true });
  const box = bareBox(t, {
    url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`,
    identity: 'WB-TX201',
    protocols: ['ocpp2.0.1'],
  });
  await box.connect();
  const answer = (await box.call('TransactionEvent', {
    eventType: 'Started',
    timestamp: new Date().toISOString(),
    triggerReason: 'Authorized',
    seqNo: 0,
    transactionInfo: { transactionId: 'tx-1' },
    idToken: { idToken: '04A1B2C3', type: 'ISO14443' },
    evse: { id: 1, connectorId: 1 },
  })) as { idTokenInfo?: { status: string } };
  assert.equal(answer.idTokenInfo?.status, 'Invalid');
});

test('wbc csms listen says each refusal and prints what a box sent escaped, never raw control characters', async (t) => {
  const port = await freePort();
  const listen = wbcRunning(t, [
    'csms',
    'listen',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--admit-all',
    '--data-dir',
    tempDir(t),
  ]);
  await until(() => listen.stdout().includes(`ws://127.0.0.1:${port}/ocpp`), 20_000);
  assert.match(await rawExchange(port, upgradeRequest('/ocpp/%E0')), /^HTTP\/1\.1 400/);
  assert.match(await rawExchange(port, upgradeRequest('/ocpp/WB%1B%5B2J')), /^HTTP\/1\.1 400/);
  const box = bareBox(t, { url: `ws://127.0.0.1:${port}/ocpp`, identity: 'WB-ESC' });
  await box.connect();
  await box.call('BootNotification', {
    chargePointVendor: 'Evil\u001b[2J\u009b',
    chargePointModel: 'M\r\nFAKE LINE',
    firmwareVersion: '1\u0007',
  });
  await until(() => listen.stdout().includes('WB-ESC booted'), 20_000);
  const out = listen.stdout();
  assert.match(out, /Refused a connection from 127\.0\.0\.1: the address holds a broken percent-escape/);
  assert.match(out, /Refused a connection from 127\.0\.0\.1: the identity is empty/);
  assert.match(out, /Evil\\x1b\[2J\\x9b M\\x0d\\x0aFAKE LINE, firmware 1\\x07/);
  // No control character but the line ends the CLI writes itself.
  assert.doesNotMatch(out.replaceAll('\n', ''), /\p{Cc}/u);
  listen.child.kill('SIGINT');
  assert.equal(await listen.exited, 0);
  // Ctrl+C ends with a last line that says what became of the boxes.
  assert.match(
    listen.stdout().trimEnd().split('\n').at(-1) ?? '',
    /^Local CSMS stopped; 1 connected box\(es\) were told the tool is closing \(1001\)/,
  );
});

// Before, the run waited forever for a box the tool kept refusing: the time limit turns that into a failure.
test('a box that falls back to the tool after commissioning gets in with its new password, so the run sees it come back', {
  timeout: 90_000,
}, async (t) => {
  const { core, url } = await csmsWithSharedPassword(t);
  // The box knows the shared password of the tool; the run gives it its own (2.0.1 BasicAuthPassword,
  // one for every network slot), so it falls back to the tool with that one.
  const box = createSimStation({
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-BACK',
    password: SHARED,
    securityProfile: 1,
  });
  t.after(() => box.stop());
  await box.start();
  await core.ocpp.csms.waitFor('WB-BACK', { timeoutMs: 10_000, booted: true });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-BACK',
    // Port 9 on loopback: nothing listens, the box cannot reach its new CSMS and falls back.
    template: {
      name: 'Depot',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 1 },
      verifyWindowS: 30,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  // Before, the tool refused the box's new password (401 forever) and the run took its silence for success.
  assert.equal(run.status, 'failed');
  assert.equal(run.state.verify?.outcome, 'returned');
  assert.equal(core.ocpp.csms.box('WB-BACK')?.state, 'connected');
});

test('a box being given a new password gets in with its current one and the new one until it took it; the shared one stays for boxes without their own', async (t) => {
  const { core, url } = await csmsWithSharedPassword(t);
  // A box commissioned before (its own password) and a run giving it the next one, not confirmed yet.
  core.vault.put('test', 'ocpp-basic-auth', 'WB-RERUN', OWN);
  core.vault.put('test', 'ocpp-basic-auth-next', 'WB-RERUN', 'next-box-password-0123456789');
  // A first run on a new box: only the next one, not confirmed.
  core.vault.put('test', 'ocpp-basic-auth-next', 'WB-FIRST', 'first-box-password-0123456789');
  const status = (identity: string, password: string) =>
    handshakeStatus(`${url}/${identity}`, { authorization: basic(identity, password) });
  assert.equal(await status('WB-RERUN', OWN), 101, 'the password the box holds today');
  assert.equal(await status('WB-RERUN', 'next-box-password-0123456789'), 101, 'the one it is being given');
  assert.equal(await status('WB-RERUN', SHARED), 401, 'never the shared one for a box with its own');
  assert.equal(await status('WB-FIRST', SHARED), 101);
  assert.equal(await status('WB-FIRST', 'first-box-password-0123456789'), 101);
});

test('a run whose password write the box refuses leaves the box its old password at the local CSMS: it is not locked out', async (t) => {
  const { BareCsms } = await import('../support/bare-csms.ts');
  const { simBox } = await import('../support/sim.ts');
  const company = await BareCsms.start(t);
  const { core, url } = await csmsWithSharedPassword(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-KEEPS',
    password: SHARED,
    securityProfile: 1,
    misbehave: { rejectKeys: ['AuthorizationKey'] },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-KEEPS',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.state.results.AuthorizationKey, 'Rejected');
  const own = core.vault.list().filter((s) => s.label === 'WB-KEEPS' && s.purpose === 'ocpp-basic-auth');
  assert.equal(own.length, 0, 'the password the box refused never became its own');
  // The box still holds the shared password, and the local CSMS still lets it in with it.
  assert.equal(
    await handshakeStatus(`${url}/WB-KEEPS`, {
      authorization: basic('WB-KEEPS', SHARED),
      localAddress: '127.0.0.4',
    }),
    101,
  );
});

test('a run whose password the box took keeps it as the box own: the next password is gone from the vault', async (t) => {
  const { BareCsms } = await import('../support/bare-csms.ts');
  const { simBox } = await import('../support/sim.ts');
  const company = await BareCsms.start(t);
  const { core, url } = await csmsWithSharedPassword(t);
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-TOOK',
    password: SHARED,
    securityProfile: 1,
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-TOOK',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.state.results.AuthorizationKey, 'Accepted', JSON.stringify(run.error));
  const secrets = core.vault.list().filter((s) => s.label === 'WB-TOOK');
  assert.deepEqual(
    secrets.map((s) => s.purpose),
    ['ocpp-basic-auth'],
  );
  const held = sim.secret('AuthorizationKey');
  assert.ok(held);
  assert.equal(
    core.vault.use(secrets[0]?.id ?? -1, (v) => v),
    held,
  );
});

test('wbc csms listen keeps a box nobody named in the lobby: no station row until a command names it', async (t) => {
  const port = await freePort();
  const dir = tempDir(t);
  const listen = wbcRunning(t, [
    'csms',
    'listen',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    dir,
  ]);
  // The address and the lobby line are two writes: wait for both.
  await until(() => listen.stdout().includes(`ws://127.0.0.1:${port}/ocpp`), 20_000);
  await until(() => /wait in the lobby/.test(listen.stdout()), 20_000).catch(() =>
    assert.match(listen.stdout(), /wait in the lobby/),
  );
  const box = bareBox(t, { url: `ws://127.0.0.1:${port}/ocpp`, identity: 'WB-STRANGER' });
  await box.connect();
  await boot16(box);
  await until(() => listen.stdout().includes('WB-STRANGER is waiting in the lobby'), 20_000);
  const status = JSON.parse((await wbc(['csms', 'status', '--json', '--data-dir', dir])).stdout) as {
    boxes: { identity: string; admitted: boolean }[];
  };
  assert.deepEqual(
    status.boxes.map((b) => [b.identity, b.admitted]),
    [['WB-STRANGER', false]],
  );
  listen.child.kill('SIGINT');
  assert.equal(await listen.exited, 0);
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  t.after(() => core.close());
  assert.deepEqual(await callOk(core, 'stations.list', {}), [], 'a stranger leaves no station row');
});
