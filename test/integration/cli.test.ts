// The `wbc` command as a user types it: help, version, JSON for scripts, typed errors with exit codes,
// German when asked, and `wbc serve` printing the address with its token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { wbc, wbcBin, wbcWaitingForBox } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';

test('wbc --help lists the commands and exits 0', async () => {
  const run = await wbc(['--help']);
  assert.equal(run.code, 0);
  for (const command of ['version', 'serve', 'sites', 'groups', 'audit'])
    assert.match(run.stdout, new RegExp(`\\n  ${command}`));
});

test('wbc version --json is machine-readable', async () => {
  const run = await wbc(['version', '--json']);
  assert.equal(run.code, 0);
  const value = JSON.parse(run.stdout) as { name: string; version: string };
  assert.equal(value.name, 'Wallbox Commissioner');
  assert.match(value.version, /^\d+\.\d+\.\d+/);
});

test('sites added through the CLI are listed as JSON, from the data folder given', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['sites', 'add', 'Depot', 'North', '--data-dir', dir])).code, 0);
  const list = await wbc(['sites', 'list', '--json'], { WBC_DATA_DIR: dir });
  assert.equal(list.code, 0);
  assert.deepEqual(
    (JSON.parse(list.stdout) as Array<{ name: string }>).map((s) => s.name),
    ['Depot North'],
  );
});

test('a bad value exits 1 with the code, the field and the remedy; nothing is written', async (t) => {
  const dir = tempDir(t);
  const run = await wbc(['sites', 'add', 'x'.repeat(100), '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error VALIDATION_FAILED/);
  // The field by its label and its path, the complaint in words (not the schema library's English).
  assert.match(run.stderr, /Name \(name\): at most 80 characters/);
  assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace');
  const json = await wbc(['groups', 'add', '--json', '--data-dir', dir]);
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  assert.equal((await wbc(['audit', '--json', '--data-dir', dir])).stdout.trim(), '[]');
});

test('an unknown command or option exits 2 and shows the usage', async () => {
  const unknown = await wbc(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /UNKNOWN_METHOD/);
  assert.match(unknown.stderr, /Usage: wbc/);
  const option = await wbc(['version', '--colour']);
  assert.equal(option.code, 2);
});

test('messages come in German with --lang de or a German locale', async (t) => {
  const dir = tempDir(t);
  const run = await wbc(['sites', 'delete', '99', '--lang', 'de', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Standort 99 gibt es nicht/);
  const help = await wbc(['--help'], { LANG: 'de_DE.UTF-8' });
  assert.match(help.stdout, /Aufruf: wbc/);
});

test('a damaged database: the CLI explains and exits 1 without touching it', async (t) => {
  const dir = tempDir(t);
  const { writeFileSync, readFileSync } = await import('node:fs');
  writeFileSync(`${dir}/commissioner.db`, 'garbage '.repeat(1000));
  const run = await wbc(['sites', 'list', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /STORE_CORRUPT/);
  assert.match(run.stderr, /has not been changed/);
  assert.equal(readFileSync(`${dir}/commissioner.db`, 'utf8'), 'garbage '.repeat(1000));
});

test('wbc serve prints the address with its token, answers on it, and stops on SIGTERM', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, [wbcBin, 'serve', '--json', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('}')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const ready = JSON.parse(line) as { url: string; port: number };
  assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  const page = await fetch(ready.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('wbc config get waits for the box, reads its configuration and exports a masked trace', async (t) => {
  const dir = tempDir(t);
  const { bareBox } = await import('../support/bare-box.ts');
  const cli = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'WB-CLI',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--json',
    '--data-dir',
    dir,
  ]);
  const { url } = cli;
  const box = bareBox(t, { url, identity: 'WB-CLI' });
  box.handle('GetConfiguration', async () => ({
    configurationKey: [
      { key: 'HeartbeatInterval', readonly: false, value: '300' },
      { key: 'AuthorizationKey', readonly: false, value: 'DEADBEEFDEADBEEFDEADBEEFDEADBEEF' },
    ],
  }));
  await box.connect();
  assert.equal(await cli.exited, 0, cli.stderr());
  const snapshot = JSON.parse(cli.stdout()) as { entries: Array<{ key: string; value: string | null }> };
  assert.deepEqual(
    snapshot.entries.map((e) => [e.key, e.value]),
    [
      ['AuthorizationKey', null],
      ['HeartbeatInterval', '300'],
    ],
  );
  const trace = await wbc(['trace', 'export', '--identity', 'WB-CLI', '--data-dir', dir]);
  assert.equal(trace.code, 0);
  const frames = trace.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; action: string | null });
  assert.ok(frames.some((f) => f.kind === 'result' && f.action === 'GetConfiguration'));
  assert.doesNotMatch(trace.stdout, /DEADBEEF/);
});

test('wbc config get gives up after --timeout when the box never comes, exit 1 with the reason', async (t) => {
  const dir = tempDir(t);
  const run = await wbc([
    'config',
    'get',
    '--identity',
    'WB-NOBODY',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout',
    '1',
    '--data-dir',
    dir,
  ]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /BOX_OFFLINE: The box WB-NOBODY is not connected/);
});

test('wbc commission takes a template file, waits for the box, and exits 3 "left, not confirmed" once it left (no CSMS confirms it)', async (t) => {
  const dir = tempDir(t);
  const { BareCsms } = await import('../support/bare-csms.ts');
  const { startedSimBox } = await import('../support/sim.ts');
  const { writeFileSync } = await import('node:fs');
  const company = await BareCsms.start(t);
  const templateFile = `${dir}/depot.json`;
  writeFileSync(
    templateFile,
    JSON.stringify({
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 2,
    }),
  );
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-CLI-C',
    '--template',
    templateFile,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-CLI-C' });
  assert.equal(await cli.exited, 3, cli.stderr());
  assert.match(cli.stdout(), /WB-CLI-C left, not confirmed/);
  assert.match(cli.stdout(), /Check in the company CSMS that WB-CLI-C is connected/);
  assert.doesNotMatch(cli.stdout(), /commissioned|verified/);
  assert.match(cli.stderr(), /write the settings/);
  // The pre-flight checks ran by themselves after the reset, and the exit code stayed the run's.
  assert.match(cli.stdout(), /Pre-flight checks of this run/);
  assert.match(cli.stdout(), /\[OK\] Connection \(TCP\): 127\.0\.0\.1 accepts connections on port/);
  await company.waitFor('box at company', () => company.connected('WB-CLI-C'));
});

test('wbc commission that fails after the URL was accepted puts it back and says what the box holds at its next reboot', async (t) => {
  const dir = tempDir(t);
  const { BareCsms } = await import('../support/bare-csms.ts');
  const { startedSimBox } = await import('../support/sim.ts');
  const { writeFileSync } = await import('node:fs');
  const company = await BareCsms.start(t);
  const templateFile = `${dir}/depot.json`;
  // A 32 A limit on a box whose hardware allows 16 A: refused after every setting was accepted.
  writeFileSync(
    templateFile,
    JSON.stringify({
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      maxCurrentA: 32,
      verifyWindowS: 2,
    }),
  );
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-CLI-BACK',
    '--template',
    templateFile,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const box = await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-CLI-BACK',
    hardwareMaxA: 16,
  });
  const before = box.configuration().Cst_BackendUrl;
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stderr(), /COMMISSION_LIMIT_REFUSED/);
  assert.match(cli.stdout(), /Put back after the failure \(read back from the box\):/);
  assert.match(cli.stdout(), new RegExp(`Cst_BackendUrl: put back to ${before} \\(read back\\)`));
  assert.match(cli.stdout(), /At its next restart the box goes back to the CSMS it used before the run\./);
  assert.equal(box.configuration().Cst_BackendUrl, before);
});

test('Ctrl+C (SIGINT) cancels a running wbc commission: it ends at once with CANCELLED', async (t) => {
  const dir = tempDir(t);
  const { BareCsms } = await import('../support/bare-csms.ts');
  const { startedSimBox } = await import('../support/sim.ts');
  const { writeFileSync } = await import('node:fs');
  const company = await BareCsms.start(t);
  const templateFile = `${dir}/depot.json`;
  // A long window: the run watches the box after its reset until Ctrl+C ends it.
  writeFileSync(
    templateFile,
    JSON.stringify({
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 600,
    }),
  );
  const cli = await wbcWaitingForBox(t, [
    'commission',
    '--identity',
    'WB-CLI-INT',
    '--template',
    templateFile,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-CLI-INT' });
  await company.waitFor('box at company', () => company.connected('WB-CLI-INT'));
  await new Promise<void>((resolve) => {
    const check = () =>
      /watch it leave for the new CSMS/.test(cli.stderr()) ? resolve() : setTimeout(check, 50);
    check();
  });
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stderr(), /CANCELLED/);
});

test('wbc commission with a broken template names the field and writes nothing', async (t) => {
  const dir = tempDir(t);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    `${dir}/bad.json`,
    JSON.stringify({ name: 'Bad', csms: { url: 'http://nope', securityProfile: 7 } }),
  );
  const run = await wbc([
    'commission',
    '--identity',
    'WB-1',
    '--template',
    `${dir}/bad.json`,
    '--data-dir',
    dir,
  ]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /VALIDATION_FAILED/);
  assert.match(run.stderr, /csms\.url/);
  assert.match(run.stderr, /csms\.securityProfile/);
});

test('wbc simulate refuses a password on the command line (ps shows it) and says where to put it instead', async () => {
  const result = await wbc([
    'simulate',
    '--ocpp',
    '1.6',
    '--url',
    'ws://127.0.0.1:9/ocpp',
    '--identity',
    'WB-PW',
    '--password',
    'visible-to-everyone-0001',
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--password-file/);
  assert.doesNotMatch(result.stdout + result.stderr, /visible-to-everyone-0001/);
});
