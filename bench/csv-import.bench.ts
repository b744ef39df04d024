// A 100,000-row card list imported through the api (read, preview with every check, commit in one
// transaction) into a real SQLite file, against the floor of a bare parse plus one prepared INSERT loop.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { ImportCommitResult, ImportPreview } from '../main/cards/types.ts';
import { openCore } from '../main/core.ts';
import { migrations } from '../main/store/migrations.ts';
import { repeat, report, stats } from './harness.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** A list as a fleet manager's sheet has it: 7-byte UIDs, a name, an owner, one of 4 groups, some expiry dates. */
function generate(file: string): void {
  const lines = ['uid;label;owner;group;valid_until'];
  for (let i = 0; i < ROWS; i++) {
    const uid = `04${(0x100000 + i).toString(16).toUpperCase().padStart(6, '0')}A1B2C3`;
    const expiry = i % 3 === 0 ? `31.12.${2030 + (i % 5)}` : '';
    lines.push(`${uid};Card ${i};"Driver ${i}, Fleet";Group ${i % 4};${expiry}`);
  }
  writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`);
}

async function viaApi(file: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  const ctx = core.context('cli');
  for (let g = 0; g < 4; g++) await core.router.call('groups.create', { name: `Group ${g}` }, ctx);
  const t0 = performance.now();
  const csv = readFileSync(file, 'utf8');
  const preview = await core.router.call('cards.importPreview', { csv }, ctx);
  if (!preview.ok) throw new Error(preview.error.message);
  const t1 = performance.now();
  const commit = await core.router.call(
    'cards.importCommit',
    { token: (preview.result as ImportPreview).token },
    ctx,
  );
  const elapsed = performance.now() - t0;
  if (!commit.ok || (commit.result as ImportCommitResult).imported !== ROWS) {
    throw new Error(`import incomplete: ${JSON.stringify(commit).slice(0, 300)}`);
  }
  process.stdout.write(
    `  csv-import: preview ${(t1 - t0).toFixed(0)} ms, commit ${(elapsed - (t1 - t0)).toFixed(0)} ms\n`,
  );
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

/** The least any import must do: read and split the file, and insert each row with one prepared statement. */
function bare(file: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(migrations[0]?.sql ?? '');
  const now = new Date().toISOString();
  for (let g = 0; g < 4; g++) {
    db.prepare('INSERT INTO groups (name, group_id_tag, created_at, updated_at) VALUES (?, ?, ?, ?)').run(
      `Group ${g}`,
      `G${g}`,
      now,
      now,
    );
  }
  const t0 = performance.now();
  const lines = readFileSync(file, 'utf8').split('\r\n');
  const insert = db.prepare(
    "INSERT INTO cards (uid, source, label, owner, group_id, valid_until, created_at, updated_at) VALUES (?, 'import', ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '') continue;
      const [uid = '', label, , group = '', expiry] = line.split(';');
      insert.run(
        Buffer.from(uid, 'hex'),
        label,
        `Driver ${i - 1}, Fleet`,
        Number(group.slice(-1)) + 1,
        expiry || null,
        now,
        now,
      );
    }
  }).immediate();
  const elapsed = performance.now() - t0;
  const count = (db.prepare('SELECT count(*) AS n FROM cards').get() as { n: number }).n;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  if (count !== ROWS) throw new Error(`floor inserted ${count} of ${ROWS}`);
  return elapsed;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-csv-'));
  const file = join(dir, 'cards.csv');
  generate(file);
  try {
    const floor = stats(await repeat(RUNS, async () => bare(file)));
    const figure = stats(await repeat(RUNS, () => viaApi(file)));
    report({
      name: `csv-import ${ROWS} rows (read, preview, commit)`,
      unit: 'ms',
      figure,
      floor,
      floorName: 'split lines + one prepared INSERT per row in one transaction',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
