// A process killed (SIGKILL, no chance to clean up) in the middle of a batch of writes: every row it
// reported as committed is still there afterwards, with its audit row, and the file is intact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openCore } from '../../main/core.ts';
import { tempDir } from '../support/temp.ts';

const writer = fileURLToPath(new URL('../support/crash-writer.ts', import.meta.url));

test('killing the process mid-batch loses no committed row', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const committed: number[] = [];
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) committed.push(Number(line));
      // Kill while it is still writing: well into the batch, not at a quiet moment.
      if (committed.length >= 300 && !child.killed) child.kill('SIGKILL');
    });
  });
  assert.equal(child.signalCode, 'SIGKILL');
  assert.ok(committed.length >= 300);

  const core = openCore({ dataDir: dir });
  t.after(() => core.close());
  assert.equal(core.store.db.pragma('integrity_check', { simple: true }), 'ok');
  const ids = new Set(
    (core.store.db.prepare('SELECT id FROM sites').all() as Array<{ id: number }>).map((r) => r.id),
  );
  const missing = committed.filter((id) => !ids.has(id));
  assert.deepEqual(missing, []);
  const unaudited = core.store.db
    .prepare(
      "SELECT count(*) AS n FROM sites s WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'site' AND a.entity_id = CAST(s.id AS TEXT))",
    )
    .get() as { n: number };
  assert.equal(unaudited.n, 0, 'no site without its audit row');
});
