// Group commit on real SQLite files: the writes of one burst share one transaction (one commit record in
// the WAL, one disk flush), each is acknowledged only once that commit is on disk (another connection
// sees it), one failing write is undone alone, and an acknowledged write survives kill -9.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openCore } from '../../main/core.ts';
import { openStore } from '../../main/store/database.ts';
import { tempDir } from '../support/temp.ts';

/** Commit records in the WAL file: frames whose header carries the database size after a commit. */
function walCommits(file: string): number {
  let wal: Buffer;
  try {
    wal = readFileSync(`${file}-wal`);
  } catch {
    return 0;
  }
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    // Frames of an earlier generation (before a checkpoint reset the WAL) carry other salts.
    if (wal.readUInt32BE(at + 8) !== salt[0] || wal.readUInt32BE(at + 12) !== salt[1]) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

const insertSite = (db: Database.Database, name: string) =>
  Number(
    db.prepare("INSERT INTO sites (name, created_at, updated_at) VALUES (?, 'now', 'now')").run(name)
      .lastInsertRowid,
  );

test('the writes of one burst are committed in one transaction, and each is acknowledged only after it', async (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  const reader = new Database(file, { readonly: true });
  t.after(() => {
    reader.close();
    store.close();
  });
  const seen = (name: string) => reader.prepare('SELECT 1 FROM sites WHERE name = ?').get(name) !== undefined;
  const before = walCommits(file);
  const writes = Array.from({ length: 20 }, (_, i) =>
    store
      .writeGrouped(() => insertSite(store.db, `Burst ${i}`))
      .then((id) => {
        // Acknowledged: another connection reads it from the file at this moment.
        assert.ok(seen(`Burst ${i}`), `write ${i} acknowledged before it was committed`);
        return id;
      }),
  );
  // Still this turn of the event loop: nothing of the burst is committed yet.
  assert.equal(seen('Burst 0'), false);
  const ids = await Promise.all(writes);
  assert.equal(new Set(ids).size, 20);
  assert.equal(walCommits(file) - before, 1, 'one commit for the whole burst');

  // Written one by one (each awaited), the same writes are a commit each.
  const alone = walCommits(file);
  for (let i = 0; i < 3; i++) await store.writeGrouped(() => insertSite(store.db, `Alone ${i}`));
  assert.equal(walCommits(file) - alone, 3);
});

test('a write of the burst that fails is undone alone; the others are committed', async (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  t.after(() => store.close());
  const results = await Promise.allSettled([
    store.writeGrouped(() => insertSite(store.db, 'First')),
    store.writeGrouped(() => {
      insertSite(store.db, 'Half done');
      throw new Error('refused halfway');
    }),
    store.writeGrouped(() => insertSite(store.db, 'Third')),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const names = (store.db.prepare('SELECT name FROM sites ORDER BY id').all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
  assert.deepEqual(names, ['First', 'Third']);
});

test('a write made while a burst is queued commits the queued writes first, in order', async (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  t.after(() => store.close());
  const queued = store.writeGrouped(() => insertSite(store.db, 'Queued'));
  const direct = store.write(() => insertSite(store.db, 'Direct'));
  assert.equal(await queued, direct - 1);
  // A direct write that fails leaves the queued ones committed.
  const second = store.writeGrouped(() => insertSite(store.db, 'Queued again'));
  assert.throws(() =>
    store.write(() => {
      insertSite(store.db, 'Undone');
      throw new Error('no');
    }),
  );
  await second;
  const names = (store.db.prepare('SELECT name FROM sites ORDER BY id').all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
  assert.deepEqual(names, ['Queued', 'Direct', 'Queued again']);
});

test('killing the process between bursts loses no acknowledged write of a group commit', async (t) => {
  const dir = tempDir(t);
  const writer = fileURLToPath(new URL('../support/crash-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, 'grouped'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acknowledged: number[] = [];
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) acknowledged.push(Number(line));
      if (acknowledged.length >= 500 && !child.killed) child.kill('SIGKILL');
    });
  });
  assert.equal(child.signalCode, 'SIGKILL');
  assert.ok(acknowledged.length >= 500);

  const core = openCore({ dataDir: dir });
  t.after(() => core.close());
  assert.equal(core.store.db.pragma('integrity_check', { simple: true }), 'ok');
  const ids = new Set(
    (core.store.db.prepare('SELECT id FROM sites').all() as Array<{ id: number }>).map((r) => r.id),
  );
  assert.deepEqual(
    acknowledged.filter((id) => !ids.has(id)),
    [],
  );
  const unaudited = core.store.db
    .prepare(
      "SELECT count(*) AS n FROM sites s WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'site' AND a.entity_id = CAST(s.id AS TEXT))",
    )
    .get() as { n: number };
  assert.equal(unaudited.n, 0, 'no site without its audit row');
});
