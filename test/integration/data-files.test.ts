// The data folder on a real disk: the database, its WAL, the logs and the exports are readable by their
// owner only, and a database path that is empty next to a vault key, or not a file, is refused typed.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { openStore } from '../../main/store/database.ts';
import { migrations } from '../../main/store/migrations.ts';
import { keyFilePath } from '../../main/store/vault-key.ts';
import { wbc } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

// The usual umask of a desktop session: without care, new files would be 0644 and folders 0755.
process.umask(0o022);

const mode = (path: string) => statSync(path).mode & 0o777;

test('a new data folder, its database, WAL, shared memory and log are for their owner only', async (t) => {
  const dir = join(tempDir(t), 'nested', 'data');
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  t.after(() => core.close());
  await callOk(core, 'sites.create', { name: 'Depot North' });
  core.log.log('info', 'a line for the log');
  const db = join(dir, 'commissioner.db');
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'logs')), 0o700);
  for (const file of [db, `${db}-wal`, `${db}-shm`, join(dir, 'logs', 'core.log'), keyFilePath(dir)]) {
    assert.equal(mode(file).toString(8), '600', file);
  }
});

test('files an older version left readable to others are tightened when the folder is opened', async (t) => {
  const dir = tempDir(t);
  const first = openCore({ dataDir: dir, defaultLanguage: 'en' });
  first.log.log('info', 'first run');
  await first.close();
  const db = join(dir, 'commissioner.db');
  chmodSync(db, 0o644);
  chmodSync(join(dir, 'logs'), 0o755);
  chmodSync(join(dir, 'logs', 'core.log'), 0o644);
  const second = openCore({ dataDir: dir, defaultLanguage: 'en' });
  t.after(() => second.close());
  assert.equal(mode(db), 0o600);
  assert.equal(mode(join(dir, 'logs')), 0o700);
  assert.equal(mode(join(dir, 'logs', 'core.log')), 0o600);
});

test('the copy kept before a migration is for its owner only', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  openStore(file, { migrations: migrations.slice(0, 1) }).close();
  openStore(file).close();
  const backups = readdirSync(join(file, '..')).filter((name) => name.endsWith('.bak'));
  assert.equal(backups.length, 1);
  assert.equal(mode(join(file, '..', backups[0] as string)), 0o600);
});

test('card and trace exports written with --out are 0600, also over an existing 0644 file', async (t) => {
  const dir = tempDir(t);
  const out = tempDir(t);
  const cards = join(out, 'cards.csv');
  const trace = join(out, 'trace.jsonl');
  writeFileSync(cards, 'old', { mode: 0o644 });
  writeFileSync(trace, 'old', { mode: 0o644 });
  const exported = await wbc(['cards', 'export', '--out', cards, '--data-dir', dir]);
  assert.equal(exported.code, 0, exported.stderr);
  const traced = await wbc(['trace', 'export', '--out', trace, '--data-dir', dir]);
  assert.equal(traced.code, 0, traced.stderr);
  assert.equal(mode(cards), 0o600);
  assert.equal(mode(trace), 0o600);
  const fresh = join(out, 'new.csv');
  assert.equal((await wbc(['cards', 'export', '--out', fresh, '--data-dir', dir])).code, 0);
  assert.equal(mode(fresh), 0o600);
});

test('an empty (0-byte) database next to a vault key is refused, typed, and left as it is', async (t) => {
  const dir = tempDir(t);
  await openCore({ dataDir: dir }).close();
  const db = join(dir, 'commissioner.db');
  writeFileSync(db, '');
  const run = await wbc(['info', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /STORE_EMPTY_BUT_KEYED/);
  assert.match(run.stderr, /is empty \(0 bytes\), but this data folder has a vault key/);
  assert.equal(statSync(db).size, 0);

  // Truly new (no key either): the empty file is set up as a new database.
  rmSync(keyFilePath(dir));
  const fresh = await wbc(['info', '--json', '--data-dir', dir]);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.ok(JSON.parse(fresh.stdout).schemaVersion > 0);
});

test('a database path that is a folder is refused as STORE_NOT_A_FILE, not INTERNAL', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'commissioner.db'));
  const run = await wbc(['info', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /STORE_NOT_A_FILE/);
  assert.doesNotMatch(run.stderr, /INTERNAL/);
});
