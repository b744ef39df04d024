// The sync state shown on each card's and station's row (sync.states) against a SteVe stand-in over real
// HTTP: done only once SteVe answered, waiting with the reason of the last attempt, by hand for a
// station SteVe's API cannot take, and waiting again as soon as the card changes after it was sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueStation } from '../../main/csms/outbox.ts';
import { callOk, testCore } from '../support/core.ts';
import { startSteveServer } from '../support/steve-server.ts';

test('sync.states: each card and station at each CSMS, never more than was seen', async (t) => {
  const steve = await startSteveServer(t, { password: 'steve-api-secret' });
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  const card = await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  assert.deepEqual(await callOk(core, 'sync.states', { cards: ['04A1B2C3'] }), [], 'no CSMS, no state');
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
    timeoutS: 2,
  });
  queueStation(
    core.store,
    {
      identity: 'WB-0007',
      ocppVersion: '1.6',
      securityProfile: 1,
      siteName: null,
      vendor: null,
      model: null,
      serialNumber: null,
      firmwareVersion: null,
      connectors: null,
      maxCurrentA: null,
    },
    null,
  );
  const before = await callOk(core, 'sync.states', { cards: ['04a1b2c3'], stations: ['WB-0007'] });
  assert.deepEqual(
    before.map((s) => [s.what, s.key, s.csms, s.state, s.error]),
    [
      ['card', '04A1B2C3', 'company', 'pending', null],
      ['station', 'WB-0007', 'company', 'pending', null],
    ],
  );

  // SteVe refuses the credentials: the card waits, with why.
  steve.setPassword('rotated');
  await callOk(core, 'sync.run', { connector: 'company', maxWaitS: 0 });
  const [refused] = await callOk(core, 'sync.states', { cards: ['04A1B2C3'] });
  assert.equal(refused?.state, 'pending');
  assert.equal(refused?.error?.code, 'CSMS_AUTH_FAILED');

  steve.setPassword('steve-api-secret');
  await callOk(core, 'sync.run', { connector: 'company', maxWaitS: 0 });
  const after = await callOk(core, 'sync.states', { cards: ['04A1B2C3'], stations: ['WB-0007'] });
  const done = after.find((s) => s.what === 'card');
  assert.equal(done?.state, 'done');
  assert.equal(done?.handedOverByFile, false);
  assert.ok(
    steve.writes.some((w) => w.idTag === '04A1B2C3'),
    'done only after SteVe took it',
  );
  assert.equal(after.find((s) => s.what === 'station')?.state, 'manual');

  // The card is deleted here: its revocation waits; the row no longer says "done".
  await callOk(core, 'cards.delete', { id: card.card.id });
  const [revoking] = await callOk(core, 'sync.states', { cards: ['04A1B2C3'] });
  assert.equal(revoking?.state, 'pending');
});
