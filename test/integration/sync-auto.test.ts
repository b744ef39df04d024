// Offline first: once the folder's core runs for long (desktop, serve, csms listen), the outbox goes to the
// company CSMS by itself, and again after the CSMS was down; a SteVe stand-in over real HTTP on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callOk, testCore } from '../support/core.ts';
import { startSteveServer } from '../support/steve-server.ts';
import { until } from '../support/until.ts';

test('cards enrolled while the core runs reach the company CSMS without anyone running the sync', async (t) => {
  const steve = await startSteveServer(t);
  const core = testCore(t, { autoSyncMs: 100 });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  core.startAutoSync();
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  await until(() => steve.writes.some((w) => w.idTag === '04A1B2C3'), 20_000);
  // Without startAutoSync nothing is sent: a one-off `wbc` command never syncs behind the user's back.
  const quiet = await startSteveServer(t);
  const other = testCore(t, { autoSyncMs: 100 });
  await callOk(other, 'sync.add', {
    kind: 'steve',
    name: 'q',
    baseUrl: quiet.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  const g2 = await callOk(other, 'groups.create', { name: 'Fleet' });
  await callOk(other, 'cards.enroll', { uid: '04A1B2C4', groupId: g2.id });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(quiet.writes.length, 0);
});
