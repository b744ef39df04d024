// Listing runs by box reads that box's runs through the identity index, not the whole run history, and
// lists exactly what the former catch-all query listed. Real SQLite file, the shipped migrations.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { newFleetId, RunStore } from '../../main/commissioning/run-store.ts';
import { templateSchema } from '../../main/commissioning/template-schema.ts';
import { openStore, type Store } from '../../main/store/database.ts';
import { tempDir } from '../support/temp.ts';

const template = templateSchema.parse({
  name: 'Garage',
  csms: { url: 'wss://csms.example.com/ocpp', securityProfile: 0 },
  maxCurrentA: 20,
});

/** The query list() used before: one text for every filter, which no index can answer. */
const catchAll =
  'SELECT * FROM commissioning_runs WHERE (? IS NULL OR fleet_id = ?) AND (? IS NULL OR identity = ?) ORDER BY id DESC LIMIT ?';

function history(t: TestContext): { store: Store; runs: RunStore; fleets: string[] } {
  const store = openStore(join(tempDir(t), 'wbc.sqlite'));
  t.after(() => store.close());
  const runs = new RunStore(store);
  const fleets = [newFleetId(), newFleetId()];
  // Three boxes, runs interleaved across two fleets and single runs, so order and filters both matter.
  for (let i = 0; i < 30; i++)
    runs.create('test', `WB-${i % 3}`, template, 'auto', i % 5 === 0 ? null : (fleets[i % 2] ?? null));
  return { store, runs, fleets };
}

/** The SQL texts and parameters list() hands to SQLite, read from the real store's statements. */
function recordQueries(store: Store): string[] {
  const seen: string[] = [];
  const stmt = store.stmt.bind(store);
  (store as { stmt: Store['stmt'] }).stmt = (sql) => {
    seen.push(sql);
    return stmt(sql);
  };
  return seen;
}

test("a box's runs are found through the identity index, not by reading every run", (t) => {
  const { store, runs } = history(t);
  const seen = recordQueries(store);
  runs.list({ identity: 'WB-1', limit: 5 });
  const sql = seen.find((s) => s.includes('commissioning_runs'));
  assert.ok(sql, 'list() ran a query on commissioning_runs');
  const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('WB-1', 5) as Array<{ detail: string }>;
  const details = plan.map((p) => p.detail).join(' | ');
  assert.match(details, /USING (COVERING )?INDEX runs_identity \(identity=\?/, details);
  assert.doesNotMatch(details, /SCAN commissioning_runs/, details);
});

test('the split queries list exactly what the catch-all query listed, for every mix of filters', (t) => {
  const { store, runs, fleets } = history(t);
  const old = store.db.prepare(catchAll);
  const queries: Array<{ fleetId?: string; identity?: string; limit: number }> = [
    { limit: 100 },
    { limit: 7 },
    ...['WB-0', 'WB-1', 'WB-2', 'WB-none'].flatMap((identity) => [
      { identity, limit: 100 },
      { identity, limit: 2 },
      ...fleets.map((fleetId) => ({ identity, fleetId, limit: 100 })),
    ]),
    ...fleets.flatMap((fleetId) => [
      { fleetId, limit: 100 },
      { fleetId, limit: 3 },
    ]),
  ];
  for (const q of queries) {
    const expected = (
      old.all(
        q.fleetId ?? null,
        q.fleetId ?? null,
        q.identity ?? null,
        q.identity ?? null,
        q.limit,
      ) as Array<{
        id: number;
      }>
    ).map((r) => r.id);
    const listed = runs.list(q);
    assert.deepEqual(
      listed.map((r) => r.id),
      expected,
      JSON.stringify(q),
    );
    for (const r of listed) {
      if (q.identity) assert.equal(r.identity, q.identity);
      if (q.fleetId) assert.equal(r.fleetId, q.fleetId);
    }
  }
  // The filters do narrow: a box's runs are its own, newest first.
  const box = runs.list({ identity: 'WB-2', limit: 100 }).map((r) => r.id);
  assert.equal(box.length, 10);
  assert.deepEqual(
    box,
    [...box].sort((a, b) => b - a),
  );
});
