// `wbc readers` and `wbc cards enroll|push` as a technician runs them: the real command, a serial reader
// on a socat pty pair, cards typed on stdin, a simulated box; and a batch killed mid-way loses nothing shown.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
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
  assert.equal(await cli.exited, 0, cli.stderr());
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
  assert.equal(await cli.exited, 0, cli.stderr());
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
  assert.match(String(lines[2]?.message), /could be hex or a decimal number/);
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
