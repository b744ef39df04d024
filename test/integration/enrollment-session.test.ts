// Batch enrollment through the api as the enrollment screen drives it: a real core, a serial reader on a
// socat pty pair, a HID reader fed with recorded reports; each tap stored and audited before it is shown.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { ReadersSnapshot, TapOutcome } from '../../main/api/types.ts';
import type { Core } from '../../main/core.ts';
import { HidSource } from '../../main/rfid/hid-source.ts';
import { SerialSource } from '../../main/rfid/serial-source.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { FakeHidDevice } from '../support/hid-reports.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { mfrc522Bridge } from '../support/serial-bridge.ts';
import { until } from '../support/until.ts';

/** A core whose only readers are serial ports added by path (the OS lists no ptys). */
function serialCore(t: TestContext, debounceMs = 300) {
  const core = testCore(t, {
    readerSources: [new SerialSource({ list: async () => [], debounceMs })],
    readerScanMs: 50,
  });
  const taps: TapOutcome[] = [];
  /** For each announced tap: was its card already in the database when the event went out? */
  const storedFirst: boolean[] = [];
  const changes: ReadersSnapshot[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'cards.tapped') {
      const tap = payload as TapOutcome;
      taps.push(tap);
      if (tap.ok)
        storedFirst.push(Boolean(core.store.db.prepare('SELECT 1 FROM cards WHERE id = ?').get(tap.card.id)));
    }
    if (event === 'readers.changed') changes.push(payload as ReadersSnapshot);
  });
  return { core, taps, storedFirst, changes };
}

async function serialReader(t: TestContext, core: Core) {
  const pair = await ptyPair(t);
  const reader = await callOk(core, 'readers.addSerial', { path: pair.a });
  return { pair, reader, send: await mfrc522Bridge(t, pair.b) };
}

test('taps on a serial reader become cards of the group with the next labels, stored and audited before shown', async (t) => {
  const { core, taps, storedFirst, changes } = serialCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  const { reader, send } = await serialReader(t, core);
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const status = await callOk(core, 'enrollment.start', {
    readers: [reader.id],
    groupId: group.id,
    label: 'Fleet-###',
    owner: 'Depot North',
    validUntil,
  });
  assert.equal(status.active, true);
  assert.deepEqual(status.readers, [reader.id]);
  const listed = await callOk(core, 'readers.list', {});
  assert.equal(listed.readers.find((r) => r.id === reader.id)?.state, 'open');
  assert.ok(changes.some((c) => c.readers.some((r) => r.id === reader.id && r.state === 'open')));

  await send('Card UID: 04 A1 B2 C3');
  await send('Card UID: 04 D5 E6 F7 A1 B2 C3');
  await until(() => taps.length === 2);
  assert.deepEqual(
    taps.map((tap) =>
      tap.ok ? [tap.card.label, tap.card.uidHex, tap.duplicate, tap.reader] : tap.error.code,
    ),
    [
      ['Fleet-001', '04A1B2C3', false, reader.id],
      ['Fleet-002', '04D5E6F7A1B2C3', false, reader.id],
    ],
  );
  assert.deepEqual(storedFirst, [true, true]);
  const cards = await callOk(core, 'cards.list', { groupId: group.id });
  assert.deepEqual(
    cards.map((c) => [c.label, c.owner, c.validUntil, c.source, c.reader]),
    [
      ['Fleet-001', 'Depot North', validUntil, 'serial', reader.id],
      ['Fleet-002', 'Depot North', validUntil, 'serial', reader.id],
    ],
  );
  const audit = await callOk(core, 'audit.list', { entity: 'card' });
  assert.equal(audit.filter((a) => a.action === 'card.enroll').length, 2);
  const stopped = await callOk(core, 'enrollment.stop', {});
  assert.deepEqual([stopped.active, stopped.taps, stopped.enrolled], [false, 2, 2]);
  assert.equal(
    (await callOk(core, 'readers.list', {})).readers.find((r) => r.id === reader.id)?.state,
    'available',
  );
});

test('a card lying on the reader is one tap; tapped again later it is already enrolled, not stored twice', async (t) => {
  const { core, taps } = serialCore(t, 500);
  const { reader, send } = await serialReader(t, core);
  await callOk(core, 'enrollment.start', { readers: [reader.id], label: 'Guest-##' });
  // The sketch repeats the UID every 50 ms while the card lies there.
  for (let i = 0; i < 5; i++) {
    await send('Card UID: 04 A1 B2 C3');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await until(() => taps.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 1200)); // the card was taken away
  await send('Card UID: 04 A1 B2 C3');
  await until(() => taps.length === 2);
  const [first, second] = taps;
  assert.ok(first?.ok && second?.ok);
  assert.deepEqual([first.duplicate, second.duplicate], [false, true]);
  assert.equal(second.card.id, first.card.id);
  assert.equal((await callOk(core, 'cards.list', {})).length, 1);
  const status = await callOk(core, 'enrollment.status', {});
  assert.deepEqual([status.taps, status.enrolled, status.duplicates], [2, 1, 1]);
});

test('a bad UID from a reader or typed by hand comes back as a typed error, and nothing is stored', async (t) => {
  const { core, taps } = serialCore(t);
  const { reader, send } = await serialReader(t, core);
  await callOk(core, 'enrollment.start', { readers: [reader.id], label: 'Fleet-###' });
  await send('Card UID: 08 12 34 56'); // a random UID: new on every tap
  await send('Card UID: 04 ZZ B2 C3'); // line noise
  await until(() => taps.length === 2);
  const typed = await callOk(core, 'enrollment.tap', { uid: '123456', source: 'typed' });
  assert.deepEqual(
    [...taps.slice(0, 2), typed].map((tap) =>
      tap.ok ? 'stored' : [tap.reader, tap.error.code, tap.error.params.reason ?? ''],
    ),
    [
      [reader.id, 'CARD_UID_INVALID', 'UID_RANDOM'],
      [reader.id, 'READER_UNREADABLE_LINE', 'not hex'],
      ['typed', 'CARD_UID_INVALID', 'UID_TOO_SHORT'],
    ],
  );
  assert.deepEqual(await callOk(core, 'cards.list', {}), []);
  const typedHex = await callOk(core, 'enrollment.tap', { uid: '04 a1 b2 c3', source: 'typed' });
  assert.ok(typedHex.ok);
  assert.deepEqual(
    [typedHex.card.label, typedHex.card.source, typedHex.reader],
    ['Fleet-001', 'typed', 'typed'],
  );
  assert.equal((await callOk(core, 'enrollment.status', {})).failed, 3);
});

test('a roster gives out its names in order; when every name has a card, new cards are refused but known ones answered', async (t) => {
  const { core } = serialCore(t);
  await callOk(core, 'enrollment.start', { readers: [], roster: ['Anna', 'Ben'] });
  const tap = (uid: string) => callOk(core, 'enrollment.tap', { uid, source: 'typed' });
  const labels = [await tap('04A1B2C3'), await tap('04A1B2C4')].map((o) =>
    o.ok ? o.card.label : o.error.code,
  );
  assert.deepEqual(labels, ['Anna', 'Ben']);
  const full = await tap('04A1B2C5');
  assert.ok(!full.ok);
  assert.deepEqual(full.error, { code: 'ENROLLMENT_ROSTER_EXHAUSTED', params: { count: 2 } });
  const known = await tap('04 A1 B2 C3');
  assert.ok(known.ok && known.duplicate && known.card.label === 'Anna');
  assert.equal((await callOk(core, 'cards.list', {})).length, 2);
});

test('refused starts and taps: no session, an unknown reader or group, label and roster together, a past date', async (t) => {
  const { core } = serialCore(t);
  const code = async (method: string, params: unknown) => {
    const reply = await callRaw(core, method, params);
    return reply.ok ? 'ok' : reply.error.code;
  };
  assert.equal(await code('enrollment.tap', { uid: '04A1B2C3', source: 'typed' }), 'ENROLLMENT_NOT_ACTIVE');
  assert.equal(
    await code('enrollment.start', { readers: ['serial:/dev/ttyNOPE'] }),
    'READER_UNKNOWN_ID_NONE',
  );
  assert.equal(await code('enrollment.start', { readers: [], groupId: 99 }), 'NOT_FOUND');
  assert.equal(
    await code('enrollment.start', { readers: [], label: 'A-#', roster: ['x'] }),
    'VALIDATION_FAILED',
  );
  assert.equal(
    await code('enrollment.start', { readers: [], validUntil: '2001-01-01T00:00:00Z' }),
    'VALIDATION_FAILED',
  );
  assert.equal(await code('enrollment.start', { readers: [], roster: ['Van #3'] }), 'VALIDATION_FAILED');
  assert.equal(await code('readers.addSerial', { path: 'ttyUSB0' }), 'VALIDATION_FAILED');
  assert.equal(await code('readers.addSerial', { path: '/dev/ttyNOPE0' }), 'READER_NOT_FOUND');
  assert.equal((await callOk(core, 'enrollment.status', {})).active, false);
  const explained = await callRaw(core, 'enrollment.tap', { uid: '04A1B2C3', source: 'typed' });
  assert.ok(!explained.ok && /Start the enrollment/.test(explained.error.remedy));
});

const hexReports = (text: string): Buffer[] => {
  const usage: Record<string, number> = { '0': 0x27, A: 0x04, B: 0x05, C: 0x06, D: 0x07, E: 0x08, F: 0x09 };
  const reports: Buffer[] = [];
  for (const ch of text) {
    const key = usage[ch] ?? 0x1e + Number(ch) - 1;
    reports.push(Buffer.from([/[A-F]/.test(ch) ? 0x02 : 0, 0, key, 0, 0, 0, 0, 0]), Buffer.alloc(8));
  }
  reports.push(Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0]), Buffer.alloc(8));
  return reports;
};

test('a keyboard reader read over HID also types into the window: the window echo is the same tap, announced once', async (t) => {
  const device = new FakeHidDevice();
  const hid = new HidSource({
    platform: 'linux',
    backend: async () => ({
      devices: async () => [
        { vendorId: 0x08ff, productId: 0x0009, path: '/dev/hidraw3', interface: 0, usagePage: 1, usage: 6 },
      ],
      open: async () => device,
    }),
  });
  const core = testCore(t, { readerSources: [hid], readerScanMs: 50 });
  const taps: TapOutcome[] = [];
  core.router.subscribe((event, payload) => event === 'cards.tapped' && taps.push(payload as TapOutcome));
  const listed = await callOk(core, 'readers.list', {});
  assert.deepEqual(
    listed.readers.map((r) => [r.id, r.kind, r.state]),
    [['hid:/dev/hidraw3', 'hid', 'available']],
  );
  await callOk(core, 'enrollment.start', { readers: ['hid:/dev/hidraw3'], label: 'Fleet-###' });
  for (const report of hexReports('04A1B2C3')) device.emit('data', report);
  assert.equal(taps.length, 1);
  const echo = await callOk(core, 'enrollment.tap', { uid: '04A1B2C3', source: 'hid' });
  assert.deepEqual(echo, taps[0]);
  assert.equal(taps.length, 1, 'the echo is not a second tap');
  assert.equal((await callOk(core, 'enrollment.status', {})).taps, 1);
  // Unplugged: the reader shows why, and the session goes on with typed input.
  device.emit('error', new Error('could not read from HID device: No such device'));
  const after = await callOk(core, 'readers.list', {});
  assert.equal(after.readers[0]?.error?.code, 'READER_UNPLUGGED');
  const typed = await callOk(core, 'enrollment.tap', { uid: '04A1B2C4', source: 'typed' });
  assert.ok(typed.ok && typed.card.label === 'Fleet-002');
});

test('a mistyped reader id is refused with the readers there are', async (t) => {
  const { core } = serialCore(t);
  const { reader } = await serialReader(t, core);
  const reply = await callRaw(core, 'enrollment.start', { readers: ['serial:/dev/ttyNOPE'] });
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'READER_UNKNOWN_ID');
  assert.equal(reply.error.message, `There is no reader serial:/dev/ttyNOPE. Readers here: ${reader.id}.`);
});
