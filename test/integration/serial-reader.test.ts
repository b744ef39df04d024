// Serial RFID bridges on real virtual ports (a socat pty pair): MFRC522 lines and RDM6300 frames, one card
// per tap, noise and bad frames reported without losing cards, the reader unplugged mid-read, open faults.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { CardEvent, ReaderError, RemovedEvent } from '../../main/rfid/reader.ts';
import { isReaderFailure, uidHex } from '../../main/rfid/reader.ts';
import { parseBridgeLine, Rdm6300Decoder, rdm6300Frame } from '../../main/rfid/serial-bridge.ts';
import { openFault, SerialRfidReader } from '../../main/rfid/serial-reader.ts';
import { type PtyPair, ptyPair } from '../support/pty-pair.ts';
import { serialDevice } from '../support/serial-bridge.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A reader on the pair's A end, with everything it emits recorded. */
async function reader(
  t: TestContext,
  pair: PtyPair,
  options: { format?: 'lines' | 'rdm6300'; debounceMs?: number } = {},
) {
  const r = new SerialRfidReader({ path: pair.a, ...options });
  const seen = {
    cards: [] as CardEvent[],
    removed: [] as RemovedEvent[],
    errors: [] as ReaderError[],
    gone: [] as ReaderError[],
  };
  r.on('card', (e) => seen.cards.push(e));
  r.on('removed', (e) => seen.removed.push(e));
  r.on('error', (e) => seen.errors.push(e));
  r.on('gone', (e) => seen.gone.push(e));
  await r.open();
  t.after(() => r.close());
  return { r, seen, uids: () => seen.cards.map((c) => uidHex(c.uid)) };
}

test('bridge lines: labels, separators, case, single-digit bytes and lengths; status text is ignored', () => {
  const uid = (line: string) => {
    const result = parseBridgeLine(line);
    return result.kind === 'uid'
      ? uidHex(result.uid)
      : result.kind === 'ignored'
        ? 'ignored'
        : `unreadable: ${result.reason}`;
  };
  assert.deepEqual(
    [
      'Card UID: 04 A1 B2 C3',
      'UID: 04:a1:b2:c3',
      '04A1B2C3',
      'Card UID:  4 A1 B2 C3',
      'card uid: 4 a1 2 c3\r',
      'UID=0x04,0x5A,0x3B,0x12,0x6C,0x80,0x81',
      'Tag ID: 045A3B126C8081',
      'UID tag : 04 A1 B2 C3',
      'Card detected, UID: 04 A1 B2 C3',
      'Card detected, UID: none',
      '04 5a 3b 12 6c 80 81 aa bb cc',
      'PICC type: MIFARE 1KB',
      'Scan PICC to see UID, SAK, type, and data blocks...',
      'Card SAK: 08',
      'Firmware Version: 0x92 = v2.0',
      '',
      'Card UID: 04 ZZ B2 C3',
      'Card UID:',
      'Card UID: 4A1B2C3',
      'Card UID: 04A1 B2C3',
      'A1 B2',
      '\u0000\u00ff\u00fe\u0080',
    ].map(uid),
    [
      '04A1B2C3',
      '04A1B2C3',
      '04A1B2C3',
      '04A1B2C3',
      '04A102C3',
      '045A3B126C8081',
      '045A3B126C8081',
      '04A1B2C3',
      '04A1B2C3',
      'ignored',
      '045A3B126C8081AABBCC',
      'ignored',
      'ignored',
      'ignored',
      'ignored',
      'ignored',
      'unreadable: not hex',
      'unreadable: label without UID',
      'unreadable: odd number of hex digits',
      'unreadable: uneven hex groups',
      'unreadable: 2 bytes',
      'unreadable: control bytes',
    ],
  );
});

test('RDM6300 decoder: frames split anywhere, noise and a cut frame resynchronise, checksums are checked', () => {
  const good = rdm6300Frame(Uint8Array.from([0x1a, 0x00, 0x38, 0xc5, 0xb7]));
  const other = rdm6300Frame(Uint8Array.from([0x0f, 0x00, 0x12, 0x34, 0x56]));
  const badSum = Uint8Array.from(good);
  badSum[12] = badSum[12] === 0x30 ? 0x31 : 0x30;
  const cut = good.subarray(0, 6); // the module was reset mid-frame
  const stream = Uint8Array.from([0xff, 0x00, ...cut, ...other, ...badSum, ...good]);
  const decoder = new Rdm6300Decoder({ reader: 'serial:x' });
  // One byte at a time, as a slow UART may deliver it.
  const out = Array.from(stream).flatMap((b) => decoder.push(Uint8Array.of(b)));
  assert.deepEqual(
    out.map((o) =>
      o.kind === 'uid' ? uidHex(o.uid) : `${o.error.code} ${o.error.params.reason ?? ''}`.trim(),
    ),
    [
      'READER_BAD_FRAME noise between frames',
      'READER_BAD_FRAME frame cut short',
      '0F00123456',
      'READER_BAD_CHECKSUM',
      '1A0038C5B7',
    ],
  );
});

test('a card lying on the bridge is one tap; a second card and the first again are new taps', async (t) => {
  const pair = await ptyPair(t);
  const { seen, uids } = await reader(t, pair, { debounceMs: 800 });
  const bridge = await serialDevice(t, pair.b);
  await bridge.send(
    'MFRC522 Software Version: 0x92 = v2.0\r\nScan PICC to see UID, SAK, type, and data blocks...\r\n',
  );
  // The sketch prints the UID every 100 ms while the card lies there.
  for (let i = 0; i < 8; i++) {
    await bridge.send('Card UID: 04 A1 B2 C3\r\n');
    await sleep(100);
  }
  await until(() => seen.removed.length === 1);
  assert.deepEqual(uids(), ['04A1B2C3']);
  assert.equal(uidHex(seen.removed[0]?.uid ?? new Uint8Array()), '04A1B2C3');
  await bridge.send('Card UID: 04 5A 3B 12 6C 80 81\r\n');
  await until(() => seen.cards.length === 2);
  await until(() => seen.removed.length === 2);
  await bridge.send('UID: 04:a1:b2:c3\n');
  await until(() => seen.cards.length === 3);
  assert.deepEqual(uids(), ['04A1B2C3', '045A3B126C8081', '04A1B2C3']);
  assert.ok(seen.cards.every((c) => c.reader === `serial:${pair.a}` && !Number.isNaN(Date.parse(c.at))));
  assert.deepEqual(seen.errors, []);
});

test('garbage on the line between cards is reported and no card is lost', async (t) => {
  const pair = await ptyPair(t);
  const { seen, uids } = await reader(t, pair, { debounceMs: 300 });
  const bridge = await serialDevice(t, pair.b);
  await bridge.send('Card UID: 04 A1 B2 C3\r\n');
  await bridge.send('\u0000\u00ff\u00fe\u0080\u00f8'); // line noise without a line end, glued to the next line
  await bridge.send('Card UID: 04 5A 3B 12 6C 80 81\r\nPICC type: MIFARE 1KB\r\nCard UID: 04 ZZ\r\n');
  await bridge.send('Card UID: 08 11 22 33\r\n');
  await until(() => seen.cards.length === 3 && seen.errors.length === 2);
  assert.deepEqual(uids(), ['04A1B2C3', '045A3B126C8081', '08112233']);
  assert.deepEqual(
    seen.errors.map((e) => [e.code, e.params.reason, e.params.baudRate]),
    [
      ['READER_UNREADABLE_LINE', 'control bytes', 9600],
      ['READER_UNREADABLE_LINE', 'not hex', 9600],
    ],
  );
  assert.equal(seen.errors[0]?.params.line, '\\x00\\xff\\xfe\\x80\\xf8');
});

test('RDM6300 frames on the port: a bad checksum is reported, the good frame after it is the card', async (t) => {
  const pair = await ptyPair(t);
  const { seen, uids } = await reader(t, pair, { format: 'rdm6300', debounceMs: 500 });
  const bridge = await serialDevice(t, pair.b);
  const good = rdm6300Frame(Uint8Array.from([0x1a, 0x00, 0x38, 0xc5, 0xb7]));
  const bad = Uint8Array.from(good);
  bad[11] = 0x46; // one checksum digit flipped to 'F'
  await bridge.send(bad);
  // The module repeats the frame while the tag stays in the field.
  for (let i = 0; i < 4; i++) {
    await bridge.send(good);
    await sleep(100);
  }
  await until(() => seen.cards.length === 1 && seen.errors.length === 1);
  await sleep(200);
  assert.deepEqual(uids(), ['1A0038C5B7']);
  assert.equal(seen.errors[0]?.code, 'READER_BAD_CHECKSUM');
  assert.equal(seen.errors[0]?.params.computed, '50');
});

test('the reader unplugged mid-read emits gone with a typed error; close afterwards is harmless', async (t) => {
  const pair = await ptyPair(t);
  const { r, seen, uids } = await reader(t, pair);
  const bridge = await serialDevice(t, pair.b);
  await bridge.send('Card UID: 04 A1 B2 C3\r\nCard UID: 04 A1');
  await until(() => seen.cards.length === 1);
  await pair.unplug();
  const gone = await until(() => seen.gone[0]);
  assert.equal(gone.code, 'READER_UNPLUGGED');
  assert.equal(gone.params.path, pair.a);
  assert.equal(r.isOpen, false);
  await r.close();
  await sleep(200);
  assert.deepEqual(uids(), ['04A1B2C3']);
  assert.equal(seen.gone.length, 1);
  assert.deepEqual(seen.errors, []);
});

test('opening a port that does not exist fails with READER_NOT_FOUND, as an error event and a rejection', async (t) => {
  const path = join(tempDir(t), 'ttyUSB9');
  const r = new SerialRfidReader({ path });
  const emitted: ReaderError[] = [];
  r.on('error', (e) => emitted.push(e));
  const failure = await r.open().then(
    () => assert.fail('opened a missing port'),
    (err: unknown) => err,
  );
  assert.ok(isReaderFailure(failure));
  assert.deepEqual(failure.fault, { code: 'READER_NOT_FOUND', reader: `serial:${path}`, params: { path } });
  assert.deepEqual(emitted, [failure.fault]);
  await r.close();
});

test('a port another program holds is READER_BUSY; permission denied names the group to join', async (t) => {
  const pair = await ptyPair(t);
  await reader(t, pair);
  const second = new SerialRfidReader({ path: pair.a });
  await assert.rejects(
    second.open(),
    (err: unknown) => isReaderFailure(err) && err.fault.code === 'READER_BUSY',
  );

  // These tests run as root here, where no device refuses; the mapping is checked on the message
  // serialport gives for EACCES, with a device file whose group is not a user's.
  const file = join(tempDir(t), 'ttyUSB0');
  writeFileSync(file, '');
  chmodSync(file, 0o660);
  const denied = await openFault(
    file,
    new Error(`Error: Permission denied, cannot open ${file}`),
    'serial:x',
  );
  assert.equal(denied.code, 'READER_ACCESS_DENIED');
  assert.equal(denied.params.group, 'dialout');
  const other = await openFault(file, new Error('Error: Input/output error setting custom baud rate'));
  assert.deepEqual(other.params, { path: file, detail: 'Input/output error setting custom baud rate' });
});
