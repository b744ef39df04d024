// The connection test and the sync over TLS as seen from the laptop, against a SteVe stand-in on loopback
// with certificates made here: trusted and valid, expired, for another host, or not issued by a known CA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { steveConnector } from '../../main/csms/steve.ts';
import { callOk, testCore } from '../support/core.ts';
import { startSteveServer } from '../support/steve-server.ts';
import { testCa } from '../support/tls-certs.ts';

const PASSWORD = 'tls-steve-secret';
const signal = new AbortController().signal;
const DAY = 86_400_000;

test('a trusted, valid certificate: the test shows its subject and expiry, and the cards go over TLS', async (t) => {
  const ca = await testCa();
  const steve = await startSteveServer(t, { password: PASSWORD, tls: await ca.issue('127.0.0.1') });
  const connector = steveConnector({
    name: 'tls',
    baseUrl: steve.url,
    user: 'api',
    password: PASSWORD,
    caCertificate: ca.cert,
  });
  const checks = await connector.testConnection(signal);
  assert.deepEqual(
    checks.map((c) => [c.step, c.ok]),
    [
      ['url', true],
      ['dns', true],
      ['tcp', true],
      ['tls', true],
      ['auth', true],
      ['api-version', true],
    ],
  );
  assert.match(checks[3]?.detail ?? '', /^CN=127\.0\.0\.1, valid until \d{4}-/);
  const core = testCore(t);
  await callOk(core, 'cards.enroll', { uid: '04AA1122' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'tls',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
    caCertificate: ca.cert,
  });
  assert.equal((await callOk(core, 'sync.run', { connector: 'tls' })).delivered, 1);
});

test('an expired certificate fails at the TLS step with its expiry, and the cards stay pending', async (t) => {
  const ca = await testCa();
  const expired = await ca.issue('127.0.0.1', {
    from: new Date(Date.now() - 60 * DAY),
    until: new Date(Date.now() - DAY),
  });
  const steve = await startSteveServer(t, { password: PASSWORD, tls: expired });
  const connector = steveConnector({
    name: 'tls',
    baseUrl: steve.url,
    user: 'api',
    password: PASSWORD,
    caCertificate: ca.cert,
  });
  const checks = await connector.testConnection(signal);
  const tls = checks.at(-1);
  assert.equal(tls?.step, 'tls');
  assert.equal(tls?.ok, false);
  assert.equal(tls?.errorCode, 'CSMS_TLS_FAILED');
  assert.match(tls?.detail ?? '', /CERT_HAS_EXPIRED/);
  const core = testCore(t);
  await callOk(core, 'cards.enroll', { uid: '04AA1122' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'tls',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
    caCertificate: ca.cert,
  });
  const run = await callOk(core, 'sync.run', { connector: 'tls', maxWaitS: 0 });
  assert.equal(run.pending, 1);
  assert.equal(run.stoppedBy?.code, 'CSMS_TLS_FAILED');
  assert.equal(steve.requests.length, 0, 'nothing was sent over the bad connection');
});

test('a certificate for another host, and one from an unknown issuer, fail at the TLS step', async (t) => {
  const ca = await testCa();
  const other = await startSteveServer(t, { password: PASSWORD, tls: await ca.issue('csms.other.example') });
  const wrongHost = await steveConnector({
    name: 'tls',
    baseUrl: other.url,
    user: 'api',
    password: PASSWORD,
    caCertificate: ca.cert,
  }).testConnection(signal);
  assert.equal(wrongHost.at(-1)?.step, 'tls');
  assert.match(
    wrongHost.at(-1)?.detail ?? '',
    /^CN=csms\.other\.example, valid until .*ERR_TLS_CERT_ALTNAME_INVALID/,
  );
  const unknown = await steveConnector({
    name: 'tls',
    baseUrl: other.url,
    user: 'api',
    password: PASSWORD,
  }).testConnection(signal);
  assert.equal(unknown.at(-1)?.step, 'tls');
  assert.equal(unknown.at(-1)?.ok, false);
  assert.match(unknown.at(-1)?.detail ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  assert.equal(other.requests.length, 0);
});
