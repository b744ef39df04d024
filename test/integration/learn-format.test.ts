// Learning how a box writes cards, against simulated boxes over a real WebSocket: a card read on the
// desktop and tapped at the box, the format saved, and the box's local list then written its way.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { LearnOutcome, LearnProgress } from '../../main/api/types.ts';
import type { Core } from '../../main/core.ts';
import { SerialSource } from '../../main/rfid/serial-source.ts';
import type { SimStation, SimStationOptions } from '../../main/simulator/station.ts';
import { createSimStation } from '../../main/simulator/station.ts';
import { wbc, wbcRunning, wbcWaitingForBox } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { mfrc522Bridge } from '../support/serial-bridge.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

/** Resolves when the box's next boot is answered Accepted: from then on it asks its CSMS about cards. */
function acceptedBoot(box: SimStation): Promise<void> {
  return new Promise((resolve) => box.on('boot', (status) => status === 'Accepted' && resolve()));
}

async function learnBox(
  t: TestContext,
  options: Pick<SimStationOptions, 'ocppVersion' | 'identity' | 'uidFormat'>,
): Promise<{ core: Core; box: SimStation }> {
  const { core, url } = await coreWithCsms(t);
  const box = await simBox(t, core, { ...options, endpoint: url });
  return { core, box };
}

/** Starts learning with this desktop reading, taps `atBox` at the box once it asks, returns the api reply. */
async function learnWithTap(core: Core, box: SimStation, desktop: string, atBox: string, extra = {}) {
  const booted = acceptedBoot(box);
  const reply = callRaw(core, 'formats.learn', {
    identity: box.identity,
    uidHex: desktop,
    timeoutSeconds: 20,
    ...extra,
  });
  await booted;
  const tap = await box.tap(atBox);
  return { reply: await reply, tap };
}

async function staffWithCards(core: Core, uids: string[]): Promise<void> {
  const group = await callOk(core, 'groups.create', { name: 'Staff' });
  for (const uid of uids) await callOk(core, 'cards.enroll', { uid, notation: 'hex', groupId: group.id });
}

/**
 * Lets the box decide cards on its list before asking its CSMS (`preAuthorize`: the key of its version),
 * pushes Staff to it, and returns the idTags the box now holds, sorted.
 */
async function pushStaff(core: Core, box: SimStation, preAuthorize: string): Promise<string[]> {
  const set = await callOk(core, 'config.set', {
    identity: box.identity,
    changes: [{ key: preAuthorize, value: 'true' }],
  });
  assert.equal(set[0]?.status, 'Accepted');
  const pushed = await callOk(core, 'cards.push', { identity: box.identity, groups: ['Staff'] });
  assert.equal(pushed.verified, true);
  return box
    .localList()
    .entries.map((e) => e.idTag)
    .sort();
}

test('a box still Pending sends no Authorize: a card tapped there is decided by nobody', async (t) => {
  const { box } = await learnBox(t, {
    ocppVersion: '1.6',
    identity: 'WB-PENDING',
    uidFormat: 'hex-lsb-upper',
  });
  const tap = await box.tap('04A1B2C3');
  assert.deepEqual(tap, { idTag: 'C3B2A104', answeredBy: 'nobody', status: 'NotRegistered' });
});

test('a 1.6 box that writes cards reversed (KEBA-like) is learned, and its list lets the card in at the box', async (t) => {
  const { core, box } = await learnBox(t, {
    ocppVersion: '1.6',
    identity: 'WB-KEBA',
    uidFormat: 'hex-lsb-upper',
  });
  const stages: string[] = [];
  const off = core.router.subscribe((event, payload) => {
    if (event === 'formats.learn') stages.push((payload as LearnProgress).stage);
  });
  const { reply, tap } = await learnWithTap(core, box, '04 A1 B2 C3', '04A1B2C3');
  off();
  // The tool is not the box's CSMS: the card is refused while it learns.
  assert.deepEqual(tap, { idTag: 'C3B2A104', answeredBy: 'csms', status: 'Invalid' });
  assert.ok(reply.ok, JSON.stringify(reply));
  const outcome = reply.result as LearnOutcome;
  assert.equal(outcome.preset, 'hex-lsb-upper');
  assert.equal(outcome.needsAnotherCard, false);
  assert.deepEqual(outcome.heard, { uidHex: '04A1B2C3', idTag: 'C3B2A104' });
  assert.equal(outcome.example, '3D2C1B0A');
  assert.deepEqual(stages, ['booting', 'waiting-for-tap', 'heard', 'learned']);

  const profile = await callOk(core, 'formats.get', { identity: 'WB-KEBA' });
  assert.equal(profile?.preset, 'hex-lsb-upper');
  assert.equal(profile?.source, 'learned');
  assert.deepEqual(profile?.evidence, [{ uidHex: '04A1B2C3', idTag: 'C3B2A104' }]);
  const audit = await callOk(core, 'audit.list', { entity: 'uid-format' });
  assert.equal(audit[0]?.action, 'uid-format.learn');

  await staffWithCards(core, ['04A1B2C3', '04 11 22 33 44 55 66']);
  assert.deepEqual(await pushStaff(core, box, 'LocalPreAuthorize'), ['66554433221104', 'C3B2A104']);

  assert.deepEqual(await box.tap('04A1B2C3'), {
    idTag: 'C3B2A104',
    answeredBy: 'local-list',
    status: 'Accepted',
  });
  assert.equal((await box.tap('04112233445566')).answeredBy, 'local-list');
  // A card that is not on the list still goes to the CSMS, which never lets it charge.
  assert.deepEqual(await box.tap('0A0B0C0D'), { idTag: '0D0C0B0A', answeredBy: 'csms', status: 'Invalid' });
});

test('a 2.0.1 box that writes cards as 10 decimal digits is learned, with the idToken type it sends', async (t) => {
  const { core, box } = await learnBox(t, {
    ocppVersion: '2.0.1',
    identity: 'WB-DEC',
    uidFormat: 'decimal-msb-10',
  });
  const { reply, tap } = await learnWithTap(core, box, '04A1B2C3', '04A1B2C3');
  assert.deepEqual(tap, { idTag: '0077705923', tokenType: 'Local', answeredBy: 'csms', status: 'Unknown' });
  assert.ok(reply.ok, JSON.stringify(reply));
  const outcome = reply.result as LearnOutcome;
  // Among the formats that write 4-byte cards alike, the field preset (4 bytes, 10 digits) is kept.
  assert.equal(outcome.preset, 'decimal-msb-10');
  assert.equal(outcome.saved?.tokenType, 'Local');

  await staffWithCards(core, ['04A1B2C3', '04 11 22 33 44 55 66']);
  // The 7-byte card as this box reads it: its first 4 bytes, 0x04112233 = 68231731.
  assert.deepEqual(await pushStaff(core, box, 'AuthCtrlr.LocalPreAuthorize'), ['0068231731', '0077705923']);
  assert.deepEqual(await box.tap('04A1B2C3'), {
    idTag: '0077705923',
    tokenType: 'Local',
    answeredBy: 'local-list',
    status: 'Accepted',
  });
  assert.equal((await box.tap('04112233445566')).status, 'Accepted');
});

test('a palindromic card leaves the byte order open: nothing is saved until a second card decides', async (t) => {
  const { core, box } = await learnBox(t, {
    ocppVersion: '1.6',
    identity: 'WB-PAL',
    uidFormat: 'hex-lsb-upper',
  });
  const first = await learnWithTap(core, box, '04A1A104', '04A1A104');
  assert.ok(first.reply.ok);
  const open = first.reply.result as LearnOutcome;
  assert.equal(open.needsAnotherCard, true);
  assert.equal(open.saved, null);
  assert.ok(open.alternatives.some((a) => a.format.byteOrder !== open.format.byteOrder));
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-PAL' }), null);

  const same = await callRaw(core, 'formats.learn', {
    identity: 'WB-PAL',
    uidHex: '04A1A104',
    timeoutSeconds: 20,
    previous: open.evidence,
  });
  assert.equal(
    same.ok ? '' : `${same.error.code}/${same.error.params.reason}`,
    'FORMAT_LEARN_FAILED/SAME_CARD',
  );

  // The box is Accepted by now: the second tap goes straight to the CSMS.
  let off = () => {};
  const waiting = new Promise<void>((resolve) => {
    off = core.router.subscribe((event, payload) => {
      if (event === 'formats.learn' && (payload as LearnProgress).stage === 'waiting-for-tap') resolve();
    });
  });
  const reply = callRaw(core, 'formats.learn', {
    identity: 'WB-PAL',
    uidHex: '04A1B2C3',
    timeoutSeconds: 20,
    previous: open.evidence,
  });
  await waiting;
  off();
  await box.tap('04A1B2C3');
  const second = await reply;
  assert.ok(second.ok, JSON.stringify(second));
  const decided = second.result as LearnOutcome;
  assert.equal(decided.preset, 'hex-lsb-upper');
  assert.equal(decided.needsAnotherCard, false);
  assert.equal(decided.evidence.length, 2);
  assert.equal((await callOk(core, 'formats.get', { identity: 'WB-PAL' }))?.evidence.length, 2);
});

test('a box that sends another card than the one read on the desktop: a clear error with the closest formats', async (t) => {
  const { core, box } = await learnBox(t, {
    ocppVersion: '1.6',
    identity: 'WB-OTHER',
    uidFormat: 'hex-lsb-upper',
  });
  const { reply } = await learnWithTap(core, box, '04A1B2C3', '0A1B2C3D');
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'FORMAT_LEARN_FAILED');
  assert.equal(reply.error.params.reason, 'UID_LEARN_NO_MATCH');
  assert.match(reply.error.message, /no known format turns 04A1B2C3 into "3D2C1B0A"/);
  assert.match(reply.error.remedy, /"C3B2A104" \(hex-lsb-upper\)/);
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-OTHER' }), null);
  assert.deepEqual(await callOk(core, 'audit.list', { entity: 'uid-format' }), []);
});

test('a box that never sends Authorize: the learning times out with a clear error, nothing saved', async (t) => {
  const { core } = await learnBox(t, { ocppVersion: '2.0.1', identity: 'WB-SILENT' });
  const reply = await callRaw(core, 'formats.learn', {
    identity: 'WB-SILENT',
    uidHex: '04A1B2C3',
    timeoutSeconds: 5,
  });
  assert.equal(reply.ok ? '' : reply.error.code, 'FORMAT_LEARN_NO_TAP');
  if (!reply.ok) assert.match(reply.error.message, /WB-SILENT within 5 s/);
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-SILENT' }), null);
  // The box is free for the next learning, and one running learning is refused a second time.
  const next = callRaw(core, 'formats.learn', {
    identity: 'WB-SILENT',
    uidHex: '04A1B2C3',
    timeoutSeconds: 30,
  });
  const busy = await callRaw(core, 'formats.learn', { identity: 'WB-SILENT', uidHex: '04A1B2C3' });
  assert.equal(busy.ok ? '' : busy.error.code, 'FORMAT_LEARN_BUSY');
  assert.deepEqual(await callOk(core, 'formats.cancelLearn', { identity: 'WB-SILENT' }), { cancelled: true });
  const cancelled = await next;
  assert.equal(cancelled.ok ? '' : cancelled.error.code, 'CANCELLED');
});

test('cards a 1.6 box cannot hold in its idTag are reported, and nothing is pushed', async (t) => {
  const { core, box } = await learnBox(t, { ocppVersion: '1.6', identity: 'WB-LONG' });
  // Chosen by hand: the whole UID in decimal behind a fixed text, as some firmwares send it.
  await callOk(core, 'formats.save', {
    identity: 'WB-LONG',
    format: {
      notation: 'decimal',
      byteOrder: 'msb',
      firstBytes: null,
      padding: 'full',
      prefix: 'RFID-',
      suffix: '',
    },
  });
  await staffWithCards(core, ['04A1B2C3', '04 11 22 33 44 55 66']);
  const reply = await callRaw(core, 'cards.push', { identity: 'WB-LONG', groups: ['Staff'] });
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'CARD_NOT_FOR_BOX');
  assert.equal(reply.error.params.reason, 'UID_IDTAG_TOO_LONG');
  assert.equal(reply.error.params.card, '04112233445566');
  assert.equal(reply.error.params.count, 1);
  // 7 bytes are 17 decimal digits: with the 5 characters before them, 22 > 20.
  assert.match(reply.error.message, /"RFID-01144738493519206" has 22 characters/);
  assert.equal(box.localList().version, 0);

  // Two 7-byte cards that share their first 4 bytes look alike to a box that reads only 4.
  await callOk(core, 'formats.save', { identity: 'WB-LONG', format: 'decimal-msb-10' });
  await callOk(core, 'cards.enroll', { uid: '04 11 22 33 99 88 77', notation: 'hex', groupId: 1 });
  const alike = await callRaw(core, 'cards.push', { identity: 'WB-LONG', groups: ['Staff'] });
  assert.equal(alike.ok ? '' : alike.error.params.reason, 'IDTAG_COLLISION');
  assert.equal(box.localList().version, 0);

  // Forgotten, the list goes as upper-case hex, which every UID fits.
  assert.deepEqual(await callOk(core, 'formats.clear', { identity: 'WB-LONG' }), { cleared: true });
  const pushed = await callOk(core, 'cards.push', { identity: 'WB-LONG', groups: ['Staff'] });
  assert.equal(pushed.entries, 3);
});

test('wbc cards learn waits for the box, learns from the tap and keeps the format for wbc cards format', async (t) => {
  const dataDir = tempDir(t);
  const cli = await wbcWaitingForBox(t, [
    'cards',
    'learn',
    '--identity',
    'WB-CLI',
    '--uid',
    '04A1B2C3',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout',
    '30',
    '--data-dir',
    dataDir,
  ]);
  const box = createSimStation({
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-CLI',
    uidFormat: 'hex-lsb-lower',
  });
  t.after(() => box.stop());
  const booted = acceptedBoot(box);
  await box.start();
  await booted;
  assert.equal((await box.tap('04A1B2C3')).idTag, 'c3b2a104');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stdout(), /WB-CLI writes cards as hex-lsb-lower/);
  assert.match(cli.stderr(), /Now tap the card 04A1B2C3 at the box WB-CLI/);

  const shown = await wbc(['cards', 'format', '--identity', 'WB-CLI', '--data-dir', dataDir, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).preset, 'hex-lsb-lower');
  const wrong = await wbc([
    'cards',
    'format',
    '--identity',
    'WB-CLI',
    '--uid-format',
    'hex-sideways',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /format/);
});

test('without a typed UID, the card read on an open desktop reader is the one learned', async (t) => {
  const core = testCore(t, {
    readerSources: [new SerialSource({ list: async () => [], debounceMs: 300 })],
    readerScanMs: 50,
  });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const box = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-READER',
    uidFormat: 'hex-lsb-upper',
  });
  const none = await callRaw(core, 'formats.learn', { identity: 'WB-READER', timeoutSeconds: 20 });
  assert.equal(none.ok ? '' : none.error.code, 'FORMAT_LEARN_NO_READER');

  const pair = await ptyPair(t);
  const reader = await callOk(core, 'readers.addSerial', { path: pair.a });
  await callOk(core, 'enrollment.start', { readers: [reader.id] });
  const send = await mfrc522Bridge(t, pair.b);
  const booted = acceptedBoot(box);
  const reply = callRaw(core, 'formats.learn', { identity: 'WB-READER', timeoutSeconds: 20 });
  await send('Card UID: 04 A1 B2 C3');
  await booted;
  await box.tap('04A1B2C3');
  const learned = await reply;
  assert.ok(learned.ok, JSON.stringify(learned));
  const outcome = learned.result as LearnOutcome;
  assert.deepEqual(outcome.heard, { uidHex: '04A1B2C3', idTag: 'C3B2A104' });
  assert.equal(outcome.saved?.preset, 'hex-lsb-upper');
});

test('wbc simulate reads "tap UID" lines and the box sends the card the way its vendor writes it', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { child, stdout, stderr, exited } = wbcRunning(t, [
    'simulate',
    '--ocpp',
    '1.6',
    '--url',
    url,
    '--identity',
    'WB-STDIN',
    '--uid-format',
    'hex-lsb-upper',
  ]);
  await core.ocpp.csms.waitFor('WB-STDIN', { timeoutMs: 10_000, booted: true });
  child.stdin.write('hello\n');
  const reply = callRaw(core, 'formats.learn', {
    identity: 'WB-STDIN',
    uidHex: '04A1B2C3',
    timeoutSeconds: 20,
  });
  let settled = false;
  void reply.finally(() => {
    settled = true;
  });
  // Until the box is Accepted it keeps the card to itself (nobody decides); each line is one tap.
  while (!settled) {
    child.stdin.write('tap 04 A1 B2 C3\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const learned = await reply;
  assert.ok(learned.ok, JSON.stringify(learned));
  assert.equal((learned.result as { preset: string }).preset, 'hex-lsb-upper');
  // The learn call ends when the core has the card; the box prints the CSMS's answer a moment later.
  const answered = /WB-STDIN: card sent as "C3B2A104": Invalid \(answered by the CSMS\)/;
  await until(() => answered.test(stdout()), 10_000).catch(() => assert.match(stdout(), answered));
  assert.match(stderr(), /Not understood: "hello"/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
