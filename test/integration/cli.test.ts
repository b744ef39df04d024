// The `wbc` command as a user types it: help, version, JSON for scripts, typed errors with exit codes,
// German when asked, and `wbc serve` printing the address with its token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { wbc, wbcBin } from '../support/cli.ts';
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
  const run = await wbc(['sites', 'rename', 'seven', 'X', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error VALIDATION_FAILED/);
  assert.match(run.stderr, /id: /);
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
