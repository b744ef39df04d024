// A child process for the crash test: commits one row per transaction as fast as it can and reports
// each id on stdout only after its commit returned, until the parent kills it with SIGKILL.
import { openCore } from '../../main/core.ts';

const core = openCore({ dataDir: process.argv[2] as string });
const actor = 'crash-test@cli';
for (let i = 1; ; i++) {
  const site = core.store.write(() => {
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
  });
  process.stdout.write(`${site}\n`);
}
