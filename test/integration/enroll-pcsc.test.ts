// Batch enrollment on a PC/SC reader as a super user runs it: a private pcscd with vpcd's readers, cards
// tapped from another thread; the core in this process, and the real `wbc cards enroll` as a child.
import assert from 'node:assert/strict';
import { after, before, type TestContext, test } from 'node:test';
import type { TapOutcome } from '../../main/api/types.ts';
import { PcscReaderSource } from '../../main/rfid/pcsc-source.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { type PrivatePcscd, startPcscd } from '../support/pcscd.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';
import { VirtualCardHost } from '../support/virtual-card.ts';

let pcscd: PrivatePcscd;
let cards: VirtualCardHost;
let cleanup: (() => Promise<void>) | undefined;

before(async () => {
  pcscd = await startPcscd({
    cleanup: (fn) => {
      cleanup = fn;
    },
  });
  cards = await VirtualCardHost.start();
});

after(async () => {
  await cards?.close();
  await cleanup?.();
});

const port = () => pcscd.ports[0] ?? 0;
const readerId = () => `pcsc:${pcscd.readers[0]}`;

/** A core reading PC/SC with a short read timeout, enrolling into Fleet from the first vpcd reader. */
async function pcscSession(t: TestContext, readTimeoutMs = 5000) {
  await pcscd.waitForEmpty();
  const core = testCore(t, { readerSources: [new PcscReaderSource({ readTimeoutMs })], readerScanMs: 100 });
  const taps: TapOutcome[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'cards.tapped') taps.push(payload as TapOutcome);
  });
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'enrollment.start', { readers: [readerId()], groupId: group.id });
  return { core, taps };
}

test('a card that answers its UID after the read timeout ends in exactly one refused tap, counted; the next card is enrolled', async (t) => {
  const { core, taps } = await pcscSession(t, 500);
  const slow = await cards.tap({
    port: port(),
    uid: Uint8Array.of(0x04, 0x51, 0x52, 0x53),
    misbehave: 'late-answer',
    lateMs: 1500,
  });
  t.after(() => slow.remove());
  await until(() => taps.length >= 1, 10_000);
  // Held until its late answer went out: the late UID must not become a second line.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await slow.remove();
  await pcscd.waitForEmpty();
  await cards.tapAndRemove({ port: port(), uid: Uint8Array.of(0x04, 0x61, 0x62, 0x63) });
  await until(() => taps.length >= 2, 10_000);
  const status = await callOk(core, 'enrollment.stop', {});
  assert.deepEqual(
    taps.map((tap) => (tap.ok ? tap.card.uidHex : tap.error.code)),
    ['READER_READ_TIMEOUT', '04616263'],
  );
  assert.deepEqual([status.taps, status.enrolled, status.failed], [2, 1, 1]);
});

test('a card that never gives its UID: after three tries the refusal offers typing the UID, and a typed UID is enrolled', async (t) => {
  const { core, taps } = await pcscSession(t);
  for (let i = 0; i < 3; i++) {
    await pcscd.waitForEmpty();
    await cards.tapAndRemove({
      port: port(),
      uid: Uint8Array.of(0x04, 0x71, 0x72, 0x73),
      misbehave: 'error-status',
    });
    await until(() => taps.length === i + 1, 10_000);
  }
  assert.deepEqual(
    taps.map((tap) => (tap.ok ? 'stored' : tap.error.code)),
    ['READER_UID_REFUSED', 'READER_UID_REFUSED', 'CARDS_TAP_TYPE_UID'],
  );
  const offer = taps[2];
  assert.ok(offer && !offer.ok);
  assert.match(offer.error.params.path as string, /Virtual PCD/);
  const typed = await callOk(core, 'enrollment.tap', { uid: '04 71 72 73', source: 'typed' });
  assert.ok(typed.ok);
  assert.equal((await callOk(core, 'cards.list', {}))[0]?.uidHex, '04717273');
});

test('wbc cards enroll in the background on a PC/SC reader outlives a restart of the smart-card service and ends on SIGTERM with its summary', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  await pcscd.waitForEmpty();
  // The child inherits PCSCLITE_CSOCK_NAME: it talks to this private pcscd. stdin is /dev/null.
  const cli = wbcRunning(
    t,
    ['--data-dir', dir, 'cards', 'enroll', '--group', 'Fleet', '--reader', readerId()],
    {
      stdin: 'ignore',
    },
  );
  await until(() => cli.stderr().includes('is open'), 20_000);
  await cards.tapAndRemove({ port: port(), uid: Uint8Array.of(0x04, 0x81, 0x82, 0x83) });
  await until(() => cli.stdout().includes('04818283'), 20_000);
  await pcscd.stop();
  await until(() => cli.stderr().includes('not running'), 20_000);
  await pcscd.start();
  // The batch is still there: the reader comes back by itself and the next card is enrolled.
  await until(
    () => cli.child.exitCode !== null || (cli.stderr().match(/is open/g) ?? []).length >= 2,
    30_000,
  );
  assert.equal(cli.child.exitCode, null, `the batch ended by itself: ${cli.stderr()}`);
  await pcscd.waitForEmpty();
  await cards.tapAndRemove({ port: port(), uid: Uint8Array.of(0x04, 0x91, 0x92, 0x93) });
  await until(() => cli.stdout().includes('04919293'), 20_000);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stdout(), /2 taps: 2 enrolled, 0 already enrolled, 0 refused\./);
});

test('wbc cards enroll with a mistyped PC/SC reader name lists the readers there are', async (t) => {
  const dir = tempDir(t);
  assert.equal((await wbc(['--data-dir', dir, 'groups', 'add', 'Fleet'])).code, 0);
  const run = await wbc([
    '--data-dir',
    dir,
    'cards',
    'enroll',
    '--group',
    'Fleet',
    '--reader',
    'pcsc:Virtual PDC',
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(`There is no reader pcsc:Virtual PDC\\. Readers here: .*${readerId()}`),
  );
  assert.doesNotMatch(run.stderr, /check the cable/);
});
