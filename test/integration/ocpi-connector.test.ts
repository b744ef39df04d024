// The OCPI 2.2.1 connector against a CPO's OCPI interface over real HTTP(S) on loopback: the handshake,
// cards pushed and revoked (never deleted), every fault the outbox must survive, Locations, TLS checks.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { errorText } from '../../locales/translate.ts';
import { AppError } from '../../main/api/errors.ts';
import type { TokenRecord } from '../../main/csms/connector.ts';
import {
  NO_SERVER_VERSIONS_URL,
  type OcpiConfig,
  OcpiConnector,
  type OcpiCredentialsResult,
} from '../../main/csms/ocpi/connector.ts';
import { type OcpiLocationFixture, type OcpiTestServer, startOcpiServer } from '../support/ocpi-server.ts';
import { serverCertificate, testCa } from '../support/test-certificates.ts';

const signal = () => AbortSignal.timeout(20_000);
const emsp = { countryCode: 'DE', partyId: 'WBC', issuer: 'Example Car Park' };

function card(uid: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    uid,
    idTag: uid,
    groupIdTag: 'STAFF',
    validUntil: null,
    label: `Card ${uid}`,
    owner: 'Erika Mustermann',
    valid: true,
    ...extra,
  };
}

async function server(t: TestContext, options: Parameters<typeof startOcpiServer>[0] = {}) {
  const cpo = await startOcpiServer(options);
  t.after(() => cpo.close());
  return cpo;
}

/** A connector with token A, not registered yet; `stored` receives token C as the vault would. */
function connector(cpo: OcpiTestServer, extra: Partial<OcpiConfig> = {}) {
  const stored: OcpiCredentialsResult[] = [];
  const ocpi = new OcpiConnector({
    versionsUrl: cpo.versionsUrl,
    token: cpo.tokenA,
    registered: false,
    emsp,
    businessName: 'Example Car Park',
    onCredentials: (result) => {
      stored.push(result);
    },
    timeoutMs: 3000,
    ...extra,
  });
  return { ocpi, stored };
}

/** A connector already registered with the CPO's current token C. */
async function registered(t: TestContext, options: Parameters<typeof startOcpiServer>[0] = {}) {
  const cpo = await server(t, options);
  const { ocpi } = connector(cpo);
  await ocpi.register(signal());
  return { cpo, ocpi };
}

async function failure(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

test('the credentials handshake: token A opens it, token C comes back to the vault and is used from then on', async (t) => {
  const cpo = await server(t);
  const stored: OcpiCredentialsResult[] = [];
  let usedBeforeStored = -1;
  const { ocpi } = connector(cpo, {
    onCredentials: async (result) => {
      // The vault has it before the tool sends anything with it.
      usedBeforeStored = cpo.requests.filter((r) => r.token === result.tokenC).length;
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored.push(result);
    },
  });

  await ocpi.upsertToken(card('04A1B2C3'), signal());
  assert.equal(usedBeforeStored, 0);

  assert.equal(stored.length, 1);
  assert.equal(stored[0]?.tokenC, cpo.tokenC);
  assert.deepEqual(stored[0]?.cpo, { countryCode: 'NL', partyId: 'CPO' });
  // The tool's own credentials: a token B, the role EMSP, and the no-server versions URL it must give.
  assert.equal(cpo.posted?.url, NO_SERVER_VERSIONS_URL);
  assert.notEqual(cpo.posted?.token, cpo.tokenA);
  assert.equal(((cpo.posted?.roles ?? []) as Array<Record<string, unknown>>)[0]?.role, 'EMSP');
  const steps = cpo.requests.map(
    (r) => `${r.method} ${r.path.split('?')[0]} ${r.token === cpo.tokenA ? 'A' : 'C'}`,
  );
  assert.deepEqual(steps, [
    'GET /ocpi/versions A',
    'GET /ocpi/2.2.1 A',
    'POST /ocpi/2.2.1/credentials A',
    'GET /ocpi/versions C',
    'GET /ocpi/2.2.1 C',
    'PUT /ocpi/cpo/2.2.1/tokens/DE/WBC/04A1B2C3 C',
  ]);
  // Token A is spent: a second tool using it is refused.
  const again = connector(cpo).ocpi;
  const refused = await failure(again.upsertToken(card('04A1B2C4'), signal()));
  assert.equal(refused.code, 'CSMS_AUTH_FAILED');
  assert.equal(refused.params.status, 401);
});

test('cards sent at once before the handshake share one handshake', async (t) => {
  const cpo = await server(t);
  const { ocpi, stored } = connector(cpo);
  const uids = ['04000001', '04000002', '04000003', '04000004', '04000005'];
  await Promise.all(uids.map((uid) => ocpi.upsertToken(card(uid), signal())));
  assert.equal(cpo.requests.filter((r) => r.path === '/ocpi/2.2.1/credentials').length, 1);
  assert.equal(stored.length, 1);
  assert.equal(cpo.tokens.size, 5);
});

test('the token travels base64-encoded, with request and correlation ids and the OCPI party headers', async (t) => {
  const { cpo, ocpi } = await registered(t);
  await ocpi.upsertToken(card('04A1B2C3'), signal());
  const put = cpo.requests.find((r) => r.method === 'PUT');
  assert.ok(put);
  assert.equal(put.token, cpo.tokenC);
  assert.match(String(put.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  assert.match(String(put.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
  assert.equal(put.headers['ocpi-from-country-code'], 'DE');
  assert.equal(put.headers['ocpi-from-party-id'], 'WBC');
  assert.equal(put.headers['ocpi-to-country-code'], 'NL');
  assert.equal(put.headers['ocpi-to-party-id'], 'CPO');
  assert.equal(put.path, '/ocpi/cpo/2.2.1/tokens/DE/WBC/04A1B2C3?type=RFID');
});

test('a card is pushed whole with PUT and revoked with PATCH valid=false; no DELETE ever reaches the CPO', async (t) => {
  const { cpo, ocpi } = await registered(t);
  await ocpi.upsertToken(card('04A1B2C3'), signal());
  const held = cpo.tokens.get('DE/WBC/04A1B2C3');
  assert.equal(held?.whitelist, 'ALWAYS');
  assert.equal(held?.group_id, 'STAFF');
  assert.equal(held?.visual_number, 'Card 04A1B2C3');
  assert.equal(held?.contract_id, 'DEWBC004A1B2C3');
  assert.equal(held?.issuer, 'Example Car Park');
  assert.equal(held?.valid, true);
  assert.equal(held?.type, 'RFID');
  assert.ok(!JSON.stringify(held).includes('Mustermann'), 'the owner stays on the laptop');

  await ocpi.revokeToken(card('04A1B2C3', { valid: false }), signal());
  assert.equal(cpo.tokens.get('DE/WBC/04A1B2C3')?.valid, false);
  const patch = cpo.requests.find((r) => r.method === 'PATCH');
  assert.deepEqual(Object.keys(patch?.body as object).sort(), ['last_updated', 'valid']);

  // A card the CPO never had is recorded as revoked by a full PUT with valid=false.
  await ocpi.revokeToken(card('04FFFFFF'), signal());
  assert.equal(cpo.tokens.get('DE/WBC/04FFFFFF')?.valid, false);

  // Past its end of validity a card goes out invalid: OCPI has no expiry field.
  await ocpi.upsertToken(card('04EEEEEE', { validUntil: '2020-01-01T00:00:00Z' }), signal());
  assert.equal(cpo.tokens.get('DE/WBC/04EEEEEE')?.valid, false);

  assert.equal(cpo.requests.filter((r) => r.method === 'DELETE').length, 0);
});

test('getToken shows what the CPO holds (for a conflict) and null for a card it does not know', async (t) => {
  const { cpo, ocpi } = await registered(t);
  cpo.tokens.set('DE/WBC/04A1B2C3', {
    country_code: 'DE',
    party_id: 'WBC',
    uid: '04A1B2C3',
    type: 'RFID',
    contract_id: 'DEWBC04A1B2C3',
    issuer: 'Example Car Park',
    group_id: 'VISITORS',
    visual_number: 'Other label',
    valid: true,
    whitelist: 'ALWAYS',
    last_updated: '2026-01-02T03:04:05Z',
  });
  const held = await ocpi.getToken('04A1B2C3', signal());
  assert.equal(held?.groupIdTag, 'VISITORS');
  assert.equal(held?.label, 'Other label');
  assert.equal(held?.lastUpdated, '2026-01-02T03:04:05Z');
  assert.equal(await ocpi.getToken('04000000', signal()), null);
});

test('OCPI 2xxx codes are refusals with the CPO message; 3xxx and 5xx are retried; the batch loses nothing', async (t) => {
  const { cpo, ocpi } = await registered(t);
  cpo.fault(
    {
      kind: 'status',
      status: 200,
      body: JSON.stringify({ status_code: 2001, status_message: 'group_id unknown', timestamp: '' }),
    },
    '/ocpi/cpo',
  );
  const refused = await failure(ocpi.upsertToken(card('04000001'), signal()));
  assert.equal(refused.code, 'CSMS_REJECTED');
  assert.match(String(refused.params.detail), /2001: group_id unknown/);

  cpo.fault(
    {
      kind: 'status',
      status: 200,
      body: JSON.stringify({ status_code: 3000, status_message: 'busy', timestamp: '' }),
    },
    '/ocpi/cpo',
  );
  const busy = await failure(ocpi.upsertToken(card('04000002'), signal()));
  assert.equal(busy.code, 'CSMS_UNREACHABLE');

  // 500 and 503 in the middle of a batch: the failed cards fail, the others land, a retry completes it.
  const batch = ['04000010', '04000011', '04000012', '04000013'];
  cpo.fault({ kind: 'status', status: 500 }, '/ocpi/cpo/2.2.1/tokens/DE/WBC/04000011');
  cpo.fault({ kind: 'status', status: 503 }, '/ocpi/cpo/2.2.1/tokens/DE/WBC/04000012');
  const outcome = await Promise.allSettled(batch.map((uid) => ocpi.upsertToken(card(uid), signal())));
  assert.deepEqual(
    outcome.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as AppError).code)),
    ['ok', 'CSMS_UNREACHABLE', 'CSMS_UNREACHABLE', 'ok'],
  );
  for (const uid of batch) await ocpi.upsertToken(card(uid), signal());
  assert.deepEqual(
    batch.map((uid) => cpo.tokens.get(`DE/WBC/${uid}`)?.valid),
    [true, true, true, true],
  );
});

test('after the CPO rotates token C the tool says its credentials were refused', async (t) => {
  const { cpo, ocpi } = await registered(t);
  await ocpi.upsertToken(card('04A1B2C3'), signal());
  cpo.rotate();
  const refused = await failure(ocpi.upsertToken(card('04A1B2C4'), signal()));
  assert.equal(refused.code, 'CSMS_AUTH_FAILED');
  assert.equal(refused.params.status, 401);
});

test('429 with Retry-After tells the outbox how long to wait', async (t) => {
  const { cpo, ocpi } = await registered(t);
  cpo.fault({ kind: 'status', status: 429, headers: { 'retry-after': '7' } }, '/ocpi/cpo');
  const slow = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(slow.code, 'CSMS_RATE_LIMITED');
  assert.equal(slow.params.retryAfterS, 7);

  // Retry-After may also be an HTTP date; without one the outbox still gets a wait.
  const at = new Date(Date.now() + 600_000).toUTCString();
  cpo.fault({ kind: 'status', status: 429, headers: { 'retry-after': at } }, '/ocpi/cpo');
  const dated = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.ok(Number(dated.params.retryAfterS) > 500 && Number(dated.params.retryAfterS) <= 600);
  cpo.fault({ kind: 'status', status: 429 }, '/ocpi/cpo');
  const bare = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(bare.params.retryAfterS, 60);
});

test('a slow answer is a timeout, a reset connection and malformed JSON each get their own code', async (t) => {
  const { cpo, ocpi } = await registered(t);
  const impatient = connector(cpo, { token: cpo.tokenC ?? '', registered: true, timeoutMs: 200 }).ocpi;
  cpo.fault({ kind: 'delay', ms: 3000 }, '/ocpi/versions');
  const late = await failure(impatient.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(late.code, 'CSMS_TIMEOUT');
  assert.equal(late.params.seconds, 0.2);

  // A reset on a kept-alive connection looks like a socket the CPO closed while idle: sent again once.
  await ocpi.upsertToken(card('04A1B2C3'), signal());
  cpo.fault({ kind: 'reset' }, '/ocpi/cpo');
  const puts = () => cpo.requests.filter((r) => r.method === 'PUT').length;
  const before = puts();
  await ocpi.upsertToken(card('04A1B2C3'), signal());
  assert.equal(puts() - before, 2);
  // A reset on a new connection is the CPO's: reported, not repeated.
  const fresh = connector(cpo, { token: cpo.tokenC ?? '', registered: true }).ocpi;
  cpo.fault({ kind: 'reset' });
  const reset = await failure(fresh.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(reset.code, 'CSMS_UNREACHABLE');
  assert.equal(reset.params.reason, 'ECONNRESET');

  cpo.fault({ kind: 'cut' }, '/ocpi/cpo');
  const cut = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(cut.code, 'CSMS_UNREACHABLE');

  cpo.fault({ kind: 'raw', body: '{"data": [1, 2' }, '/ocpi/cpo');
  const garbled = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(garbled.code, 'CSMS_BAD_ANSWER');

  cpo.fault({ kind: 'raw', body: '<html>maintenance</html>' }, '/ocpi/cpo');
  const html = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(html.code, 'CSMS_BAD_ANSWER');

  // 503 with Retry-After: retried later, and the outbox learns when.
  cpo.fault({ kind: 'status', status: 503, headers: { 'retry-after': '120' } }, '/ocpi/cpo');
  const down = await failure(ocpi.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(down.code, 'CSMS_UNREACHABLE');
  assert.equal(down.params.retryAfterS, 120);
});

test('an answer too large is cut off, a cancelled call says so, a bad address is refused up front', async (t) => {
  const cpo = await server(t);
  const small = connector(cpo, { token: cpo.tokenA, maxAnswerBytes: 2000 }).ocpi;
  cpo.fault(
    { kind: 'raw', body: JSON.stringify({ data: 'x'.repeat(100_000), status_code: 1000 }) },
    '/ocpi/versions',
  );
  const large = await failure(small.register(signal()));
  assert.equal(large.code, 'CSMS_BAD_ANSWER');
  assert.match(String(large.params.detail), /larger than 2000 bytes/);

  const { ocpi } = connector(cpo);
  cpo.fault({ kind: 'delay', ms: 2000 }, '/ocpi/versions');
  const abort = new AbortController();
  const pending = ocpi.register(abort.signal);
  setTimeout(() => abort.abort(), 50);
  const cancelled = await failure(pending);
  assert.equal(cancelled.code, 'CANCELLED');

  for (const versionsUrl of [
    'ftp://cpo.example/versions',
    'https://user:secret@cpo.example/versions',
    'cpo',
  ]) {
    const refused = (() => {
      try {
        connector(cpo, { versionsUrl });
      } catch (error) {
        return error;
      }
      return null;
    })();
    assert.ok(refused instanceof AppError);
    assert.equal(refused.code, 'VALIDATION_FAILED');
    assert.ok(!JSON.stringify(refused.params).includes('secret'));
  }
});

function locations(
  count: number,
  box: { at: number; uid: string; status: string } | null,
): OcpiLocationFixture[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `LOC${i}`,
    evses: [
      {
        uid: box && box.at === i ? box.uid : `OTHER-${i}`,
        status: box && box.at === i ? box.status : 'AVAILABLE',
        connectors: [{ id: '1' }],
        last_updated: `2026-12-0${1 + (i % 5)}T10:00:00Z`,
      },
    ],
  }));
}

test('Locations are read across three pages by their Link headers and the box is found on the last', async (t) => {
  const { cpo, ocpi } = await registered(t, {
    pageSize: 3,
    locations: locations(8, { at: 7, uid: 'WB-0001', status: 'CHARGING' }),
  });
  const status = await ocpi.stationStatus('WB-0001', signal());
  assert.deepEqual(status, { connected: true, bootStatus: null, lastSeen: '2026-12-03T10:00:00.000Z' });
  const pages = cpo.requests.filter((r) => r.path.startsWith('/ocpi/cpo/2.2.1/locations'));
  assert.deepEqual(
    pages.map((r) => r.path),
    [
      '/ocpi/cpo/2.2.1/locations',
      '/ocpi/cpo/2.2.1/locations?offset=3&limit=3',
      '/ocpi/cpo/2.2.1/locations?offset=6&limit=3',
    ],
  );
  assert.equal(new Set(pages.map((r) => r.headers['x-correlation-id'])).size, 1);
});

test('an EVSE that is offline is not connected, an unknown box is null, and OCPI never claims a boot', async (t) => {
  const { ocpi } = await registered(t, {
    locations: [
      ...locations(2, { at: 0, uid: 'WB-0002', status: 'UNKNOWN' }),
      {
        id: 'LOC9',
        evses: [
          {
            uid: 'WB-0003*1',
            status: 'AVAILABLE',
            connectors: [{ id: '1' }],
            last_updated: '2026-12-05T09:00:00Z',
          },
          {
            uid: 'WB-0003*2',
            status: 'OUTOFORDER',
            connectors: [{ id: '1' }],
            last_updated: '2026-12-05T09:30:00Z',
          },
          {
            uid: 'X1',
            evse_id: 'DE*WBC*E0004',
            status: 'RESERVED',
            connectors: [{ id: '1' }],
            last_updated: '2026-12-05T08:00:00Z',
          },
        ],
      },
    ],
  });
  assert.deepEqual(await ocpi.stationStatus('WB-0002', signal()), {
    connected: false,
    bootStatus: null,
    lastSeen: '2026-12-01T10:00:00.000Z',
  });
  assert.deepEqual(await ocpi.stationStatus('WB-0003', signal()), {
    connected: true,
    bootStatus: null,
    lastSeen: '2026-12-05T09:30:00.000Z',
  });
  assert.equal((await ocpi.stationStatus('DE*WBC*E0004', signal()))?.connected, true);
  assert.equal(await ocpi.stationStatus('WB-000', signal()), null);
  assert.equal(await ocpi.stationStatus('WB-9999', signal()), null);
});

test('a Link header to another host is not followed with the token', async (t) => {
  const { cpo, ocpi } = await registered(t, { pageSize: 1, locations: locations(2, null) });
  // The CPO's next page points elsewhere (its first page answered by a raw body with a foreign Link).
  cpo.fault(
    {
      kind: 'status',
      status: 200,
      body: JSON.stringify({ data: [], status_code: 1000, timestamp: '' }),
      headers: { link: '<http://127.0.0.2:9/steal?offset=1>; rel="next"' },
    },
    '/ocpi/cpo/2.2.1/locations',
  );
  const error = await failure(ocpi.stationStatus('WB-0001', signal()));
  assert.equal(error.code, 'CSMS_BAD_ANSWER');
  assert.match(String(error.params.detail), /another host/);
});

test('OCPI cannot register a box: the connector says so and what to do by hand', async (t) => {
  const cpo = await server(t);
  const { ocpi } = connector(cpo);
  assert.equal(ocpi.capabilities.has('station.register'), false);
  assert.equal(ocpi.capabilities.has('station.password'), false);
  assert.equal('registerStation' in ocpi, false);
  const steps = ocpi.manualSteps({ identity: 'WB-0001', securityProfile: 2 });
  assert.deepEqual(
    steps.map((s) => s.messageKey),
    ['sync.manual.ocpi.station', 'sync.manual.ocpi.password'],
  );
});

test('the connection test names each step; a CPO without 2.2.1 fails at the API version', async (t) => {
  const cpo = await server(t);
  const checks = await connector(cpo).ocpi.testConnection(signal());
  assert.deepEqual(
    checks.map((c) => `${c.step}:${c.ok}`),
    ['url:true', 'dns:true', 'tcp:true', 'auth:true', 'api-version:true'],
  );
  assert.match(checks[4]?.detail ?? '', /tokens RECEIVER, locations SENDER/);
  assert.equal(cpo.tokenC, null, 'a test sends no credentials');

  const old = await server(t, { versions: ['2.1.1'] });
  const oldChecks = await connector(old).ocpi.testConnection(signal());
  assert.equal(oldChecks.at(-1)?.step, 'api-version');
  assert.equal(oldChecks.at(-1)?.errorCode, 'CSMS_VERSION_UNSUPPORTED');

  const wrong = connector(cpo, { token: 'not-the-token' }).ocpi;
  const wrongChecks = await wrong.testConnection(signal());
  assert.deepEqual(wrongChecks.at(-1), {
    step: 'auth',
    ok: false,
    detail: 'status 401',
    errorCode: 'CSMS_AUTH_FAILED',
  });
});

test('TLS: a good certificate passes, an expired one and one for another host fail at the tls step', async (t) => {
  const ca = await testCa();
  const good = await server(t, { tls: await serverCertificate(ca, ['127.0.0.1']) });
  const goodChecks = await connector(good, { caCertificate: ca.cert }).ocpi.testConnection(signal());
  assert.deepEqual(
    goodChecks.map((c) => `${c.step}:${c.ok}`),
    ['url:true', 'dns:true', 'tcp:true', 'tls:true', 'auth:true', 'api-version:true'],
  );
  assert.match(goodChecks[3]?.detail ?? '', /CN=127\.0\.0\.1, valid until \d{4}-/);

  const expired = await server(t, {
    tls: await serverCertificate(ca, ['127.0.0.1'], {
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
    }),
  });
  const expiredConnector = connector(expired, { caCertificate: ca.cert }).ocpi;
  const expiredChecks = await expiredConnector.testConnection(signal());
  assert.equal(expiredChecks.at(-1)?.step, 'tls');
  assert.equal(expiredChecks.at(-1)?.errorCode, 'CSMS_TLS_FAILED');
  assert.match(expiredChecks.at(-1)?.detail ?? '', /valid until 2025-01-01.*expired/);
  const expiredCall = await failure(expiredConnector.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(expiredCall.code, 'CSMS_TLS_FAILED');
  assert.match(String(expiredCall.params.reason), /expired/);

  // The same good server, but the laptop was not given the CSMS's private CA.
  const untrusted = await connector(good).ocpi.testConnection(signal());
  assert.equal(untrusted.at(-1)?.errorCode, 'CSMS_TLS_FAILED');
  assert.match(untrusted.at(-1)?.detail ?? '', /not trusted/);

  const elsewhere = await server(t, { tls: await serverCertificate(ca, ['csms.example.com']) });
  const elsewhereChecks = await connector(elsewhere, { caCertificate: ca.cert }).ocpi.testConnection(
    signal(),
  );
  assert.equal(elsewhereChecks.at(-1)?.step, 'tls');
  assert.equal(elsewhereChecks.at(-1)?.errorCode, 'CSMS_TLS_FAILED');
  assert.match(elsewhereChecks.at(-1)?.detail ?? '', /another host/);
  assert.equal(elsewhere.requests.length, 0, 'no credential was sent to the wrong host');

  // https:// typed for a CSMS that speaks plain http on that port.
  const plain = await server(t);
  const mistyped = connector(plain, { versionsUrl: plain.versionsUrl.replace('http:', 'https:') }).ocpi;
  const mistypedCall = await failure(mistyped.register(signal()));
  assert.equal(mistypedCall.code, 'CSMS_TLS_FAILED');
  assert.match(String(mistypedCall.params.reason), /plain http/);
});

test('no token ever appears in an error, its message or its remedy', async (t) => {
  const { cpo, ocpi } = await registered(t, { pageSize: 1, locations: locations(2, null) });
  const tokenC = cpo.tokenC ?? '';
  const errors: AppError[] = [];
  const collect = async (work: Promise<unknown>) => errors.push(await failure(work));
  // A careless CPO echoes the Authorization header it received in its error message.
  const echoed = `bad request from Token ${Buffer.from(tokenC).toString('base64')} (${tokenC})`;
  const body = JSON.stringify({ status_code: 2001, status_message: echoed, timestamp: '' });
  cpo.fault({ kind: 'status', status: 400, body }, '/ocpi/cpo');
  await collect(ocpi.upsertToken(card('04A1B2C3'), signal()));
  cpo.fault({ kind: 'raw', body: 'not json' }, '/ocpi/cpo');
  await collect(ocpi.upsertToken(card('04A1B2C3'), signal()));
  cpo.fault({ kind: 'reset' });
  await collect(connector(cpo, { token: tokenC, registered: true }).ocpi.stationStatus('WB-0001', signal()));
  cpo.fault({ kind: 'status', status: 429 }, '/ocpi/cpo');
  await collect(ocpi.getToken('04A1B2C3', signal()));
  const tokenA = cpo.tokenA;
  cpo.rotate();
  await collect(ocpi.upsertToken(card('04A1B2C3'), signal()));
  const tokens = [
    tokenA,
    tokenC,
    Buffer.from(tokenA).toString('base64'),
    Buffer.from(tokenC).toString('base64'),
  ];
  assert.equal(errors.length, 5);
  assert.equal(errors[0]?.code, 'CSMS_REJECTED');
  assert.match(String(errors[0]?.params.detail), /\[redacted\]/);
  for (const error of errors) {
    const texts = [
      error.message,
      JSON.stringify(error.params),
      String(error.stack),
      String(error.cause ?? ''),
      ...(['en', 'de'] as const).flatMap((lang) => Object.values(errorText(lang, error.code, error.params))),
    ];
    for (const text of texts)
      for (const token of tokens) assert.ok(!text.includes(token), `${error.code} leaks`);
  }
  assert.ok(!ocpi.name.includes(tokenC) && !ocpi.name.includes(tokenA));
});
