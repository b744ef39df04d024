// `--help` on every command and subcommand of the real `wbc`, walked from the command table itself: a
// command added later is checked too. Help must exit 0, show its usage and options, and touch nothing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { translate } from '../../locales/translate.ts';
import { commands } from '../../main/cli/commands.ts';
import { optionFlag } from '../../main/cli/help.ts';
import { wbc } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';

interface Case {
  words: string[];
  usage: string;
  summaryKey: string;
  summary: string;
  options: readonly string[];
}

const cases: Case[] = commands.flatMap((command) => [
  {
    words: [command.name],
    usage: command.usage,
    summaryKey: command.summaryKey,
    summary: translate('en', command.summaryKey),
    options: command.options ?? [],
  },
  ...(command.subcommands ?? []).map((sub) => ({
    words: [command.name, sub.name],
    usage: sub.usage,
    summaryKey: sub.summaryKey,
    summary: translate('en', sub.summaryKey),
    options: sub.options ?? [],
  })),
]);

function assertHelp(run: { code: number | null; stdout: string; stderr: string }, c: Case, how: string) {
  const where = `${how} ${c.words.join(' ')}: ${run.stderr}`;
  assert.equal(run.code, 0, where);
  assert.ok(run.stdout.startsWith(`Usage: wbc ${c.usage}\n`), where);
  assert.ok(run.stdout.includes(c.summary), where);
  for (const option of c.options) assert.ok(run.stdout.includes(optionFlag(option)), `${where} --${option}`);
  assert.ok(run.stdout.includes('--help'), where);
}

test('the command table declares a usage, a summary in both languages and described options everywhere', () => {
  assert.ok(cases.length > commands.length, 'subcommands are walked too');
  for (const c of cases) {
    assert.match(c.usage, new RegExp(`^${c.words[0]}\\b`), c.words.join(' '));
    for (const language of ['en', 'de'] as const)
      for (const key of [c.summaryKey, ...c.options.map((o) => `cli.opt.${o}`)])
        assert.notEqual(translate(language, key), key, `${language} ${key} (${c.words.join(' ')})`);
  }
});

test('`wbc CMD [SUB] --help` and `wbc help CMD [SUB]` print the help, exit 0 and open nothing', async (t) => {
  const root = tempDir(t);
  const dataDir = join(root, 'data');
  // Two at a time: each run is a real process, started as a user's shell would.
  for (let i = 0; i < cases.length; i += 2) {
    await Promise.all(
      cases.slice(i, i + 2).map(async (c) => {
        assertHelp(await wbc([...c.words, '--help', '--data-dir', dataDir]), c, '--help');
        assertHelp(await wbc(['help', ...c.words, '--data-dir', dataDir]), c, 'help');
      }),
    );
  }
  assert.equal(existsSync(dataDir), false, 'no data folder was made: nothing ran');
});

test('-h after the required words still only helps: csms listen does not start a CSMS, cards export prints no card', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['groups', 'add', 'Fleet', '--data-dir', dir])).code, 0);
  const exported = await wbc(['cards', 'export', '-h', '--data-dir', dir]);
  assert.equal(exported.code, 0);
  assert.match(exported.stdout, /^Usage: wbc cards export/);
  assert.doesNotMatch(exported.stdout, /uid,label/, 'no CSV header, no card');
  const listen = await wbc(['csms', 'listen', '--port', '0', '-h', '--data-dir', dir]);
  assert.equal(listen.code, 0);
  assert.doesNotMatch(listen.stdout, /ws:\/\//);
  const groups = await wbc(['groups', '--help', '--data-dir', dir]);
  assert.doesNotMatch(groups.stdout, /Fleet/, 'the groups are not listed');
});

test('help comes in German with --lang de', async () => {
  const run = await wbc(['config', 'get', '--help', '--lang', 'de']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Aufruf: wbc config get/);
  assert.match(run.stdout, /auf die Box warten/);
  assert.match(run.stdout, /die Kennung der Box/);
});

test('help on a command that does not exist exits 2 and names it', async () => {
  const run = await wbc(['help', 'frobnicate']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /UNKNOWN_METHOD/);
});
