// The MaEVe connector against MaEVe's manager API over real HTTP on loopback: a box registered with the
// SHA-256 of its password (never the password itself), its password rotated, cards set, revoked and listed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { errorText } from '../../locales/translate.ts';
import { AppError } from '../../main/api/errors.ts';
import type { StationRecord, TokenRecord } from '../../main/csms/connector.ts';
import { MaeveConnector } from '../../main/csms/maeve/connector.ts';
import { startMaeveServer } from '../support/maeve-server.ts';

const signal = () => AbortSignal.timeout(20_000);
const PASSWORD = 'Xk7*pQ2-vL9=mN4:rT6|';

function station(extra: Partial<StationRecord> = {}): StationRecord {
  return {
    identity: 'WB-0001',
    ocppVersion: '2.0.1',
    securityProfile: 2,
    password: PASSWORD,
    siteName: 'Car park A',
    vendor: 'Example',
    model: 'Box 11',
    serialNumber: 'SN1',
    firmwareVersion: '1.0',
    connectors: 1,
    maxCurrentA: 16,
    ...extra,
  };
}

function card(uid: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    uid,
    idTag: uid,
    groupIdTag: 'STAFF',
    validUntil: null,
    label: `Card ${uid}`,
    owner: null,
    valid: true,
    ...extra,
  };
}

async function setup(
  t: TestContext,
  party = { countryCode: 'DE', partyId: 'WBC', issuer: 'Example Car Park' },
) {
  const maeve = await startMaeveServer();
  t.after(() => maeve.close());
  return { maeve, connector: new MaeveConnector({ baseUrl: maeve.baseUrl, emsp: party, timeoutMs: 3000 }) };
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

test('a box is registered with its profile and the base64 SHA-256 of its password, never the password', async (t) => {
  const { maeve, connector } = await setup(t);
  await connector.registerStation(station(), signal());
  const expected = createHash('sha256').update(PASSWORD).digest('base64');
  assert.deepEqual(maeve.stations.get('WB-0001'), {
    securityProfile: 1, // OCPP profile 2 (basic auth over TLS) is MaEVe's 1
    base64SHA256Password: expected,
    invalidUsernameAllowed: false,
  });
  assert.ok(!JSON.stringify(maeve.log).includes(PASSWORD), 'the password is not in the server log');
  assert.deepEqual(
    maeve.log.map((l) => `${l.method} ${l.path}`),
    ['POST /api/v0/cs/WB-0001'],
  );
});

test("a new password replaces the hash and keeps the box's profile; an unknown box is refused", async (t) => {
  const { maeve, connector } = await setup(t);
  await connector.registerStation(station({ securityProfile: 1 }), signal());
  await connector.setStationPassword('WB-0001', 'another-password-123456', signal());
  assert.deepEqual(maeve.stations.get('WB-0001'), {
    securityProfile: 0,
    base64SHA256Password: createHash('sha256').update('another-password-123456').digest('base64'),
    invalidUsernameAllowed: false,
  });
  const unknown = await failure(connector.setStationPassword('WB-0404', PASSWORD, signal()));
  assert.equal(unknown.code, 'CSMS_REJECTED');
  assert.ok(!JSON.stringify(maeve.log).includes(PASSWORD));
});

test('profile 0 has no MaEVe equivalent; a basic-auth profile without a password is refused before sending', async (t) => {
  const { maeve, connector } = await setup(t);
  const open = await failure(connector.registerStation(station({ securityProfile: 0 }), signal()));
  assert.equal(open.code, 'CSMS_PROFILE_UNSUPPORTED');
  const noPassword = await failure(connector.registerStation(station({ password: null }), signal()));
  assert.equal(noPassword.code, 'CSMS_REJECTED');
  await connector.registerStation(station({ securityProfile: 3, password: null }), signal());
  assert.deepEqual(maeve.stations.get('WB-0001'), { securityProfile: 2, invalidUsernameAllowed: false });
  assert.equal(maeve.log.length, 1);
});

test('cards are set, revoked with valid=false, read back and listed across pages', async (t) => {
  const { maeve, connector } = await setup(t);
  await connector.upsertToken(card('04A1B2C3'), signal());
  const held = maeve.tokens.get('04A1B2C3');
  assert.equal(held?.contractId, 'DEWBC004A1B2C3');
  assert.equal(held?.groupId, 'STAFF');
  assert.equal(held?.cacheMode, 'ALWAYS');
  assert.equal(held?.valid, true);

  await connector.revokeToken(card('04A1B2C3', { valid: false }), signal());
  assert.equal(maeve.tokens.get('04A1B2C3')?.valid, false);
  assert.equal(maeve.tokens.size, 1);

  const remote = await connector.getToken('04A1B2C3', signal());
  assert.equal(remote?.valid, false);
  assert.equal(remote?.groupIdTag, 'STAFF');
  assert.equal(remote?.label, 'Card 04A1B2C3');
  assert.equal(await connector.getToken('04000000', signal()), null);

  // A 7-byte UID gets a hashed eMAID that MaEVe accepts too.
  await connector.upsertToken(card('04112233445566'), signal());
  assert.match(String(maeve.tokens.get('04112233445566')?.contractId), /^DEWBCH[0-9A-Z]{8}$/);

  for (let i = 0; i < 148; i++) {
    await connector.upsertToken(card(`05${i.toString(16).toUpperCase().padStart(6, '0')}`), signal());
  }
  const listed: string[] = [];
  for await (const token of connector.listTokens(signal())) listed.push(token.idTag);
  assert.equal(listed.length, 150);
  assert.equal(new Set(listed).size, 150);
  assert.deepEqual(
    maeve.log.filter((l) => l.method === 'GET' && l.path.startsWith('/api/v0/token?')).map((l) => l.path),
    ['/api/v0/token?offset=0&limit=100', '/api/v0/token?offset=100&limit=100'],
  );
});

test("MaEVe's 400 is a refusal with its error text; 500, 429 and a long uid each get their code", async (t) => {
  const { maeve, connector } = await setup(t, { countryCode: 'DEU', partyId: 'WBC', issuer: 'X' });
  const refused = await failure(connector.upsertToken(card('04A1B2C3'), signal()));
  assert.equal(refused.code, 'CSMS_REJECTED');
  assert.match(String(refused.params.detail), /HTTP 400: countryCode/);

  maeve.failNext(500, 'failed to set charge station auth');
  const down = await failure(connector.registerStation(station(), signal()));
  assert.equal(down.code, 'CSMS_UNREACHABLE');

  maeve.failNext(429, undefined, { 'retry-after': '3' });
  const slow = await failure(connector.getToken('04A1B2C3', signal()));
  assert.equal(slow.code, 'CSMS_RATE_LIMITED');
  assert.equal(slow.params.retryAfterS, 3);

  const long = await failure(connector.upsertToken(card('0'.repeat(37)), signal()));
  assert.equal(long.code, 'CSMS_REJECTED');

  for (const error of [refused, down, slow, long]) {
    for (const lang of ['en', 'de'] as const) {
      const text = JSON.stringify([errorText(lang, error.code, error.params), error.params, error.message]);
      assert.ok(!text.includes(PASSWORD));
    }
  }
});

test('MaEVe cannot tell whether a box is connected: no station.status, and the manual step says so', async (t) => {
  const { connector } = await setup(t);
  assert.equal(connector.capabilities.has('station.status'), false);
  assert.equal('stationStatus' in connector, false);
  assert.deepEqual(
    connector
      .manualSteps({ identity: 'WB-0001', securityProfile: 2 })
      .map((s) => `${s.capability} ${s.messageKey}`),
    ['station.status sync.manual.maeve.status'],
  );
  const checks = await connector.testConnection(signal());
  assert.deepEqual(
    checks.map((c) => `${c.step}:${c.ok}`),
    ['url:true', 'dns:true', 'tcp:true', 'auth:true', 'api-version:true'],
  );
});

test('the connection test says when the address is not the manager API or nothing listens there', async (t) => {
  const { maeve } = await setup(t);
  const emsp = { countryCode: 'DE', partyId: 'WBC', issuer: 'X' };
  const wrongPath = new MaeveConnector({ baseUrl: maeve.baseUrl.replace('/api/v0', ''), emsp });
  const checks = await wrongPath.testConnection(signal());
  assert.equal(checks.at(-1)?.step, 'api-version');
  assert.equal(checks.at(-1)?.errorCode, 'CSMS_BAD_ANSWER');
  assert.match(checks.at(-1)?.detail ?? '', /no manager API/);

  const port = new URL(maeve.baseUrl).port;
  await maeve.close();
  const gone = new MaeveConnector({ baseUrl: `http://127.0.0.1:${port}/api/v0`, emsp });
  const goneChecks = await gone.testConnection(signal());
  assert.deepEqual(goneChecks.at(-1), {
    step: 'tcp',
    ok: false,
    detail: `127.0.0.1:${port}: ECONNREFUSED`,
    errorCode: 'CSMS_UNREACHABLE',
  });
  const call = await failure(gone.getToken('04A1B2C3', signal()));
  assert.equal(call.code, 'CSMS_UNREACHABLE');
  assert.equal(call.params.reason, 'ECONNREFUSED');
});
