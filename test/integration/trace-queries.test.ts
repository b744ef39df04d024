// One box's trace (its page in the trace view, its export, its bound) is read through the identity index,
// not by reading every box's frames, and gives exactly what the former catch-all queries gave.
// Real SQLite file, the shipped migrations.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { TraceRecorder } from '../../main/ocpp/trace.ts';
import { openStore, type Store } from '../../main/store/database.ts';
import { tempDir } from '../support/temp.ts';

/** The queries used before: one text for one box or all, which no index can answer. */
const old = {
  list: 'SELECT * FROM trace_frames WHERE (? IS NULL OR identity = ?) AND id > ? ORDER BY id LIMIT ?',
  size: 'SELECT COALESCE(SUM(length(CAST(frame AS BLOB))), 0) AS n FROM trace_frames WHERE (? IS NULL OR identity = ?)',
  cutoff: `SELECT id FROM (SELECT id, SUM(length(CAST(frame AS BLOB))) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS kept
             FROM trace_frames WHERE (? IS NULL OR identity = ?)) WHERE kept > ? ORDER BY id DESC LIMIT 1`,
};

function openTrace(t: TestContext, limits = {}): { store: Store; trace: TraceRecorder } {
  const store = openStore(join(tempDir(t), 'wbc.sqlite'));
  t.after(() => store.close());
  return { store, trace: new TraceRecorder(store, { limits }) };
}

/** Frames of three boxes, interleaved, of different lengths, so order, filter and sums all matter; some
 *  in characters of 2, 3 and 4 UTF-8 bytes, so sizes are bytes, not characters. */
function fill(trace: TraceRecorder, n: number): void {
  for (let i = 0; i < n; i++) {
    const padding = (['x', 'é', '€', '😀'][i % 4] ?? 'x').repeat(((i * 37) % 300) / (1 + (i % 4)));
    trace.frame(`WB-${i % 3}`, i % 2 ? 'in' : 'out', `[2,"m-${i}","DataTransfer",{"data":"${padding}"}]`);
  }
  trace.flush();
}

/** Every SQL text given to SQLite on trace_frames while fn runs (store.stmt and db.prepare alike). */
function queriesDuring(store: Store, fn: () => void): string[] {
  const seen: string[] = [];
  const prepare = store.db.prepare.bind(store.db);
  const patched = store.db as { prepare: typeof prepare };
  patched.prepare = ((sql: string) => {
    if (sql.includes('trace_frames')) seen.push(sql);
    return prepare(sql);
  }) as typeof prepare;
  try {
    fn();
  } finally {
    patched.prepare = prepare;
  }
  return seen;
}

function plan(store: Store, sql: string, args: unknown[]): string {
  const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join(' | ');
}

test("a box's page of the trace is read through the identity index", (t) => {
  const { store, trace } = openTrace(t);
  fill(trace, 30);
  const seen = queriesDuring(store, () => trace.list({ identity: 'WB-1', afterId: 0, limit: 5 }));
  const sql = seen.find((s) => s.startsWith('SELECT * FROM trace_frames'));
  assert.ok(sql, 'list() ran a query on trace_frames');
  const details = plan(store, sql, ['WB-1', 0, 5]);
  assert.match(details, /SEARCH trace_frames USING (COVERING )?INDEX trace_identity \(identity=\?/, details);
  assert.doesNotMatch(details, /SCAN trace_frames/, details);
});

test('a box over its bound is measured and cut through the identity index', (t) => {
  // A bound of 2 KB per box: the frames below pass it, so the size, the cut-off and the delete all run.
  const { store, trace } = openTrace(t, { maxBoxBytes: 2_000 });
  fill(trace, 3);
  for (let i = 0; i < 30; i++)
    trace.frame('WB-BIG', 'in', `[2,"b-${i}","Heartbeat",{"p":"${'y'.repeat(200)}"}]`);
  const seen = queriesDuring(store, () => trace.flush());
  const forBox = seen.filter((s) => s.includes('identity = ?'));
  assert.equal(forBox.length, 3, seen.join('\n'));
  for (const sql of forBox) {
    const args = sql.startsWith('DELETE')
      ? ['WB-BIG', 10]
      : sql.includes('kept > ?')
        ? ['WB-BIG', 1800]
        : ['WB-BIG'];
    const details = plan(store, sql, args);
    assert.match(details, /USING (COVERING )?INDEX trace_identity \(identity=\?/, `${sql}\n${details}`);
    assert.doesNotMatch(details, /SCAN trace_frames/, `${sql}\n${details}`);
  }
  // The cut happened: the box is within its bound again, and said so in the trace.
  const left = store.db.prepare(old.size).get('WB-BIG', 'WB-BIG') as { n: number };
  assert.ok(left.n <= 2_000, `${left.n} bytes left`);
  assert.ok(trace.list({ identity: 'WB-BIG', limit: 100 }).some((f) => f.kind === 'pruned'));
});

test('a page of the trace is exactly what the catch-all query gave, for a box, all boxes and none', (t) => {
  const { store, trace } = openTrace(t);
  fill(trace, 60);
  const ids = (rows: Array<{ id?: number }>) => rows.map((r) => r.id);
  for (const identity of [undefined, 'WB-0', 'WB-2', 'WB-none']) {
    for (const [afterId, limit] of [
      [0, 1000],
      [0, 4],
      [17, 1000],
      [17, 3],
      [60, 10],
    ] as const) {
      const before = store.db.prepare(old.list).all(identity ?? null, identity ?? null, afterId, limit);
      assert.deepEqual(
        ids(trace.list({ identity, afterId, limit })),
        ids(before as Array<{ id: number }>),
        `${identity} after ${afterId} limit ${limit}`,
      );
    }
  }
});

test('the bound cuts exactly the frames the catch-all queries cut, per box and in total', (t) => {
  const limits = { maxBoxBytes: 2_000, maxTotalBytes: 4_000 };
  // The recorder cuts as it stores the frames.
  const cut = openTrace(t, limits);
  fill(cut.trace, 60);
  // The same frames kept whole, then cut the way the former queries did: each box, then the total.
  const whole = openTrace(t);
  fill(whole.trace, 60);
  const db = whole.store.db;
  const bytes = (identity: string | null) =>
    (db.prepare(old.size).get(identity, identity) as { n: number }).n;
  const cutTo = (identity: string | null, keep: number) => {
    const row = db.prepare(old.cutoff).get(identity, identity, keep) as { id: number } | undefined;
    if (row)
      db.prepare('DELETE FROM trace_frames WHERE (? IS NULL OR identity = ?) AND id <= ?').run(
        identity,
        identity,
        row.id,
      );
    return row !== undefined;
  };
  const cuts = ['WB-0', 'WB-1', 'WB-2'].map((identity) =>
    bytes(identity) > limits.maxBoxBytes ? cutTo(identity, Math.floor(limits.maxBoxBytes * 0.9)) : false,
  );
  const totalCut = bytes(null) > limits.maxTotalBytes && cutTo(null, Math.floor(limits.maxTotalBytes * 0.9));
  // Every box and the total were over their bounds, so every query of the bound ran.
  assert.deepEqual([...cuts, totalCut], [true, true, true, true]);
  const kept = (trace: TraceRecorder) =>
    trace
      .list({ limit: 1000 })
      .filter((f) => f.kind !== 'pruned')
      .map((f) => f.id);
  assert.deepEqual(kept(cut.trace), kept(whole.trace));
  assert.equal(cut.trace.list({ limit: 1000 }).filter((f) => f.kind === 'pruned').length, 4);
});
