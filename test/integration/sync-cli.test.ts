// `wbc sync` as a technician runs it against a SteVe stand-in over real HTTP: killed with -9 mid-sync and
// run again (every card exactly once at the CSMS), the reason of a waiting card in words, a conflict
// shown side by side and decided, --json for scripts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { openCore } from '../../main/core.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { startSteveServer } from '../support/steve-server.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'cli-steve-secret';

async function enrolled(dir: string, count: number): Promise<string[]> {
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  const uids: string[] = [];
  try {
    const group = await core.router.call(
      'groups.create',
      { name: 'Fleet', groupIdTag: 'FLEET' },
      core.context('cli'),
    );
    assert.ok(group.ok);
    for (let i = 0; i < count; i++) {
      const uid = `04D0${(0x100 + i).toString(16).toUpperCase().padStart(4, '0')}`;
      const reply = await core.router.call(
        'cards.enroll',
        { uid, groupId: (group.result as { id: number }).id, label: `Car ${i + 1}` },
        core.context('cli'),
      );
      assert.ok(reply.ok);
      uids.push(uid);
    }
  } finally {
    await core.close();
  }
  return uids;
}

async function addSteve(dir: string, url: string, secretFile: string, extra: string[] = []) {
  const added = await wbc([
    '--data-dir',
    dir,
    'sync',
    'add',
    'company',
    '--kind',
    'steve',
    '--csms-url',
    url,
    '--user',
    'api',
    '--secret-file',
    secretFile,
    ...extra,
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.ok(!added.stdout.includes(PASSWORD));
}

test('wbc sync run killed with -9 mid-sync and run again: every card exactly once at the CSMS', async (t) => {
  const steve = await startSteveServer(t, { password: PASSWORD });
  const dir = tempDir(t);
  const uids = await enrolled(dir, 30);
  const secretFile = join(dir, 'steve.secret');
  writeFileSync(secretFile, `${PASSWORD}\n`, { mode: 0o600 });
  await addSteve(dir, steve.url, secretFile, ['--in-flight', '3']);
  steve.setDelay(40);
  const first = wbcRunning(t, ['--data-dir', dir, 'sync', 'run', 'company'], { stdin: 'ignore' });
  await until(() => steve.writes.filter((w) => w.idTag !== 'FLEET').length >= 6, 20_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const before = steve.writes.length;
  assert.ok(before < uids.length + 1, 'killed before the end');
  steve.setDelay(0);
  const second = await wbc(['--data-dir', dir, 'sync', 'run', 'company']);
  assert.equal(second.code, 0, second.stderr + second.stdout);
  const creates = new Map<string, number>();
  for (const w of steve.writes)
    if (w.method === 'POST') creates.set(w.idTag, (creates.get(w.idTag) ?? 0) + 1);
  assert.deepEqual([...creates.keys()].filter((k) => k !== 'FLEET').sort(), uids);
  for (const [uid, n] of creates) assert.equal(n, 1, `${uid} created ${n} times`);
  assert.equal([...steve.tags.values()].length, uids.length + 1);
  const status = await wbc(['--data-dir', dir, '--json', 'sync', 'status', 'company']);
  assert.equal(JSON.parse(status.stdout)[0].counts.done, uids.length);
  // The API password never reaches the terminal, the logs or the database file in clear.
  assert.ok(
    !`${first.stdout()}${first.stderr()}${second.stdout}${second.stderr}${status.stdout}`.includes(PASSWORD),
  );
  for (const file of readdirSync(join(dir, 'logs'))) {
    assert.ok(!readFileSync(join(dir, 'logs', file), 'utf8').includes(PASSWORD), file);
  }
  assert.ok(!readFileSync(join(dir, 'commissioner.db')).includes(PASSWORD), 'the database file');
});

test('wbc sync status says in words why cards wait; a conflict is shown side by side and decided', async (t) => {
  const steve = await startSteveServer(t, { password: PASSWORD });
  steve.tags.set(50, {
    ocppTagPk: 50,
    idTag: '04D00100',
    parentIdTag: null,
    expiryDate: null,
    maxActiveTransactionCount: -1,
    note: 'Boss car',
  });
  const dir = tempDir(t);
  await enrolled(dir, 2);
  const secretFile = join(dir, 'steve.secret');
  writeFileSync(secretFile, 'an-old-password', { mode: 0o600 });
  await addSteve(dir, steve.url, secretFile);

  const refused = await wbc(['--data-dir', dir, 'sync', 'run', 'company']);
  assert.equal(refused.code, 2);
  assert.match(refused.stdout, /company refused the tool's credentials \(HTTP 401\)/);
  const status = await wbc(['--data-dir', dir, 'sync', 'status']);
  assert.match(status.stdout, /company: 2 waiting, 0 done/);
  assert.match(status.stdout, /refused the tool's credentials/);

  writeFileSync(secretFile, PASSWORD);
  await addSteve(dir, steve.url, secretFile);
  const dry = await wbc(['--data-dir', dir, 'sync', 'dry-run', 'company']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /04D00100\s+conflict/);
  assert.match(dry.stdout, /04D00101\s+create/);
  assert.equal(steve.writes.length, 0);

  const ran = await wbc(['--data-dir', dir, 'sync', 'run', 'company']);
  assert.equal(ran.code, 2);
  assert.match(ran.stdout, /1 sent, 1 conflicts/);
  const conflicts = await wbc(['--data-dir', dir, 'sync', 'conflicts']);
  assert.match(conflicts.stdout, /card 04D00100 is held differently/);
  assert.match(conflicts.stdout, /group\s+FLEET\s+—\s+≠/);
  assert.match(conflicts.stdout, /label\s+Car 1\s+Boss car\s+≠/);
  const id = JSON.parse((await wbc(['--data-dir', dir, '--json', 'sync', 'conflicts'])).stdout)[0].id;
  const resolved = await wbc(['--data-dir', dir, 'sync', 'resolve', String(id), '--keep-ours']);
  assert.equal(resolved.code, 0, resolved.stderr);
  assert.equal((await wbc(['--data-dir', dir, 'sync', 'run', 'company'])).code, 0);
  assert.equal(steve.tags.get(50)?.note, 'Car 1');
  assert.equal(steve.tags.get(50)?.parentIdTag, 'FLEET');
});

test('wbc sync test walks address, DNS, connection and credentials, and names the failing step', async (t) => {
  const steve = await startSteveServer(t, { password: PASSWORD });
  const dir = tempDir(t);
  const secretFile = join(dir, 'steve.secret');
  writeFileSync(secretFile, PASSWORD);
  await addSteve(dir, steve.url, secretFile);
  const ok = await wbc(['--data-dir', dir, 'sync', 'test', 'company']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ok\s+connection\s+127\.0\.0\.1:\d+/);
  assert.match(ok.stdout, /ok\s+credentials\s+user api/);
  steve.setPassword('rotated');
  const refused = await wbc(['--data-dir', dir, '--json', 'sync', 'test', 'company']);
  assert.equal(refused.code, 1);
  const checks = JSON.parse(refused.stdout) as Array<{ step: string; ok: boolean; errorCode?: string }>;
  assert.deepEqual(checks.at(-1), {
    step: 'auth',
    ok: false,
    detail: 'user api',
    errorCode: 'CSMS_AUTH_FAILED',
  });
  await steve.down();
  const down = await wbc(['--data-dir', dir, 'sync', 'test', 'company']);
  assert.equal(down.code, 1);
  assert.match(down.stdout, /FAILED\s+connection\s+127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test('a CSMS without an API gets a file: the cards written in SteVe CSV, the jobs marked handed over by file', async (t) => {
  const dir = tempDir(t);
  const uids = await enrolled(dir, 3);
  const out = join(dir, 'handover');
  const added = await wbc([
    '--data-dir',
    dir,
    'sync',
    'add',
    'paper',
    '--kind',
    'file',
    '--csms-url',
    pathToFileURL(out).href,
    '--shape',
    'steve',
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal((await wbc(['--data-dir', dir, 'sync', 'test', 'paper'])).code, 0);
  const ran = await wbc(['--data-dir', dir, 'sync', 'run', 'paper']);
  assert.equal(ran.code, 0, ran.stderr);
  const file = ran.stdout.match(/Handed over by file: (.+)\. Give it/)?.[1];
  assert.ok(file, ran.stdout);
  const csv = readFileSync(file, 'utf8');
  for (const uid of uids) assert.ok(csv.includes(uid), uid);
  const jobs = JSON.parse((await wbc(['--data-dir', dir, '--json', 'sync', 'status', 'paper'])).stdout)[0];
  assert.equal(jobs.counts.done, 3);
  assert.equal(jobs.counts.pending, 0);
});
