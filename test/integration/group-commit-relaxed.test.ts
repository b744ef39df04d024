// Writes that may wait for their disk flush (trace frames): a burst of only such writes commits without
// it, any other write in the burst keeps it; they are on disk within a second (a checkpoint puts them in
// the database file) and before the trace shows them. Real SQLite files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import { TraceRecorder } from '../../main/ocpp/trace.ts';
import { openStore, type Store } from '../../main/store/database.ts';
import { tempDir } from '../support/temp.ts';

const NORMAL = 1;
const FULL = 2;

/** The flush level SQLite will commit the running transaction with. */
const level = (store: Store) => store.db.pragma('synchronous', { simple: true }) as number;

/** Whether text is in the database file itself (not only in its WAL): put there by a checkpoint. */
const inDatabaseFile = (file: string, text: string) => readFileSync(file).includes(Buffer.from(text));

/** A store and a second connection that reads the same file, as another process would. */
function storeWithReader(t: TestContext): { file: string; store: Store; reader: Database.Database } {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  const reader = new Database(file, { readonly: true });
  t.after(() => {
    for (const connection of [reader, store]) connection.close();
  });
  return { file, store, reader };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`${what} within 10 s`);
}

test('a burst of relaxed writes only commits without the disk flush; one other write in it keeps the flush', async (t) => {
  const store = openStore(join(tempDir(t), 'commissioner.db'));
  t.after(() => store.close());
  const relaxed = await Promise.all(
    Array.from({ length: 3 }, () => store.writeGrouped(() => level(store), { durable: false })),
  );
  assert.deepEqual(relaxed, [NORMAL, NORMAL, NORMAL]);
  const mixed = await Promise.all([
    store.writeGrouped(() => level(store), { durable: false }),
    store.writeGrouped(() => level(store)),
  ]);
  assert.deepEqual(mixed, [FULL, FULL]);
  // The connection is back to flushing every other commit.
  assert.equal(
    store.write(() => level(store)),
    FULL,
  );
  assert.equal(await store.writeGrouped(() => level(store)), FULL);
});

test('relaxed writes are acknowledged once committed and are on disk within a second', async (t) => {
  const { file, store, reader } = storeWithReader(t);
  const marker = 'Relaxed-site-7f3a';
  await store.writeGrouped(
    () =>
      store.db
        .prepare("INSERT INTO sites (name, created_at, updated_at) VALUES (?, 'now', 'now')")
        .run(marker),
    { durable: false },
  );
  // Committed: another connection reads it at once.
  assert.ok(reader.prepare('SELECT 1 FROM sites WHERE name = ?').get(marker));
  // On disk within a second, with no other write to flush it: checkpointed into the database file.
  await eventually(() => inDatabaseFile(file, marker), 'the relaxed write reaches the database file');
});

test('the trace shows stored frames only once they are on disk', async (t) => {
  const { file, store, reader } = storeWithReader(t);
  const trace = new TraceRecorder(store);
  const marker = 'frame-marker-5c1e';
  trace.frame('WB-DISK', 'in', `[2,"m-1","DataTransfer",{"vendorId":"X","data":"${marker}"}]`);
  // Stored on the recorder's timer, as a relaxed write: committed, not yet flushed to the disk.
  await eventually(
    () => reader.prepare("SELECT 1 FROM trace_frames WHERE identity = 'WB-DISK'").get() !== undefined,
    'the frame is committed',
  );
  const shown = trace.list({ identity: 'WB-DISK', limit: 10 });
  assert.equal(shown.length, 1);
  assert.ok(inDatabaseFile(file, marker), 'on disk before it was shown');
});
