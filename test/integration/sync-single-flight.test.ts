// Several commissioning runs of a fleet each send the company CSMS's outbox before their reset: against a
// SteVe stand-in over real HTTP, 20 sends asked for at once are one send in flight at the CSMS.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { runSync } from '../../main/csms/sync-service.ts';
import { callOk, testCore } from '../support/core.ts';
import { startSteveServer } from '../support/steve-server.ts';

const PASSWORD = 'steve-api-secret';

/** A SteVe stand-in set up as the company CSMS, with one card of group FLEET waiting for it. */
async function setup(t: TestContext) {
  const steve = await startSteveServer(t, { password: PASSWORD });
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id, label: 'Car 1' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
    concurrency: 4,
    timeoutS: 2,
  });
  return { steve, core, group };
}

test('20 sends to one CSMS at once: one send in flight, each card reaches the CSMS once', async (t) => {
  const { steve, core } = await setup(t);
  // Slow answers keep the first send in flight while the others ask.
  steve.setDelay(100);
  const sends = Array.from({ length: 20 }, () => runSync(core.store, core.vault, 'company', { maxWaitS: 0 }));
  const summaries = await Promise.all(sends);
  const lookups = steve.requests.filter((r) => r.method === 'GET' && r.path.includes('idTag=04A1B2C3'));
  assert.equal(lookups.length, 1, 'the card was looked up at the CSMS once, not by each send');
  assert.deepEqual(
    steve.writes.filter((w) => w.idTag === '04A1B2C3'),
    [{ method: 'POST', idTag: '04A1B2C3' }],
  );
  assert.equal(summaries[0]?.delivered, 1);
  assert.ok(summaries.every((s) => s.pending === 0 && s.failed === 0 && s.conflicts === 0));
  // What one send makes: the card and its group looked up, the group created, then the card.
  assert.deepEqual(
    steve.requests.map((r) => `${r.method} ${r.path}`),
    [
      'GET /steve/api/v1/ocppTags?idTag=04A1B2C3',
      'GET /steve/api/v1/ocppTags?idTag=FLEET',
      'POST /steve/api/v1/ocppTags',
      'POST /steve/api/v1/ocppTags',
    ],
  );
});

test('a run that gives up waiting leaves the shared send to the others; a card queued meanwhile follows', async (t) => {
  const { steve, core, group } = await setup(t);
  steve.setDelay(100);
  const cancelled = new AbortController();
  const first = runSync(core.store, core.vault, 'company', { maxWaitS: 0, signal: cancelled.signal });
  const second = runSync(core.store, core.vault, 'company', { maxWaitS: 0 });
  // Another run enrolls a card while the send is under way and asks for a send too.
  await callOk(core, 'cards.enroll', { uid: '04A1B2C4', groupId: group.id, label: 'Car 2' });
  const third = runSync(core.store, core.vault, 'company', { maxWaitS: 0 });
  cancelled.abort();
  await assert.rejects(first, { code: 'CANCELLED' });
  await Promise.all([second, third]);
  for (const uid of ['04A1B2C3', '04A1B2C4'])
    assert.deepEqual(
      steve.writes.filter((w) => w.idTag === uid),
      [{ method: 'POST', idTag: uid }],
      `${uid} created once`,
    );
  const status = await callOk(core, 'sync.status', { connector: 'company' });
  assert.equal(status[0]?.counts.done, 2);
});
