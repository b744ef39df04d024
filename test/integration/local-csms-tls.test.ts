// The local CSMS over wss://: a box already at security profile 2 connects to the laptop once it trusts
// the tool's CA; one that does not is refused with a reason it can name; the keys stay sealed.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { connect } from 'node:tls';
import type { Core } from '../../main/core.ts';
import { renewCsmsCa } from '../../main/ocpp/tls.ts';
import {
  createSimStation,
  type SimOcppVersion,
  type SimStation,
  type SimStationOptions,
} from '../../main/simulator/station.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const PASSWORD = '0123456789abcdef0123456789abcdef';

/** A port free right now: the api (like a user) names a port, it does not take "any". */

async function startTls(core: Core, host = '127.0.0.1') {
  const secret = await callOk(core, 'secrets.put', {
    purpose: 'csms-basic-auth',
    label: 'local-csms',
    value: PASSWORD,
  });
  return callOk(core, 'csms.start', {
    host,
    port: await freePort(host),
    admitUnexpected: true,
    tls: true,
    passwordSecretId: secret.id,
  });
}

/** A box already at security profile 2 that trusts the CAs given, stopped when the test ends (not started). */
function tlsBox(
  t: TestContext,
  options: Pick<SimStationOptions, 'ocppVersion' | 'endpoint' | 'identity' | 'trustedCertificates'> & {
    password?: string;
  },
): SimStation {
  const box = createSimStation({ password: PASSWORD, securityProfile: 2, ...options });
  t.after(() => box.stop());
  return box;
}

/** Every file under dir, as bytes (the database, its WAL, the vault key, the logs). */
function filesUnder(dir: string): Array<{ name: string; bytes: Buffer }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return [{ name: path, bytes: readFileSync(path) }];
  });
}

for (const ocppVersion of ['1.6', '2.0.1'] as const satisfies SimOcppVersion[]) {
  test(`${ocppVersion}: a box at security profile 2 connects over wss:// with the CA trusted and its password`, async (t) => {
    const core = testCore(t);
    const status = await startTls(core);
    const url = status.urls[0] ?? '';
    assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    assert.ok(status.tls, 'the status carries the CA');
    assert.match(status.tls.caFingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(status.tls.caFingerprint, new X509Certificate(status.tls.caCertificate).fingerprint256);
    const identity = `WB-TLS-${ocppVersion}`;
    const box = tlsBox(t, {
      ocppVersion,
      endpoint: url,
      identity,
      trustedCertificates: [status.tls.caCertificate],
    });
    await box.start();
    const seen = await core.ocpp.csms.waitFor(identity, { timeoutMs: 10_000, booted: true });
    assert.equal(seen.ocppVersion, ocppVersion);
    assert.equal(box.currentEndpoint(), `${url}/${identity}`);
    // The box's password was checked on the way in: the CSMS refuses a wrong one over TLS too.
    const intruder = tlsBox(t, {
      ocppVersion,
      endpoint: url,
      identity: `${identity}-X`,
      password: 'not-the-password-at-all-0000',
      trustedCertificates: [status.tls.caCertificate],
    });
    const refused = new Promise<string>((resolve) => intruder.on('dial-failed', (r) => resolve(String(r))));
    void intruder.start().catch(() => undefined);
    assert.match(await refused, /401/);
  });
}

test('a box that does not trust the CA is refused, and says the certificate is not trusted', async (t) => {
  const core = testCore(t);
  const status = await startTls(core);
  const stranger = await callOk(testCore(t), 'csms.certificate', {});
  assert.notEqual(stranger.caFingerprint, status.tls?.caFingerprint, 'every installation has its own CA');
  for (const trustedCertificates of [[], [stranger.caCertificate]]) {
    const box = tlsBox(t, {
      ocppVersion: '1.6',
      endpoint: status.urls[0] ?? '',
      identity: `WB-UNTRUSTING-${trustedCertificates.length}`,
      trustedCertificates,
    });
    const failed = new Promise<string>((resolve) => box.on('dial-failed', (r) => resolve(String(r))));
    void box.start().catch(() => undefined);
    const reason = await failed;
    assert.match(reason, /signed by a CA this box does not trust/);
    assert.match(reason, /install the CSMS root certificate/);
    await box.stop();
    assert.equal(core.ocpp.csms.box(`WB-UNTRUSTING-${trustedCertificates.length}`), undefined);
  }
  core.ocpp.trace.flush();
  const refusals = core.ocpp.trace.list({ limit: 100 }).filter((f) => f.kind === 'refused');
  assert.ok(
    refusals.some((f) => /TLS handshake failed/.test(f.frame)),
    'the CSMS traced the failed handshake',
  );
});

test('a box at profile 2 will not dial ws://, and says so', async (t) => {
  const core = testCore(t);
  const status = await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true });
  assert.throws(
    () => tlsBox(t, { ocppVersion: '2.0.1', endpoint: status.urls[0] ?? '', identity: 'WB-PLAIN' }),
    /needs a wss:\/\/ endpoint/,
  );
});

test('the server certificate covers 127.0.0.1 and localhost, in an ECDSA and an RSA variant from one CA', async (t) => {
  const core = testCore(t);
  const status = await startTls(core);
  const ca = status.tls?.caCertificate ?? '';
  assert.ok(status.tls?.serverNames.includes('127.0.0.1'));
  assert.ok(status.tls?.serverNames.includes('localhost'));
  const port = status.port ?? 0;
  // Boxes must offer ECDHE-ECDSA or plain RSA suites (either pair): each gets a certificate it can use.
  for (const [ciphers, keyType] of [
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 'EC'],
    ['AES128-GCM-SHA256', 'RSA'],
  ] as const) {
    const peer = await new Promise<{ authorized: boolean; cert: X509Certificate }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: [ca], ciphers, maxVersion: 'TLSv1.2' }, () => {
        const cert = socket.getPeerX509Certificate();
        socket.end();
        if (!cert) reject(new Error('no certificate'));
        else resolve({ authorized: socket.authorized, cert });
      });
      socket.on('error', reject);
    });
    assert.equal(peer.authorized, true, `${keyType}: signed by the CA shown`);
    assert.equal(peer.cert.publicKey.asymmetricKeyType?.toUpperCase(), keyType);
    assert.equal(peer.cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(peer.cert.checkHost('localhost'), 'localhost');
    assert.ok(peer.cert.checkIssued(new X509Certificate(ca)));
  }
});

test('the CA is made once; a new address gets a new server certificate from the same CA', async (t) => {
  const dataDir = tempDir(t);
  const first = testCore(t, { dataDir });
  const before = await startTls(first);
  await callOk(first, 'csms.stop', {});
  // Another loopback address stands for the laptop on another network.
  const after = await callOk(first, 'csms.start', {
    host: '127.0.0.2',
    port: await freePort('127.0.0.2'),
    tls: true,
    admitUnexpected: true,
  });
  assert.equal(after.tls?.caFingerprint, before.tls?.caFingerprint);
  assert.notEqual(after.tls?.serverFingerprint, before.tls?.serverFingerprint);
  assert.ok(after.tls?.serverNames.includes('127.0.0.2'));
  assert.match(after.urls[0] ?? '', /^wss:\/\/127\.0\.0\.2:/);
  // The same box, trusting the same CA, connects without anything new installed.
  await tlsBox(t, {
    ocppVersion: '2.0.1',
    endpoint: after.urls[0] ?? '',
    identity: 'WB-MOVED',
    trustedCertificates: [before.tls?.caCertificate ?? ''],
  }).start();
  await first.ocpp.csms.waitFor('WB-MOVED', { timeoutMs: 10_000 });
  // Started again on the same address: nothing is reissued.
  await callOk(first, 'csms.stop', {});
  const again = await callOk(first, 'csms.start', {
    host: '127.0.0.2',
    port: await freePort('127.0.0.2'),
    tls: true,
  });
  assert.equal(again.tls?.serverFingerprint, after.tls?.serverFingerprint);
  const actions = (await callOk(first, 'audit.list', { entity: 'settings' })).map((a) => a.action);
  assert.deepEqual(actions.filter((a) => a.startsWith('csms.tls')).sort(), [
    'csms.tls.create',
    'csms.tls.reissue',
  ]);
});

test('the private keys are only in the vault: not in the store in clear, the trace, the logs or any answer', async (t) => {
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  const status = await startTls(core);
  await tlsBox(t, {
    ocppVersion: '1.6',
    endpoint: status.urls[0] ?? '',
    identity: 'WB-KEYS',
    trustedCertificates: [status.tls?.caCertificate ?? ''],
  }).start();
  await core.ocpp.csms.waitFor('WB-KEYS', { timeoutMs: 10_000, booted: true });
  const keys = core.vault.list().filter((s) => s.purpose === 'csms-tls-key');
  assert.deepEqual(keys.map((k) => k.label).sort(), ['ca', 'server-ecdsa', 'server-rsa']);
  const secrets = keys.map((k) => core.vault.use(k.id, (v) => v));
  for (const pem of secrets) assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
  // Never revealed through the api, even on request.
  const reveal = await callRaw(core, 'secrets.reveal', { id: keys[0]?.id });
  assert.equal(reveal.ok ? 'ok' : reveal.error.code, 'SECRET_NOT_REVEALABLE');
  core.ocpp.trace.flush();
  const answers = JSON.stringify([
    status,
    await callOk(core, 'csms.status', {}),
    await callOk(core, 'csms.certificate', {}),
    await callOk(core, 'audit.list', { limit: 1000 }),
    core.ocpp.trace.list({ limit: 1000 }),
  ]);
  assert.doesNotMatch(answers, /PRIVATE KEY/);
  const files = filesUnder(dataDir);
  assert.ok(files.some((f) => f.name.endsWith('commissioner.db')));
  for (const pem of secrets) {
    const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const der = Buffer.from(body, 'base64');
    // A slice from the middle of the key, as text and as raw bytes, in every file the tool wrote.
    const text = body.slice(40, 104);
    const raw = der.subarray(40, 72);
    for (const file of files) {
      assert.ok(!file.bytes.includes(text), `key text in ${file.name}`);
      assert.ok(!file.bytes.includes(raw), `key bytes in ${file.name}`);
    }
    assert.ok(!answers.includes(text));
  }
});

test('wbc csms listen --tls --password-file: prints the CA and its fingerprint, and a box at profile 2 gets in', async (t) => {
  const dataDir = tempDir(t);
  const passwordFile = join(dataDir, 'csms-password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  // The CA can be fetched (and installed into boxes) before the CSMS ever runs.
  const caFile = join(dataDir, 'ca.pem');
  const ca = await wbc(['csms', 'ca', '--out', caFile, '--data-dir', dataDir]);
  assert.equal(ca.code, 0, ca.stderr);
  const caPem = readFileSync(caFile, 'utf8');
  assert.match(ca.stdout, new RegExp(new X509Certificate(caPem).fingerprint256));
  const port = await freePort();
  const listen = wbcRunning(t, [
    'csms',
    'listen',
    '--tls',
    '--password-file',
    passwordFile,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--json',
    '--data-dir',
    dataDir,
  ]);
  const lines = () =>
    listen
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            event: string;
            urls?: string[];
            tls?: { caFingerprint: string };
            box?: { identity: string; boot: unknown };
          },
      );
  const listening = await until(() => lines().find((l) => l.event === 'listening'), 20_000);
  assert.equal(listening.urls?.[0], `wss://127.0.0.1:${port}/ocpp`);
  assert.equal(
    listening.tls?.caFingerprint,
    new X509Certificate(caPem).fingerprint256,
    'the same CA as fetched before',
  );
  assert.doesNotMatch(listen.stdout(), new RegExp(PASSWORD));
  await tlsBox(t, {
    ocppVersion: '2.0.1',
    endpoint: listening.urls?.[0] ?? '',
    identity: 'WB-CLI-TLS',
    trustedCertificates: [caPem],
  }).start();
  await until(
    () => lines().some((l) => l.event === 'box' && l.box?.identity === 'WB-CLI-TLS' && l.box.boot),
    20_000,
  );
  listen.child.kill('SIGINT');
  // A password file that is empty is refused before anything listens.
  writeFileSync(passwordFile, '\n');
  const empty = await wbc([
    'csms',
    'listen',
    '--tls',
    '--password-file',
    passwordFile,
    '--port',
    String(port),
    '--data-dir',
    dataDir,
  ]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /is empty/);
});

test('a CA whose key was replaced or deleted through the api is refused, typed, never silently replaced', async (t) => {
  const core = testCore(t);
  const first = await callOk(core, 'csms.certificate', {});
  const caKey = core.vault.list().find((s) => s.purpose === 'csms-tls-key' && s.label === 'ca');
  assert.ok(caKey);
  await callOk(core, 'secrets.put', { purpose: 'csms-tls-key', label: 'ca', value: 'not a key' });
  const lost = (reply: Awaited<ReturnType<typeof callRaw>>) =>
    reply.ok ? 'ok' : `${reply.error.code} ${reply.error.params.fingerprint}`;
  assert.equal(lost(await callRaw(core, 'csms.certificate', {})), `CSMS_CA_KEY_LOST ${first.caFingerprint}`);
  const start = await callRaw(core, 'csms.start', {
    host: '127.0.0.1',
    port: await freePort('127.0.0.1'),
    admitUnexpected: true,
    tls: true,
  });
  assert.equal(lost(start), `CSMS_CA_KEY_LOST ${first.caFingerprint}`);
  const replaced = core.vault.list().find((s) => s.purpose === 'csms-tls-key' && s.label === 'ca');
  await callOk(core, 'secrets.delete', { id: replaced?.id ?? 0 });
  assert.equal(lost(await callRaw(core, 'csms.certificate', {})), `CSMS_CA_KEY_LOST ${first.caFingerprint}`);
  const renewed = await renewCsmsCa({ store: core.store, vault: core.vault, actor: 'test' });
  assert.notEqual(renewed.caFingerprint, first.caFingerprint);
  const third = await startTls(core);
  assert.equal(third.tls?.caFingerprint, renewed.caFingerprint);
  assert.ok(third.running);
});
