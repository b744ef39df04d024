// The store on real SQLite files: migrations from empty and from an older schema, damaged and
// newer-than-known files refused without a byte changed, and an audit row with every change.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { AppError } from '../../main/api/errors.ts';
import { openCore } from '../../main/core.ts';
import { openStore } from '../../main/store/database.ts';
import { latestSchemaVersion, migrations } from '../../main/store/migrations.ts';
import { resolveDataDir } from '../../main/store/paths.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function expectCode(fn: () => unknown, code: string): AppError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('a new database gets the latest schema, WAL and foreign keys', (t) => {
  const file = join(tempDir(t), 'db', 'commissioner.db');
  const store = openStore(file);
  t.after(() => store.close());
  assert.equal(store.schemaVersion, latestSchemaVersion);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(statSync(join(tempDir(t), '..')).isDirectory(), true);
});

test('a file that is not SQLite is refused as damaged and left exactly as it was', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  writeFileSync(file, 'this is a shopping list, not a database\n'.repeat(200));
  const before = digest(file);
  const error = expectCode(() => openStore(file), 'STORE_CORRUPT');
  assert.equal(error.params.file, file);
  assert.equal(digest(file), before);
  assert.equal(existsSync(`${file}-wal`), false);
});

test('a SQLite file with damaged pages is refused and left as it was', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  store.db.exec(
    "INSERT INTO sites (name, created_at, updated_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT 'site ' || i, 'x', 'x' FROM n",
  );
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  const bytes = readFileSync(file);
  bytes.fill(0xa5, 4096 * 3, 4096 * 3 + 2048);
  writeFileSync(file, bytes);
  const before = digest(file);
  expectCode(() => openStore(file), 'STORE_CORRUPT');
  assert.equal(digest(file), before);
});

test('a database from a newer version is refused with both versions named and left untouched', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const future = new Database(file);
  future.pragma(`user_version = ${latestSchemaVersion + 5}`);
  future.exec('CREATE TABLE from_the_future (x)');
  future.close();
  const before = digest(file);
  const error = expectCode(() => openStore(file), 'STORE_TOO_NEW');
  assert.equal(error.params.found, latestSchemaVersion + 5);
  assert.equal(error.params.known, latestSchemaVersion);
  assert.equal(digest(file), before);
});

test('the core refuses to start on a damaged database instead of starting over', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'commissioner.db'), Buffer.alloc(8192, 7));
  expectCode(() => openCore({ dataDir: dir }), 'STORE_CORRUPT');
});

test('an older schema is migrated forward after a backup copy, keeping its rows', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const old = openStore(file, { migrations: migrations.slice(0, 1) });
  old.db.prepare("INSERT INTO sites (name, created_at, updated_at) VALUES ('Depot', 'x', 'x')").run();
  old.close();
  const next = [
    ...migrations,
    { version: latestSchemaVersion + 1, name: 'test', sql: 'ALTER TABLE sites ADD COLUMN note TEXT' },
  ];
  const store = openStore(file, { migrations: next });
  t.after(() => store.close());
  assert.equal(store.schemaVersion, latestSchemaVersion + 1);
  assert.equal((store.db.prepare('SELECT name FROM sites').get() as { name: string }).name, 'Depot');
  // The copy is named for the first migration it precedes and holds the data as version 1 knew it.
  const backup = `${file}.before-v2.bak`;
  assert.ok(existsSync(backup), 'backup copy exists');
  const copy = new Database(backup, { readonly: true });
  assert.equal(copy.pragma('user_version', { simple: true }), 1);
  copy.close();
});

test('a migration that fails leaves the schema at the last good version', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  openStore(file).close();
  const broken = [
    ...migrations,
    {
      version: latestSchemaVersion + 1,
      name: 'broken',
      sql: 'CREATE TABLE x (a); SELECT nope FROM nowhere;',
    },
  ];
  expectCode(() => openStore(file, { migrations: broken }), 'STORE_UNAVAILABLE');
  const store = openStore(file);
  t.after(() => store.close());
  assert.equal(store.schemaVersion, latestSchemaVersion);
  const row = store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get() as {
    n: number;
  };
  assert.equal(row.n, 0);
});

test('every change writes an audit row with who, what, before and after', async (t) => {
  const core = testCore(t);
  const site = await callOk(core, 'sites.create', { name: 'Depot North', address: 'Hafenstr. 1' });
  await callOk(core, 'sites.rename', { id: site.id, name: 'Depot Nord' });
  await callOk(core, 'sites.delete', { id: site.id });
  const entries = await callOk(core, 'audit.list', { entity: 'site' });
  assert.deepEqual(
    entries.map((e) => e.action),
    ['site.delete', 'site.rename', 'site.create'],
  );
  const rename = entries[1];
  assert.ok(rename);
  assert.equal((rename.before as { name: string }).name, 'Depot North');
  assert.equal((rename.after as { name: string }).name, 'Depot Nord');
  assert.match(rename.actor, /@cli$/);
});

test('a name taken in another case is refused as ALREADY_EXISTS, and no audit row is written', async (t) => {
  const core = testCore(t);
  await callOk(core, 'groups.create', { name: 'Fleet' });
  const reply = await callRaw(core, 'groups.create', { name: 'FLEET' });
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'ALREADY_EXISTS');
  assert.equal((await callOk(core, 'audit.list', { entity: 'group' })).length, 1);
});

test('a group gets a tag that fits an OCPP 1.6 idTag', async (t) => {
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Parkhaus Süd – Mitarbeitende 2026' });
  assert.match(group.groupIdTag, /^[\x21-\x7e]{1,20}$/);
  const bad = await callRaw(core, 'groups.create', { name: 'Other', groupIdTag: 'has space' });
  assert.equal(bad.ok ? 'ok' : bad.error.code, 'VALIDATION_FAILED');
});

test('a site that still has boxes cannot be deleted', async (t) => {
  const core = testCore(t);
  const site = await callOk(core, 'sites.create', { name: 'Depot' });
  core.store.db
    .prepare("INSERT INTO stations (site_id, identity, created_at, updated_at) VALUES (?, 'WB-1', 'x', 'x')")
    .run(site.id);
  const reply = await callRaw(core, 'sites.delete', { id: site.id });
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'SITE_HAS_BOXES');
  assert.equal((await callOk(core, 'sites.list', {}))[0]?.stationCount, 1);
});

test('the data folder comes from the flag, then WBC_DATA_DIR, then the platform folder', () => {
  assert.equal(resolveDataDir({ flag: '/srv/a', env: { WBC_DATA_DIR: '/srv/b' } }), '/srv/a');
  assert.equal(resolveDataDir({ env: { WBC_DATA_DIR: '/srv/b' } }), '/srv/b');
  assert.equal(
    resolveDataDir({ env: { XDG_DATA_HOME: '/home/u/.data' }, platform: 'linux' }),
    '/home/u/.data/wallbox-commissioner',
  );
  assert.match(
    resolveDataDir({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32' }),
    /wallbox-commissioner$/,
  );
});
