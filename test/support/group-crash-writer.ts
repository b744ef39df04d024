// A child process for the group-commit crash test: writes sites in bursts of 25 through the store's
// group commit (one transaction per burst) and reports each id on stdout only once its write's promise
// resolved, until the parent kills it with SIGKILL.
import { openCore } from '../../main/core.ts';

const core = openCore({ dataDir: process.argv[2] as string });
const actor = 'group-crash-test@cli';
const insert = (i: number) => {
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
for (let burst = 0; ; burst++) {
  const writes = Array.from({ length: 25 }, (_, i) =>
    core.store.writeGrouped(() => insert(burst * 25 + i)).then((id) => process.stdout.write(`${id}\n`)),
  );
  await Promise.all(writes);
}
