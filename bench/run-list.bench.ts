// Listing one box's newest runs (what every box checked at a fleet's start asks) for 200 boxes against a
// history of 20,000 runs: the split query through the identity index against the former catch-all query.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listSql, RunStore } from '../main/commissioning/run-store.ts';
import { openStore } from '../main/store/database.ts';
import { repeat, stats } from './harness.ts';

const RUNS_KEPT = Number(process.env.BENCH_RUN_HISTORY ?? 20_000);
const BOXES = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The text list() ran before: `? IS NULL OR` keeps SQLite from using any index, so it scans every run. */
const catchAll =
  'SELECT * FROM commissioning_runs WHERE (? IS NULL OR fleet_id = ?) AND (? IS NULL OR identity = ?) ORDER BY id DESC LIMIT ?';

/**
 * `spread`: the 200 boxes' own runs are spread over the whole history (the catch-all query finds their
 * newest five early when scanning from the newest). `new site`: the history is other sites' runs, and the
 * 200 boxes have one old run each at its start (a site commissioned once, long ago) - the catch-all query
 * reads every row to find it, which is what a fleet's start against a long history pays.
 */
async function scenario(name: string, owner: (i: number) => string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const store = openStore(join(dir, 'wbc.sqlite'));
  try {
    // The history, written in one transaction (how it got there is not what is measured).
    const insert = store.stmt(
      `INSERT INTO commissioning_runs (identity, fleet_id, template, status, step, approval, state, created_at, updated_at)
       VALUES (?, NULL, ?, 'failed', 'identify', 'auto', ?, ?, ?)`,
    );
    const template = JSON.stringify({ name: 'Garage', csms: { url: 'wss://csms.example.com/ocpp' } });
    const state = JSON.stringify({ steps: [], results: {}, verify: null });
    const now = new Date().toISOString();
    store.write(() => {
      for (let i = 0; i < RUNS_KEPT; i++) insert.run(owner(i), template, state, now, now);
    });
    const runs = new RunStore(store);
    const boxes = Array.from({ length: BOXES }, (_, i) => `WB-${i}`);
    const old = store.stmt(catchAll);
    const split = store.stmt(listSql({ identity: 'x', limit: 5 }));
    // Both give the same rows, or the comparison means nothing.
    for (const identity of boxes) {
      const a = (old.all(null, null, identity, identity, 5) as Array<{ id: number }>).map((r) => r.id);
      const b = runs.list({ identity, limit: 5 }).map((r) => r.id);
      if (a.length === 0 || JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`results differ for ${identity}`);
    }
    const time = (query: (identity: string) => unknown) => async () => {
      const t0 = performance.now();
      for (const identity of boxes) query(identity);
      return performance.now() - t0;
    };
    const before = stats(
      await repeat(
        RUNS,
        time((id) => old.all(null, null, id, id, 5)),
      ),
    );
    const after = stats(
      await repeat(
        RUNS,
        time((id) => split.all(id, 5)),
      ),
    );
    const whole = stats(
      await repeat(
        RUNS,
        time((id) => runs.list({ identity: id, limit: 5 })),
      ),
    );
    const f = (n: number) => n.toFixed(2);
    process.stdout.write(
      `run list for ${BOXES} boxes over ${RUNS_KEPT} runs (${name}): catch-all query median ${f(before.median)} ms (p90 ${f(before.p90)}), split query median ${f(after.median)} ms (p90 ${f(after.p90)}), RunStore.list whole median ${f(whole.median)} ms; catch-all / split ratio ${(before.median / after.median).toFixed(1)}x over ${RUNS} runs\n`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await scenario('spread', (i) => `WB-${i % BOXES}`);
  await scenario('new site', (i) => (i < BOXES ? `WB-${i}` : `OTHER-${i % 2000}`));
}
