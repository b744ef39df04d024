// The outbox delivering N cards to a SteVe stand-in that answers every request after 50 ms, at the
// allowed concurrency, against the latency floor of that concurrency and against one-after-another.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCore } from '../main/core.ts';
import { startSteveServer } from '../test/support/steve-server.ts';
import { report } from './harness.ts';

const CARDS = Number(process.env.BENCH_SYNC_CARDS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SYNC_CONCURRENCY ?? 32);
/** One-after-another is measured on this many cards and scaled to CARDS (it would take too long whole). */
const SERIAL_SAMPLE = Number(process.env.BENCH_SYNC_SERIAL ?? 100);
const LATENCY_MS = 50;
/** A first push of a card: read it (conflict check) and create it. */
const REQUESTS_PER_CARD = 2;

async function syncSeconds(
  cards: number,
  concurrency: number,
): Promise<{ seconds: number; requests: number }> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-sync-'));
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    const steve = await startSteveServer(t, { password: 'bench-secret' });
    core.store.write(() => {
      const insert = core.store.db.prepare(
        "INSERT INTO cards (uid, source, label, created_at, updated_at) VALUES (?, 'import', ?, ?, ?)",
      );
      const now = new Date().toISOString();
      for (let i = 0; i < cards; i++) {
        const uid = Buffer.alloc(7);
        uid.writeUInt32BE(0x04000000 + i, 0);
        insert.run(uid, `Card ${i}`, now, now);
      }
    });
    const call = (method: string, params: unknown) =>
      core.router.call(method as never, params as never, core.context('cli'));
    const added = await call('sync.add', {
      kind: 'steve',
      name: 'bench',
      baseUrl: steve.url,
      user: 'api',
      credential: 'bench-secret',
      concurrency,
    });
    if (!added.ok) throw new Error(added.error.message);
    steve.setDelay(LATENCY_MS);
    const t0 = performance.now();
    const ran = await call('sync.run', { connector: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    if (!ran.ok) throw new Error(ran.error.message);
    const created = steve.writes.filter((w) => w.method === 'POST').length;
    if (created !== cards) throw new Error(`${created} of ${cards} cards created`);
    return { seconds, requests: steve.requests.length };
  } finally {
    await core.close();
    for (const fn of cleanups.reverse()) await fn();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const serial = await syncSeconds(SERIAL_SAMPLE, 1);
  const serialScaled = (serial.seconds / SERIAL_SAMPLE) * CARDS;
  const parallel = await syncSeconds(CARDS, CONCURRENCY);
  const floor = (CARDS * REQUESTS_PER_CARD * LATENCY_MS) / 1000 / CONCURRENCY;
  const one = (s: number) => ({ median: s, p90: s, p99: s, runs: 1 });
  report({
    name: `sync ${CARDS} cards at ${CONCURRENCY} in flight`,
    unit: 's',
    figure: one(parallel.seconds),
    floor: one(floor),
    floorName: `${REQUESTS_PER_CARD} requests x ${LATENCY_MS} ms / ${CONCURRENCY}`,
  });
  process.stdout.write(
    `sync vs one-after-another: ${parallel.seconds.toFixed(1)} s against ${serialScaled.toFixed(1)} s (${SERIAL_SAMPLE} cards one after another, scaled): ${(serialScaled / parallel.seconds).toFixed(1)}x faster; ${(parallel.requests / CARDS).toFixed(2)} requests per card\n`,
  );
}
