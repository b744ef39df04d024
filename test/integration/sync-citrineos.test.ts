// The CitrineOS connector against a CitrineOS 1.8 stand-in over real HTTP: a station registered through
// GraphQL with its password through the REST data API, "online" as CitrineOS records it, cards upserted
// and blocked as Authorizations through the outbox, Hasura's errors as typed errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citrineosConnector } from '../../main/csms/citrineos.ts';
import { queueStation } from '../../main/csms/outbox.ts';
import { presenceOf } from '../../main/csms/presence.ts';
import { startCitrineServer } from '../support/citrineos-server.ts';
import { callOk, testCore } from '../support/core.ts';

const SECRET = 'hasura-admin-secret';
const signal = new AbortController().signal;

const station = {
  identity: 'WB-0001',
  ocppVersion: '2.0.1' as const,
  securityProfile: 1 as const,
  password: 'Box-Password-0001:abc',
  siteName: null,
  vendor: 'Acme',
  model: 'Wallbox 11',
  serialNumber: 'SN1',
  firmwareVersion: '1.2.3',
  connectors: 1,
  maxCurrentA: 16,
};

test('a station registered through GraphQL, its password through REST, online as CitrineOS records it', async (t) => {
  const server = await startCitrineServer(t, { adminSecret: SECRET });
  const connector = citrineosConnector({ name: 'citrine', baseUrl: server.url, adminSecret: SECRET });
  const presence = presenceOf(connector);
  assert.ok(presence);
  assert.equal(await presence.stationStatus('WB-0001', signal), null, 'not known to the CSMS');
  await connector.registerStation?.(station, signal);
  await connector.registerStation?.(station, signal);
  assert.equal(server.stations.size, 1);
  assert.equal(server.stations.get('WB-0001')?.protocol, 'ocpp2.0.1');
  assert.equal(server.passwords.get('WB-0001'), station.password);
  assert.deepEqual(await presence.stationStatus('WB-0001', signal), {
    connected: false,
    bootStatus: null,
    lastSeen: server.stations.get('WB-0001')?.updatedAt,
  });
  server.connect('WB-0001', 'Accepted');
  const seen = await presence.stationStatus('WB-0001', signal);
  assert.equal(seen?.connected, true);
  assert.equal(seen?.bootStatus, 'Accepted');
  // A password CitrineOS would refuse is refused before anything is sent.
  await assert.rejects(connector.setStationPassword?.('WB-0001', 'short', signal) ?? Promise.resolve(), {
    code: 'CSMS_REJECTED',
  });
  // The station must exist first: CitrineOS's 404 arrives as a typed refusal.
  await assert.rejects(
    connector.setStationPassword?.('WB-9999', station.password, signal) ?? Promise.resolve(),
    {
      code: 'CSMS_REJECTED',
    },
  );
});

test('a wrong Hasura admin secret is CSMS_AUTH_FAILED; an operation Hasura does not know is not taken for success', async (t) => {
  const server = await startCitrineServer(t, { adminSecret: SECRET });
  const wrong = citrineosConnector({ name: 'citrine', baseUrl: server.url, adminSecret: 'old' });
  await assert.rejects(wrong.getToken?.('04AA', signal) ?? Promise.resolve(), { code: 'CSMS_AUTH_FAILED' });
  const checks = await wrong.testConnection(signal);
  assert.deepEqual(checks.at(-1)?.errorCode, 'CSMS_AUTH_FAILED');
  const right = citrineosConnector({ name: 'citrine', baseUrl: server.url, adminSecret: SECRET });
  assert.ok((await right.testConnection(signal)).every((c) => c.ok));
});

test('cards reach CitrineOS as Authorizations through the outbox: group, validity, label; a deleted card is blocked', async (t) => {
  const server = await startCitrineServer(t, { adminSecret: SECRET });
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  const { card } = await callOk(core, 'cards.enroll', {
    uid: '04AABBCC',
    groupId: group.id,
    label: 'Van',
    validUntil: '2030-01-01T00:00:00.000Z',
  });
  await callOk(core, 'cards.enroll', { uid: '04AABBCD', groupId: group.id, label: 'Van 2' });
  await callOk(core, 'sync.add', {
    kind: 'citrineos',
    name: 'citrine',
    baseUrl: server.url,
    credential: SECRET,
  });
  const summary = await callOk(core, 'sync.run', { connector: 'citrine' });
  assert.equal(summary.delivered, 2);
  const rows = [...server.authorizations.values()];
  const fleet = rows.find((a) => a.idToken === 'FLEET');
  assert.equal(fleet?.idTokenType, 'Central');
  const van = rows.find((a) => a.idToken === '04AABBCC');
  assert.equal(van?.idTokenType, 'ISO14443');
  assert.equal(van?.status, 'Accepted');
  assert.equal(van?.groupAuthorizationId, fleet?.id);
  assert.equal(van?.cacheExpiryDateTime, '2030-01-01T00:00:00.000Z');
  assert.equal((van?.customData as { label?: string } | undefined)?.label, 'Van');
  assert.equal(rows.filter((a) => a.idToken === 'FLEET').length, 1);
  await callOk(core, 'cards.delete', { id: card.id });
  await callOk(core, 'sync.run', { connector: 'citrine' });
  assert.equal([...server.authorizations.values()].find((a) => a.idToken === '04AABBCC')?.status, 'Blocked');
  assert.equal(server.authorizations.size, 3, 'blocked, not deleted, and never twice');
});

test('a commissioned station queued in the outbox reaches CitrineOS with its password lent from the vault', async (t) => {
  const server = await startCitrineServer(t, { adminSecret: SECRET });
  const core = testCore(t);
  await callOk(core, 'sync.add', {
    kind: 'citrineos',
    name: 'citrine',
    baseUrl: server.url,
    credential: SECRET,
  });
  const secret = core.vault.put('test', 'ocpp-basic-auth', 'WB-0001', station.password);
  const { password: _password, ...record } = station;
  assert.equal(queueStation(core.store, record, secret.id), 1);
  assert.equal(queueStation(core.store, { ...record, firmwareVersion: '1.2.4' }, secret.id), 0, 'collapsed');
  const dry = await callOk(core, 'sync.dryRun', { connector: 'citrine' });
  assert.deepEqual(
    dry.map((d) => d.action),
    ['register'],
  );
  const summary = await callOk(core, 'sync.run', { connector: 'citrine' });
  assert.equal(summary.delivered, 1);
  assert.equal(server.stations.get('WB-0001')?.firmwareVersion, '1.2.4');
  assert.equal(server.passwords.get('WB-0001'), station.password);
  const rows = JSON.stringify(core.store.db.prepare('SELECT * FROM sync_outbox').all());
  assert.ok(!rows.includes(station.password), 'the password is never in the outbox');
});
