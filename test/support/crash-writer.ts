// A child process for the kill -9 tests: writes sites (each with its audit row) as fast as it can and
// reports each id on stdout only once its write is committed, until the parent kills it with SIGKILL.
// Mode `single` (the default): one transaction per site, reported after store.write returned (crash.test).
// Mode `grouped`: bursts of 25 through the store's group commit (one transaction per burst), each id
// reported once its write's promise resolved (group-commit.test).
import { openCore } from '../../main/core.ts';

const mode = process.argv[3] ?? 'single';
if (mode !== 'single' && mode !== 'grouped') throw new Error(`unknown mode ${mode}`);
const core = openCore({ dataDir: process.argv[2] as string });
const actor = mode === 'grouped' ? 'group-crash-test@cli' : 'crash-test@cli';

const insert = (i: number): number => {
  const now = core.store.now();
  const info = core.store.db
    .prepare('INSERT INTO sites (name, created_at, updated_at) VALUES (?, ?, ?)')
    .run(`Site ${i}`, now, now);
  core.store.db
    .prepare(
      "INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES (?, ?, 'site.create', 'site', ?)",
    )
    .run(now, actor, String(info.lastInsertRowid));
  return Number(info.lastInsertRowid);
};

if (mode === 'single') {
  for (let i = 1; ; i++) {
    const site = core.store.write(() => insert(i));
    process.stdout.write(`${site}\n`);
  }
} else {
  for (let burst = 0; ; burst++) {
    const writes = Array.from({ length: 25 }, (_, i) =>
      core.store.writeGrouped(() => insert(burst * 25 + i)).then((id) => process.stdout.write(`${id}\n`)),
    );
    await Promise.all(writes);
  }
}
