// Trace frames on a connection of their own (store/trace-writer.ts): committed at once without waiting for
// the disk while the store's other writes keep flushing every commit, on disk within a second, before the
// trace shows them and at close, in order per box, and another writer holding the file does not stall the
// tool. Real SQLite files; a second connection in this process stands for another process (SQLite's locks
// are the same).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Logger } from '../../main/log/logger.ts';
import { TraceRecorder } from '../../main/ocpp/trace.ts';
import { openStore, type Store } from '../../main/store/database.ts';
import type { TraceRow } from '../../main/store/trace-writer.ts';
import { tempDir } from '../support/temp.ts';

const FULL = 2;

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

const stored = (reader: Database.Database, identity: string) =>
  reader.prepare('SELECT COUNT(*) AS n FROM trace_frames WHERE identity = ?').get(identity) as { n: number };

test('trace frames are committed at once and on disk within a second; the store keeps flushing its own writes', async (t) => {
  const { file, store, reader } = storeWithReader(t);
  const trace = new TraceRecorder(store);
  const marker = 'relaxed-frame-7f3a';
  trace.frame('WB-SOON', 'in', `[2,"m-1","DataTransfer",{"vendorId":"X","data":"${marker}"}]`);
  // A run step written in the same moment is committed with its disk flush, as every other write.
  assert.equal(await store.writeGrouped(() => store.db.pragma('synchronous', { simple: true })), FULL);
  // Committed on the recorder's timer: another connection reads it.
  await eventually(() => stored(reader, 'WB-SOON').n === 1, 'the frame is committed');
  // On disk within a second, with no other write to flush it: checkpointed into the database file.
  await eventually(() => inDatabaseFile(file, marker), 'the frame reaches the database file');
  assert.equal(
    store.write(() => store.db.pragma('synchronous', { simple: true })),
    FULL,
  );
});

test('the trace shows stored frames only once they are on disk', async (t) => {
  const { file, store, reader } = storeWithReader(t);
  const trace = new TraceRecorder(store);
  const marker = 'frame-marker-5c1e';
  trace.frame('WB-DISK', 'in', `[2,"m-1","DataTransfer",{"vendorId":"X","data":"${marker}"}]`);
  // Stored on the recorder's timer without the disk flush: committed, not yet in the database file.
  await eventually(() => stored(reader, 'WB-DISK').n === 1, 'the frame is committed');
  const shown = trace.list({ identity: 'WB-DISK', limit: 10 });
  assert.equal(shown.length, 1);
  assert.ok(inDatabaseFile(file, marker), 'on disk before it was shown');
});

test('frames read back exactly as recorded, in order per box, right after they were recorded', (t) => {
  const store = openStore(join(tempDir(t), 'commissioner.db'));
  t.after(() => store.close());
  const trace = new TraceRecorder(store);
  const recorded = [
    trace.frame('WB-A', 'in', '[2,"a-1","BootNotification",{"reason":"PowerUp"}]', 'box'),
    trace.frame('WB-B', 'out', '[2,"b-1","Reset",{"type":"Immediate"}]'),
    trace.frame('WB-A', 'out', '[3,"a-1",{"status":"Accepted"}]', 'csms'),
    trace.event('WB-B', 'disconnected', { code: 1006 }),
    trace.record('WB-A', 'in', 'serial-line', { line: '$OK 1' }),
    trace.frame('WB-B', 'in', '[3,"b-1",{"status":"Accepted"}]'),
  ];
  // No wait for the recorder's timer: listing is the barrier that stores what was recorded before it.
  for (const identity of ['WB-A', 'WB-B']) {
    const listed = trace.list({ identity, limit: 10 }).map(({ id, ...frame }) => frame);
    assert.deepEqual(
      listed,
      recorded.filter((f) => f.identity === identity),
    );
  }
});

test('batches of every size are stored row for row in their order; a batch with a bad row is not stored', (t) => {
  const store = openStore(join(tempDir(t), 'commissioner.db'));
  t.after(() => store.close());
  const writer = store.trace();
  const expected: TraceRow[] = [];
  let n = 0;
  const row = (): TraceRow => {
    n++;
    return {
      at: `2026-12-06T14:00:${String(n % 60).padStart(2, '0')}.000Z`,
      identity: `WB-${n % 3}`,
      direction: n % 2 ? 'in' : 'out',
      kind: n % 2 ? 'result' : 'call',
      action: n % 5 ? 'Heartbeat' : null,
      messageId: n % 7 ? `m-${n}` : null,
      frame: `[2,"m-${n}","Heartbeat",{"n":"${'é'.repeat(n % 9)}"}]`,
      ...(n % 4 ? { side: ['box', 'csms', 'tool'][n % 3] } : {}),
    };
  };
  // Sizes around the rows one insert takes at a time (16, 4, 1) and their sums.
  for (const size of [1, 2, 3, 4, 5, 15, 16, 17, 20, 21, 33, 37, 64, 70]) {
    const batch = Array.from({ length: size }, row);
    writer.append(batch, { wait: false });
    expected.push(...batch);
  }
  // A batch whose 30th row breaks a constraint (no such side): none of its rows is kept, and it says so.
  const bad = Array.from({ length: 37 }, row);
  bad[29] = { ...(bad[29] as TraceRow), side: 'nobody' };
  assert.throws(() => writer.append(bad, { wait: false }), /CHECK constraint failed/);
  // The next batch is stored after it, as usual.
  const after = [row()];
  writer.append(after);
  expected.push(...after);
  const rows = store.db
    .prepare(
      'SELECT at, identity, direction, kind, action, message_id, frame, side FROM trace_frames ORDER BY id',
    )
    .all() as Array<Record<string, string | null>>;
  assert.deepEqual(
    rows,
    expected.map((r) => ({
      at: r.at,
      identity: r.identity,
      direction: r.direction,
      kind: r.kind,
      action: r.action,
      message_id: r.messageId,
      frame: r.frame,
      side: r.side ?? null,
    })),
  );
});

test('closing the store puts the trace in the database file and closes the trace connection too', (t) => {
  const file = join(tempDir(t), 'commissioner.db');
  const store = openStore(file);
  const trace = new TraceRecorder(store);
  const marker = 'closing-frame-91b0';
  trace.frame('WB-CLOSE', 'in', `[2,"m-1","DataTransfer",{"vendorId":"X","data":"${marker}"}]`);
  trace.list({ identity: 'WB-CLOSE', limit: 1 });
  trace.frame('WB-CLOSE', 'in', '[2,"m-2","Heartbeat",{}]');
  trace.close();
  store.close();
  // The last connection to close removes the WAL: none of the store's two was left open.
  assert.equal(existsSync(`${file}-wal`), false);
  assert.ok(inDatabaseFile(file, marker));
  const reopened = new Database(file, { readonly: true });
  t.after(() => reopened.close());
  assert.equal(stored(reopened, 'WB-CLOSE').n, 2);
});

test('another writer holding the file does not stall the tool: frames wait in order and are stored after it', {
  timeout: 45_000,
}, async (t) => {
  const { file, store, reader } = storeWithReader(t);
  const lines: string[] = [];
  const log: Logger = { log: (_level, message) => lines.push(message) };
  const trace = new TraceRecorder(store, { log });
  const other = new Database(file);
  t.after(() => other.close());
  other.prepare('BEGIN IMMEDIATE').run();
  for (let i = 1; i <= 3; i++) trace.frame('WB-BUSY', 'in', `[2,"m-${i}","Heartbeat",{}]`);
  // The recorder's try found the file held, kept its frames and said so, and this test got its turn back.
  await eventually(() => lines.includes('trace frames not stored yet'), 'the log says the frames wait');
  trace.frame('WB-BUSY', 'in', '[2,"m-4","Heartbeat",{}]');
  assert.equal(stored(reader, 'WB-BUSY').n, 0);
  other.prepare('COMMIT').run();
  await eventually(() => stored(reader, 'WB-BUSY').n === 4, 'the waiting frames are stored');
  assert.deepEqual(
    trace.list({ identity: 'WB-BUSY', limit: 10 }).map((f) => f.messageId),
    ['m-1', 'm-2', 'm-3', 'm-4'],
  );
});

test('listing the trace inside a write of the store stores the frames with that write', {
  timeout: 45_000,
}, (t) => {
  const { store, reader } = storeWithReader(t);
  const trace = new TraceRecorder(store);
  trace.frame('WB-INSIDE', 'in', '[2,"m-1","Heartbeat",{}]');
  const listed = store.write(() => trace.list({ identity: 'WB-INSIDE', limit: 10 }).length);
  assert.equal(listed, 1);
  assert.equal(stored(reader, 'WB-INSIDE').n, 1);
});
