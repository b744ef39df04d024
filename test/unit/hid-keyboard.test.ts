// The keyboard-wedge decoder on report buffers as wedge readers send them (boot keyboard, with and
// without a report id): shifted hex, keypad decimal, held keys, bursts, a half reading, bad reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HidDecoderOutput, HidKeyboardDecoder, wedgeLineToUid } from '../../main/rfid/hid-keyboard.ts';
import { capture, keypadDecimal, upperHex } from '../support/hid-reports.ts';

/** Feeds reports 8 ms apart (a wedge reader's pace) from `start`; returns everything decoded. */
function feed(
  decoder: HidKeyboardDecoder,
  reports: Uint8Array[],
  start = 1000,
  step = 8,
): HidDecoderOutput[] {
  return reports.flatMap((r, i) => decoder.push(r, start + i * step));
}

const lines = (out: HidDecoderOutput[]) => out.flatMap((o) => (o.kind === 'line' ? [o.text] : []));
const errors = (out: HidDecoderOutput[]) => out.flatMap((o) => (o.kind === 'error' ? [o.error] : []));

// A 7-byte card in lower-case hex (04 5a 3b 12 6c 80 81): no shift, digits row.
const lowerHex7 = capture(`
  00 00 27 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 21 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 22 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 04 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 20 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 05 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 1e 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 1f 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 23 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 06 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 25 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 27 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 25 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 1e 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 28 00 00 00 00 00
  00 00 00 00 00 00 00 00
`);

test('upper-case hex with shift reports decodes to the typed line and the card bytes', () => {
  const out = feed(new HidKeyboardDecoder(), upperHex);
  assert.deepEqual(lines(out), ['04A1B2C3']);
  assert.deepEqual(errors(out), []);
  const parsed = wedgeLineToUid('04A1B2C3');
  assert.ok(parsed.ok);
  assert.deepEqual([...parsed.uid], [0x04, 0xa1, 0xb2, 0xc3]);
  assert.equal(parsed.form, 'hex');
});

test('a report id, keypad digits and keypad Enter give the decimal line; it becomes the same four bytes', () => {
  const out = feed(new HidKeyboardDecoder(), keypadDecimal);
  assert.deepEqual(lines(out), ['3283263748']);
  const parsed = wedgeLineToUid('3283263748');
  assert.ok(parsed.ok);
  assert.deepEqual([...parsed.uid], [0x04, 0xa1, 0xb2, 0xc3]);
  assert.equal(parsed.form, 'decimal');
});

test('a key held across reports (repeated state, rollover) is typed once; a release then a press types it again', () => {
  const held = capture(`
    00 00 21 00 00 00 00 00
    00 00 21 00 00 00 00 00
    00 00 21 27 00 00 00 00
    00 00 27 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 27 00 00 00 00 00
    00 00 01 01 01 01 01 01
    00 00 00 00 00 00 00 00
    00 00 21 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 1e 00 00 00 00 00
    00 00 1e 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 1e 00 00 00 00 00
    00 00 00 00 00 00 00 00
    00 00 28 00 00 00 00 00
    00 00 28 00 00 00 00 00
    00 00 00 00 00 00 00 00
  `);
  // 4, 0 (while 4 is held), 0 again after a release; the ErrorRollOver report changes nothing.
  assert.deepEqual(lines(feed(new HidKeyboardDecoder(), held)), ['400411']);
});

test('a burst of two cards, back to back in one stream, gives two lines in order', () => {
  const decoder = new HidKeyboardDecoder();
  const out = feed(decoder, [...upperHex, ...lowerHex7]);
  assert.deepEqual(lines(out), ['04A1B2C3', '045a3b126c8081']);
  const second = wedgeLineToUid('045a3b126c8081');
  assert.ok(second.ok);
  assert.deepEqual([...second.uid], [0x04, 0x5a, 0x3b, 0x12, 0x6c, 0x80, 0x81]);
});

test('a half reading is dropped after the idle timeout and does not prefix the next card', () => {
  const decoder = new HidKeyboardDecoder({ idleMs: 300, reader: 'wedge:test' });
  const half = upperHex.slice(0, 8); // "04A1", then the card was pulled away
  assert.deepEqual(feed(decoder, half, 1000), []);
  assert.equal(decoder.partial, '04A1');
  // A timer asking before the timeout finds nothing to drop; after it, the partial is reported.
  assert.deepEqual(decoder.expire(1000 + 8 * 7 + 100), []);
  const dropped = decoder.expire(1000 + 8 * 7 + 301);
  assert.deepEqual(errors(dropped), [
    { code: 'READER_PARTIAL_DROPPED', reader: 'wedge:test', params: { partial: '04A1' } },
  ]);
  assert.deepEqual(lines(feed(decoder, upperHex, 5000)), ['04A1B2C3']);

  // Without a timer, the next report after the pause drops the partial itself.
  const untimed = new HidKeyboardDecoder({ idleMs: 300 });
  feed(untimed, half, 1000);
  const out = feed(untimed, lowerHex7, 2000);
  assert.deepEqual(lines(out), ['045a3b126c8081']);
  assert.equal(errors(out)[0]?.code, 'READER_PARTIAL_DROPPED');
});

test('a report of the wrong size is reported and decoding goes on', () => {
  const decoder = new HidKeyboardDecoder();
  const out = [
    ...feed(decoder, upperHex.slice(0, 4), 1000),
    ...decoder.push(Uint8Array.from([0x00, 0x00, 0x21]), 1040),
    ...feed(decoder, upperHex.slice(4), 1050),
  ];
  assert.deepEqual(errors(out), [{ code: 'READER_BAD_REPORT', reader: '', params: { length: 3 } }]);
  assert.deepEqual(lines(out), ['04A1B2C3']);
});

test('Enter with nothing typed gives no line; unknown keys make the line fail as a UID', () => {
  const decoder = new HidKeyboardDecoder();
  const out = feed(
    decoder,
    capture(`
      00 00 28 00 00 00 00 00
      00 00 00 00 00 00 00 00
      00 00 27 00 00 00 00 00
      00 00 00 00 00 00 00 00
      00 00 3a 00 00 00 00 00
      00 00 00 00 00 00 00 00
      00 00 28 00 00 00 00 00
      00 00 00 00 00 00 00 00
    `),
  );
  assert.deepEqual(lines(out), ['0\u{fffd}']);
  assert.equal(wedgeLineToUid('0\u{fffd}').ok, false);
});

test('lines that are not UIDs come back as typed errors with a reason', () => {
  const reasons = ['', 'hello', '4A1B2C3', '04A1B2', '9999999999', '04A1B2C3D4E5F60708090A0B'].map((line) => {
    const result = wedgeLineToUid(line, 'wedge:1');
    assert.equal(result.ok, false);
    return result.ok ? '' : `${result.error.code}: ${result.error.params.reason}`;
  });
  assert.deepEqual(reasons, [
    'READER_NOT_A_UID: empty',
    'READER_NOT_A_UID: not hex or 10 decimal digits',
    'READER_NOT_A_UID: odd number of hex digits',
    'READER_NOT_A_UID: 3 bytes',
    'READER_NOT_A_UID: decimal larger than 4 bytes',
    'READER_NOT_A_UID: 12 bytes',
  ]);
  // Separators and either case are fine; 10 digits are read as decimal, not as 5 hex bytes.
  const spaced = wedgeLineToUid('04:a1:B2:c3');
  assert.ok(spaced.ok);
  assert.deepEqual([...spaced.uid], [0x04, 0xa1, 0xb2, 0xc3]);
  const zero = wedgeLineToUid('0000000001');
  assert.ok(zero.ok);
  assert.deepEqual([...zero.uid], [1, 0, 0, 0]);
});
