// OCPI 2.2.1 and MaEVe set up as company CSMSs (`sync.add`) and fed by the outbox, against their test
// servers over real HTTP on loopback: the OCPI handshake's token C kept in the vault and used from then on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callOk, testCore } from '../support/core.ts';
import { startMaeveServer } from '../support/maeve-server.ts';
import { startOcpiServer } from '../support/ocpi-server.ts';

test('cards reach an OCPI 2.2.1 CPO through the outbox; token C from the handshake is kept and used from then on', async (t) => {
  const cpo = await startOcpiServer();
  t.after(() => cpo.close());
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  await callOk(core, 'sync.add', {
    kind: 'ocpi',
    name: 'cpo',
    baseUrl: cpo.versionsUrl,
    credential: cpo.tokenA,
    countryCode: 'DE',
    partyId: 'WBC',
  });
  const first = await callOk(core, 'sync.run', { connector: 'cpo' });
  assert.equal(first.delivered, 1, JSON.stringify(first));
  assert.ok(cpo.tokenC, 'the handshake was made');
  assert.equal(cpo.tokens.size, 1);
  const [token] = [...cpo.tokens.values()];
  assert.equal(token?.valid, true);
  assert.equal(token?.group_id, 'FLEET');
  // A second card after a restart of the connector: only token C is accepted by the CPO now.
  await callOk(core, 'cards.enroll', { uid: '04A1B2C4', groupId: group.id });
  const second = await callOk(core, 'sync.run', { connector: 'cpo' });
  assert.equal(second.delivered, 1, JSON.stringify(second));
  assert.equal(cpo.tokens.size, 2);
  const stored = JSON.stringify(core.store.db.prepare('SELECT * FROM connectors').all());
  assert.ok(!stored.includes(cpo.tokenC ?? '-'), 'token C only in the vault');
  const row = core.store.db.prepare('SELECT settings FROM connectors').get() as { settings: string };
  assert.equal((JSON.parse(row.settings) as { registered?: boolean }).registered, true);
});

test('cards reach MaEVe through the outbox', async (t) => {
  const maeve = await startMaeveServer();
  t.after(() => maeve.close());
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  await callOk(core, 'sync.add', {
    kind: 'maeve',
    name: 'maeve',
    baseUrl: maeve.baseUrl,
    countryCode: 'DE',
    partyId: 'WBC',
  });
  const summary = await callOk(core, 'sync.run', { connector: 'maeve' });
  assert.equal(summary.delivered, 1, JSON.stringify(summary));
  assert.equal(maeve.tokens.size, 1);
});
