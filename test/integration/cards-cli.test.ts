// `wbc readers` and `wbc cards enroll|push` as a technician runs them: the real command, a serial reader
// on a socat pty pair, cards typed on stdin, a simulated box; and a batch killed mid-way loses nothing shown.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Database from 'better-sqlite3';
import { wbc, wbcRunning, wbcWaitingForBox } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { mfrc522Bridge } from '../support/serial-bridge.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

/**
 * `wbc cards enroll` into a new group Fleet (`--group` as given) on a serial reader on a pty pair, once it
 * says the reader is open: the running command, and the MFRC522 end of the pair to tap cards with.
 */
async function enrollOnSerial(
  t: TestContext,
  dir: string,
  group: string,
  options: string[],
  stdin: 'pipe' | 'ignore' = 'pipe',
) {
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  const pair = await ptyPair(t);
  const cli = wbcRunning(
    t,
    [
      '--data-dir',
      dir,
      'cards',
      'enroll',
      '--reader',
      `serial:${pair.a}`,
      '--group',
      group,
      '--label',
      'Fleet-###',
      ...options,
    ],
    { stdin },
  );
  await until(() => cli.stderr().includes('is open'), 20_000);
  return { cli, send: await mfrc522Bridge(t, pair.b) };
}

const enrolledLines = (text: string) =>
  [...text.matchAll(/^(Fleet-\d{3}) {2}([0-9A-F]+) {2}enrolled$/gm)].map((m) => ({ label: m[1], uid: m[2] }));

test('wbc cards enroll on a serial reader: a line per card, and every card it printed survives a SIGKILL mid-batch', async (t) => {
  const dir = tempDir(t);
  const { cli, send } = await enrollOnSerial(t, dir, 'Fleet', []);
  const uids = Array.from({ length: 40 }, (_, i) => `04 A1 B2 ${(0x10 + i).toString(16).toUpperCase()}`);
  const sending = (async () => {
    for (const uid of uids) await send(`Card UID: ${uid}`).catch(() => {});
  })();
  await until(() => enrolledLines(cli.stdout()).length >= 5, 20_000);
  cli.child.kill('SIGKILL');
  assert.equal(await cli.exited, null);
  await sending;
  const printed = enrolledLines(cli.stdout());
  assert.ok(printed.length >= 5);

  const core = testCore(t, { dataDir: dir });
  const stored = await callOk(core, 'cards.list', {});
  const byUid = new Map(stored.map((c) => [c.uidHex, c.label]));
  for (const { uid, label } of printed)
    assert.equal(byUid.get(uid ?? ''), label, `printed ${uid} is stored as ${label}`);
  const group = (await callOk(core, 'groups.list', {}))[0];
  assert.ok(stored.every((c) => c.groupId === group?.id && c.source === 'serial'));
});

test('wbc cards enroll started in the background (stdin /dev/null) waits for taps; SIGTERM ends it', async (t) => {
  const dir = tempDir(t);
  const { cli, send } = await enrollOnSerial(t, dir, 'Fleet', [], 'ignore');
  // The end of /dev/null came long ago; the batch is still there for the card.
  await send('Card UID: 04 A1 B2 C3');
  await until(() => enrolledLines(cli.stdout()).length === 1, 20_000);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stdout(), /1 taps?: 1 enrolled, 0 already enrolled, 0 refused\./);
});

test('wbc cards enroll: already enrolled cards and bad UIDs get their own lines; SIGTERM ends with a summary', async (t) => {
  const dir = tempDir(t);
  const { cli, send } = await enrollOnSerial(t, dir, 'fleet', [
    '--owner',
    'Depot North',
    '--valid-until',
    '2099-12-31',
  ]);
  await send('Card UID: 04 A1 B2 C3');
  await until(() => cli.stdout().includes('enrolled'), 20_000);
  await send('Card UID: 08 12 34 56');
  await until(() => cli.stderr().includes('Refused'), 20_000);
  cli.child.stdin.write('04a1b2c3\n'); // the same card typed by hand
  await until(() => cli.stdout().includes('already enrolled'), 20_000);
  cli.child.kill('SIGTERM');
  // The refused card is not stored: the batch says so in its exit code.
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stderr(), /1 of 3 taps were refused or failed; those cards are not stored\./);
  const out = cli.stdout();
  assert.match(out, /^Fleet-001 {2}04A1B2C3 {2}enrolled$/m);
  assert.match(out, /^Fleet-001 {2}04A1B2C3 {2}already enrolled$/m);
  assert.match(out, /3 taps: 1 enrolled, 1 already enrolled, 1 refused\./);
  assert.match(cli.stderr(), /Enrolling into Fleet: tap the cards on serial:/, 'the group as it is named');
  assert.match(
    cli.stderr(),
    /Refused \(serial:.*\): "08123456" cannot be enrolled: this card shows a new random number/,
  );
  const core = testCore(t, { dataDir: dir });
  const [card] = await callOk(core, 'cards.list', {});
  assert.equal(card?.owner, 'Depot North');
  assert.match(card?.validUntil ?? '', /^(2099-12-31|2100-01-01)T/);
});

test('wbc cards enroll --json from typed UIDs: one JSON line per tap, then the cards push to a box', async (t) => {
  const dir = tempDir(t);
  await wbc(['--data-dir', dir, 'groups', 'add', 'Staff']);
  const cli = wbcRunning(t, [
    '--data-dir',
    dir,
    '--json',
    'cards',
    'enroll',
    '--group',
    'Staff',
    '--label',
    'S-##',
  ]);
  await until(() => cli.stderr().includes('"started"'), 20_000);
  cli.child.stdin.write('04A1B2C3\n3283263749\n12345\n');
  cli.child.stdin.end(); // the end of input ends the session
  assert.equal(await cli.exited, 1, 'a refused tap fails the batch');
  const lines = cli
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => [
      l.event,
      l.ok,
      (l.card as { label?: string } | undefined)?.label ?? (l.error as { code?: string })?.code,
    ]),
    [
      ['tap', true, 'S-01'],
      ['tap', true, 'S-02'],
      ['tap', false, 'CARD_UID_INVALID'],
      ['summary', undefined, undefined],
    ],
  );
  assert.match(
    String(lines[2]?.message),
    /"12345" cannot be enrolled: 5 digits are too short for a card UID/,
  );
  assert.equal(lines[3]?.enrolled, 2);

  // `wbc cards push` (moved into the same command) still sends the group to a box.
  const cli2 = await wbcWaitingForBox(t, [
    'cards',
    'push',
    '--identity',
    'WB-CARDS',
    '--group',
    'Staff',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const station = await startedSimBox(t, { ocppVersion: '1.6', endpoint: cli2.url, identity: 'WB-CARDS' });
  assert.equal(await cli2.exited, 0, cli2.stderr());
  assert.match(cli2.stdout(), /WB-CARDS holds 2 cards now/);
  assert.equal(station.localList().entries.length, 2);
});

test('wbc readers lists readers and problems; wbc cards without a subcommand shows every subcommand', async (t) => {
  const dir = tempDir(t);
  const listed = await wbc(['--data-dir', dir, '--json', 'readers']);
  assert.equal(listed.code, 0, listed.stderr);
  const snapshot = JSON.parse(listed.stdout) as { readers: unknown[]; problems: unknown[] };
  assert.ok(Array.isArray(snapshot.readers) && Array.isArray(snapshot.problems));
  const text = await wbc(['--data-dir', dir, '--lang', 'de', 'readers']);
  assert.equal(text.code, 0);
  assert.ok(text.stdout.trim().length > 0);
  const bare = await wbc(['--data-dir', dir, 'cards']);
  assert.equal(bare.code, 1);
  assert.match(bare.stderr, /cards enroll --group NAME/);
  assert.match(bare.stderr, /cards push --identity ID/);
  const noGroup = await wbc(['--data-dir', dir, 'cards', 'enroll', '--group', 'Nobody']);
  assert.equal(noGroup.code, 1);
  assert.match(noGroup.stderr, /NOT_FOUND/);
});

test('wbc cards enroll with no reader and stdin on /dev/null says there is nothing to read from and fails (no exit 13)', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  // wbc() runs with stdin 'ignore': /dev/null, as a job started with `&` has it.
  const run = await wbc(['--data-dir', dir, 'cards', 'enroll', '--group', 'Fleet']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    /There is nothing to read cards from: no reader was given and standard input is empty/,
  );
  assert.match(run.stderr, /CARDS_ENROLL_NO_INPUT/);
});

test('two wbc cards enroll on one data folder while a third program holds the write lock: every UID stored once, both exit 0', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  const uid = (i: number) => `04${(0xa00000 + i).toString(16).toUpperCase()}`;
  const shared = Array.from({ length: 100 }, (_, i) => uid(i));
  const onlyA = Array.from({ length: 300 }, (_, i) => uid(1000 + i));
  const onlyB = Array.from({ length: 300 }, (_, i) => uid(2000 + i));
  const a = wbcRunning(t, ['--data-dir', dir, 'cards', 'enroll', '--group', 'Fleet']);
  const b = wbcRunning(t, ['--data-dir', dir, 'cards', 'enroll', '--group', 'Fleet']);
  await until(() => a.stderr().includes('Enrolling') && b.stderr().includes('Enrolling'), 20_000);
  // A third writer (a backup, the app) holds the database longer than the busy timeout of one try.
  const holder = new Database(join(dir, 'commissioner.db'));
  holder.exec('BEGIN IMMEDIATE');
  a.child.stdin.end(`${[...shared, ...onlyA].join('\n')}\n`);
  b.child.stdin.end(`${[...onlyB, ...shared].join('\n')}\n`);
  await new Promise((resolve) => setTimeout(resolve, 7000));
  holder.exec('COMMIT');
  holder.close();
  assert.equal(await a.exited, 0, a.stderr());
  assert.equal(await b.exited, 0, b.stderr());
  const summary = (out: string) =>
    out.match(/(\d+) taps: (\d+) enrolled, (\d+) already enrolled, (\d+) refused/);
  const sa = summary(a.stdout());
  const sb = summary(b.stdout());
  assert.equal(sa?.[4], '0', a.stdout().slice(-500));
  assert.equal(sb?.[4], '0', b.stdout().slice(-500));
  assert.equal(Number(sa?.[2]) + Number(sb?.[2]), 700, 'each card enrolled by exactly one of them');

  const core = testCore(t, { dataDir: dir });
  const stored = (await callOk(core, 'cards.list', {})).map((c) => c.uidHex).sort();
  assert.deepEqual(stored, [...shared, ...onlyA, ...onlyB].sort());
});

test('wbc cards list shows the cards (of a group with --group, as JSON with --json); "123" is refused as too short', async (t) => {
  const dir = tempDir(t);
  await wbc(['--data-dir', dir, 'groups', 'add', 'Staff']);
  await wbc(['--data-dir', dir, 'groups', 'add', 'Guests']);
  const empty = await wbc(['--data-dir', dir, 'cards', 'list']);
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /^No cards\.$/m);
  for (const [group, input] of [
    ['Staff', '04A1B2C3\n123\n'],
    ['Guests', '04D5E6F7\n'],
  ] as const) {
    const cli = wbcRunning(t, [
      '--data-dir',
      dir,
      'cards',
      'enroll',
      '--group',
      group,
      '--owner',
      `${group} owner`,
    ]);
    cli.child.stdin.end(input);
    await cli.exited;
    if (group === 'Staff') {
      assert.match(cli.stderr(), /"123" cannot be enrolled: 3 digits are too short for a card UID/);
      assert.doesNotMatch(cli.stderr(), /hex or a decimal/);
    }
  }
  const all = await wbc(['--data-dir', dir, 'cards', 'list']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^04A1B2C3 +– +Staff owner +Staff +–$/m);
  assert.match(all.stdout, /^04D5E6F7 +– +Guests owner +Guests +–$/m);
  assert.match(all.stdout, /^2 cards\.$/m);
  const staff = await wbc(['--data-dir', dir, '--json', 'cards', 'list', '--group', 'staff']);
  assert.equal(staff.code, 0, staff.stderr);
  assert.deepEqual(
    (JSON.parse(staff.stdout) as Array<{ uidHex: string }>).map((c) => c.uidHex),
    ['04A1B2C3'],
  );
});

test('wbc readers lists serial ports without udevadm and never blames the reader for a missing tool', async (t) => {
  const dir = tempDir(t);
  // No udevadm on PATH (containers, minimal installs): serialport's own list fails there.
  const run = await wbc(['--data-dir', dir, '--json', 'readers'], { PATH: '/nonexistent' });
  assert.equal(run.code, 0, run.stderr);
  const snapshot = JSON.parse(run.stdout) as { problems: Array<{ kind: string; code: string }> };
  assert.deepEqual(
    snapshot.problems.filter((p) => p.kind === 'serial'),
    [],
  );
  const text = await wbc(['--data-dir', dir, 'readers'], { PATH: '/nonexistent' });
  assert.doesNotMatch(text.stdout + text.stderr, /udevadm|Unplug the reader and plug it in again/);
});

test('wbc cards enroll on a PC/SC reader while the smart-card service is down says so, not "check the cable"', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  // A pcscd socket nobody listens on: the service is not running.
  const env = { PCSCLITE_CSOCK_NAME: join(dir, 'no-pcscd.comm') };
  const run = await wbc(
    [
      '--data-dir',
      dir,
      'cards',
      'enroll',
      '--group',
      'Fleet',
      '--reader',
      'pcsc:ACS ACR122U PICC Interface 00 00',
    ],
    env,
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /The smart-card service \(pcscd\) is not running/);
  assert.doesNotMatch(run.stderr, /check the cable/);
});
