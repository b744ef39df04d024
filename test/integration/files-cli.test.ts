// `wbc firmware update` and `wbc logs fetch` as a technician runs them: the built CLI waits for the
// project's simulator on a real WebSocket (loopback), the box downloads and uploads over real HTTP, the
// progress is printed line by line, and Ctrl+C (SIGINT) cancels a job that hangs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

// The file server on any free port, as the CSMS (the wbc processes inherit it).
process.env.WBC_FILES_PORT = '0';

const box = (dir: string) => ['--host', '127.0.0.1', '--port', '0', '--data-dir', dir];

test('wbc firmware update prints each status of the box and ends with its Installed (exit 0)', async (t) => {
  const dir = tempDir(t);
  const file = join(tempDir(t), 'fw-3.0.bin');
  writeFileSync(file, Buffer.alloc(20_000, 7));
  const cli = await wbcWaitingForBox(t, [
    'firmware',
    'update',
    '--identity',
    'WB-FWCLI',
    '--file',
    file,
    ...box(dir),
  ]);
  const sim = await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-FWCLI' });
  assert.equal(await cli.exited, 0, cli.stderr());
  const out = cli.stdout();
  for (const word of ['started', 'downloading', 'downloaded', 'installing', 'installed', 'file served'])
    assert.match(out, new RegExp(word, 'i'), out);
  assert.match(out, /Installed: the box reported it\./);
  assert.equal(sim.lastFirmware()?.size, 20_000);
});

test('wbc logs fetch --type security saves the log the 2.0.1 box uploaded into --out (made 0700, file 0600)', async (t) => {
  const dir = tempDir(t);
  const out = join(tempDir(t), 'new', 'logs');
  const cli = await wbcWaitingForBox(t, [
    'logs',
    'fetch',
    '--identity',
    'WB-LOGCLI',
    '--type',
    'security',
    '--out',
    out,
    ...box(dir),
  ]);
  await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: cli.url,
    identity: 'WB-LOGCLI',
    files: { uploadVia: 'put' },
  });
  assert.equal(await cli.exited, 0, cli.stderr());
  const saved = readdirSync(out);
  assert.deepEqual(saved, ['security-WB-LOGCLI.log']);
  const path = join(out, saved[0] as string);
  assert.match(readFileSync(path, 'utf8'), /simulated log line/);
  if (process.platform !== 'win32') {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(out).mode & 0o777, 0o700);
  }
  assert.match(cli.stdout(), /uploaded/);
  assert.match(cli.stdout(), /The file arrived/);
});

test('wbc logs fetch: an upload over the limit (WBC_MAX_UPLOAD_MB) is refused and the failure said (exit 1)', async (t) => {
  const dir = tempDir(t);
  const out = tempDir(t);
  // About 10 KB allowed, for this wbc only (the environment is read when it starts).
  process.env.WBC_MAX_UPLOAD_MB = '0.01';
  const cli = await wbcWaitingForBox(t, [
    'logs',
    'fetch',
    '--identity',
    'WB-FAILCLI',
    '--out',
    out,
    ...box(dir),
  ]);
  delete process.env.WBC_MAX_UPLOAD_MB;
  await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-FAILCLI',
    files: { logBytes: 50_000 },
  });
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stdout(), /upload refused: too large/);
  assert.match(cli.stdout(), /Failed: the upload was larger than allowed and refused/);
  assert.deepEqual(readdirSync(out), []);
});

test('Ctrl+C during a firmware update cancels the job and says the box may still go on', async (t) => {
  const dir = tempDir(t);
  const file = join(tempDir(t), 'fw.bin');
  writeFileSync(file, Buffer.alloc(1000, 1));
  const cli = await wbcWaitingForBox(t, [
    'firmware',
    'update',
    '--identity',
    'WB-CTRLC',
    '--file',
    file,
    ...box(dir),
  ]);
  // Each status step of this box takes 10 minutes: the job stays running until Ctrl+C.
  await startedSimBox(t, {
    ocppVersion: '2.0.1',
    endpoint: cli.url,
    identity: 'WB-CTRLC',
    files: { stepMs: 600_000 },
  });
  await until(() => /started/.test(cli.stdout()), 20_000);
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stderr(), /Cancelled here/);
  assert.match(cli.stdout(), /Cancelled; the box last said: nothing/);
  const jobs = await wbc(['audit', '--data-dir', dir, '--json']);
  assert.match(jobs.stdout, /box\.file-job-ended/);
});
