// The sites list and the language are answered from their last read while the database is unchanged
// (main/store/unchanged-reads.ts): a change by this app, by a `wbc` command in another process or by a
// second connection to the same SQLite file shows at the very next call, never an old answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { wbc } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

const names = (sites: Array<{ name: string; stationCount: number }>) =>
  sites.map((s) => `${s.name}:${s.stationCount}`);

test('the sites list follows every change at once: this app’s, and a wbc command’s in another process', async (t) => {
  const dir = tempDir(t);
  const core = testCore(t, { dataDir: dir });
  await callOk(core, 'sites.create', { name: 'Depot' });
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:0']);
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:0'], 'asked again, the same');

  await callOk(core, 'sites.create', { name: 'Garage Nord' });
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:0', 'Garage Nord:0']);

  // A box booting writes its stations row outside the sites' own writes: its site's count follows.
  core.store.db
    .prepare(
      "INSERT INTO stations (identity, ocpp_version, created_at, updated_at) VALUES ('WB-1', '1.6', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    )
    .run();
  const [box] = await callOk(core, 'stations.list', {});
  assert.ok(box);
  const depot = (await callOk(core, 'sites.list', {})).find((s) => s.name === 'Depot');
  assert.ok(depot);
  await callOk(core, 'stations.assignSite', { stationIds: [box.id], siteId: depot.id });
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:1', 'Garage Nord:0']);

  const renamed = await wbc(['--data-dir', dir, 'sites', 'rename', 'Garage Nord', 'Garage Süd']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:1', 'Garage Süd:0']);

  // An answer handed out is shared by every caller, so none can change it for the next one: it is frozen
  // all the way down (main/store/shared-result.ts), and a caller that tries is stopped at once.
  const mine = await callOk(core, 'sites.list', {});
  assert.throws(() => {
    (mine[0] as { name: string }).name = 'Scribbled';
  }, TypeError);
  assert.throws(() => mine.pop(), TypeError);
  assert.deepEqual(names(await callOk(core, 'sites.list', {})), ['Depot:1', 'Garage Süd:0']);
});

test('errors are worded in the language just picked, here or by another connection to the same data', async (t) => {
  const dir = tempDir(t);
  const core = testCore(t, { dataDir: dir });
  const worded = async () => {
    const reply = await callRaw(core, 'sites.rename', { id: 999, name: 'Nowhere' });
    assert.equal(reply.ok, false);
    return reply.ok ? '' : reply.error.message;
  };
  const english = await worded();
  assert.equal(await worded(), english);

  await callOk(core, 'settings.set', { language: 'de' });
  const german = await worded();
  assert.notEqual(german, english);
  assert.equal((await callOk(core, 'settings.get', {})).language, 'de');

  const other = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    await callOk(other, 'settings.set', { language: 'en' });
  } finally {
    await other.close();
  }
  assert.equal(await worded(), english, 'the other connection’s choice counts at the next call');
  assert.equal((await callOk(core, 'settings.get', {})).language, 'en');
});
