// The UID model as the field meets it: readers that disagree on separators, case, byte order and decimal,
// cards that cannot be enrolled, and the OCPP 1.6 / 2.0.1 forms made from the same stored bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseUid,
  relateReadings,
  type Uid,
  type UidResult,
  uidFromBytes,
  uidKey,
} from '../../main/rfid/uid.ts';
import {
  compareIdTags,
  formatUid,
  toIdTag,
  toIdToken,
  type UidFormat,
  uidPresets,
} from '../../main/rfid/uid-format.ts';

function ok<T>(result: UidResult<T>): T {
  if (!result.ok) assert.fail(`expected ok, got ${result.code} ${JSON.stringify(result.params)}`);
  return result.value;
}

function card(hex: string): Uid {
  return ok(parseUid(hex, { source: 'pcsc', readerId: 'acr122u-0', notation: 'hex' }));
}

const typed = { source: 'typed' } as const;

test('hex from readers and people: any separator, either case, with or without 0x', () => {
  for (const text of ['04A1B2C3', '04:a1:b2:c3', '04 A1 B2 C3', '04-A1-B2-C3', ' 0x04a1b2c3 ', '04A1 B2C3']) {
    assert.equal(uidKey(ok(parseUid(text, typed))), '04A1B2C3', text);
  }
});

test('a sketch that prints bytes without their leading zero is still read byte by byte', () => {
  assert.equal(uidKey(ok(parseUid('4 A1 B2 C3', typed))), '04A1B2C3');
  assert.equal(uidKey(ok(parseUid('4:5:6:7:8:9:A', typed))), '0405060708090A');
});

test('a lost leading zero without separators is refused, not guessed', () => {
  const result = parseUid('4A1B2C3', typed);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.code, 'UID_ODD_HEX');
  const uneven = parseUid('4 A1B2C3', typed);
  assert.equal(!uneven.ok && uneven.code, 'UID_HEX_GROUPS');
  const junk = parseUid('04A1B2G3', typed);
  assert.deepEqual(!junk.ok && [junk.code, junk.params.char], ['UID_BAD_CHARACTERS', 'G']);
});

test("a wedge reader's 10 digits are the 4 bytes little-endian", () => {
  const uid = ok(parseUid('3283263748', { source: 'hid', readerId: 'wedge-1' }));
  assert.equal(uidKey(uid), '04A1B2C3');
  assert.equal(uid.readAs, 'decimal');
  assert.equal(uid.readerId, 'wedge-1');
  assert.equal(uidKey(ok(parseUid('0016909060', { ...typed, notation: 'decimal' }))), '04030201');
});

test('8 decimal digits (W26/W34) are refused, not guessed', () => {
  const auto = parseUid('12345678', typed);
  assert.equal(!auto.ok && auto.code, 'UID_AMBIGUOUS_DIGITS');
  const decimal = parseUid('12345678', { ...typed, notation: 'decimal' });
  assert.equal(!decimal.ok && decimal.code, 'UID_DECIMAL_WIEGAND');
  // Said to be hex (by the caller or by 0x), the same digits are a 4-byte UID.
  assert.equal(uidKey(ok(parseUid('12345678', { ...typed, notation: 'hex' }))), '12345678');
  assert.equal(uidKey(ok(parseUid('0x12345678', typed))), '12345678');
});

test('other decimal forms are refused with the reason', () => {
  const short = parseUid('123456789', { ...typed, notation: 'decimal' });
  assert.deepEqual(!short.ok && [short.code, short.params.digits], ['UID_DECIMAL_FORM', 9]);
  const long = parseUid('12345678901234567', { ...typed, notation: 'decimal' });
  assert.equal(!long.ok && long.code, 'UID_DECIMAL_FORM');
  const big = parseUid('4294967296', typed);
  assert.equal(!big.ok && big.code, 'UID_DECIMAL_RANGE');
  const auto = parseUid('123456789', typed);
  assert.equal(!auto.ok && auto.code, 'UID_AMBIGUOUS_DIGITS');
});

test('"123" is refused for being too short, not as "hex or decimal"', () => {
  for (const text of ['123', '123456', '1234567']) {
    const auto = parseUid(text, typed);
    assert.deepEqual(!auto.ok && [auto.code, auto.params.digits], ['UID_TOO_SHORT', text.length]);
  }
});

test('a random UID (08...) is refused with a reason', () => {
  const result = parseUid('08 12 34 56', typed);
  assert.deepEqual(!result.ok && [result.code, result.params.uid], ['UID_RANDOM', '08123456']);
  const bytes = uidFromBytes([0x08, 0xaa, 0xbb, 0xcc], 'pcsc', 'r1');
  assert.equal(!bytes.ok && bytes.code, 'UID_RANDOM');
  // 08 at the start of a 7-byte UID is a manufacturer code, not a random UID.
  assert.equal(uidFromBytes([0x08, 1, 2, 3, 4, 5, 6], 'pcsc').ok, true);
});

test('a UID has 4, 7 or 10 bytes; 8 only for ISO 15693 (E0); 5 (125 kHz EM4100) with a warning', () => {
  for (const n of [4, 7, 10]) assert.equal(uidFromBytes(new Uint8Array(n).fill(0x11), 'pcsc').ok, true);
  const em4100 = uidFromBytes([0x0a, 0x00, 0xb1, 0xc2, 0xd3], 'serial');
  assert.deepEqual(em4100.ok && em4100.flags.map((f) => f.code), ['UID_EM4100']);
  for (const n of [1, 2, 3, 9, 11, 16]) {
    const result = uidFromBytes(new Uint8Array(n).fill(0x11), 'pcsc');
    assert.deepEqual(!result.ok && [result.code, result.params.length], ['UID_BAD_LENGTH', n]);
  }
  assert.equal(uidFromBytes([0xe0, 4, 1, 2, 3, 4, 5, 6], 'pcsc').ok, true);
  assert.equal(uidFromBytes([6, 5, 4, 3, 2, 1, 4, 0xe0], 'pcsc').ok, true);
  assert.equal(uidFromBytes([0x11, 4, 1, 2, 3, 4, 5, 6], 'pcsc').ok, false);
  const empty = parseUid('  ', typed);
  assert.equal(!empty.ok && empty.code, 'UID_EMPTY');
});

test('a 7-byte UID cut to 6 bytes by the reader is flagged as truncated', () => {
  const result = parseUid('04:A1:B2:C3:D4:E5', { source: 'serial', readerId: 'ttyUSB0' });
  assert.deepEqual(!result.ok && [result.code, result.params.length], ['UID_TRUNCATED', 6]);
});

test('a 7-byte card read by a decimal wedge reader is flagged', () => {
  const whole = card('04 A1 B2 C3 D4 E5 F6');
  // The wedge reader types the first 4 bytes, little-endian: C3 B2 A1 04.
  const read = parseUid(String(0xc3b2a104), { source: 'hid', readerId: 'wedge-1' });
  const wedge = ok(read);
  assert.equal(read.ok && read.flags[0]?.code, 'UID_WEDGE_MAYBE_PARTIAL');
  const relation = relateReadings(whole, wedge);
  assert.equal(relation.relation, 'partial');
  assert.deepEqual(relation.relation === 'partial' && relation.flag, {
    code: 'UID_WEDGE_PARTIAL',
    params: { given: 4, length: 7, uid: '04A1B2C3D4E5F6' },
  });
  assert.equal(relateReadings(whole, card('04A1B2C3D4E5F6')).relation, 'same');
  assert.equal(relateReadings(whole, card('11223344')).relation, 'different');
});

test('a reader that gives the cascade tag (88 ...) of a longer UID is flagged', () => {
  const read = parseUid('88 04 A1 B2', typed);
  assert.equal(read.ok && read.flags[0]?.code, 'UID_PARTIAL_CASCADE');
  assert.equal(relateReadings(card('04A1B2C3D4E5F6'), ok(read)).relation, 'partial');
});

test('the stored bytes are a copy: the caller cannot change a card afterwards', () => {
  const buffer = Buffer.from([0x04, 0xa1, 0xb2, 0xc3]);
  const uid = ok(uidFromBytes(buffer, 'pcsc', 'r1'));
  buffer[0] = 0x99;
  assert.equal(uidKey(uid), '04A1B2C3');
});

test('a KEBA box sends the bytes reversed', () => {
  assert.equal(ok(formatUid(card('04A1B2C3'), uidPresets['hex-lsb-upper'])), 'C3B2A104');
  assert.equal(ok(formatUid(card('04A1B2C3D4E5F6'), uidPresets['hex-lsb-upper'])), 'F6E5D4C3B2A104');
});

test('the presets: default upper-case hex, lower case, colons, and the wedge number', () => {
  const uid = card('04a1b2c3');
  assert.equal(ok(formatUid(uid, uidPresets['hex-msb-upper'])), '04A1B2C3');
  assert.equal(ok(formatUid(uid, uidPresets['hex-msb-lower'])), '04a1b2c3');
  assert.equal(ok(formatUid(uid, uidPresets['hex-lsb-lower'])), 'c3b2a104');
  assert.equal(ok(formatUid(uid, uidPresets['hex-msb-upper-colon'])), '04:A1:B2:C3');
  assert.equal(ok(formatUid(uid, uidPresets['decimal-lsb-10'])), '3283263748');
  assert.equal(ok(formatUid(uid, uidPresets['decimal-msb-10'])), '0077705923');
});

test('padding: leading zeros dropped, kept, or to a fixed width', () => {
  const uid = card('00 01 02 03');
  const base = uidPresets['hex-msb-upper'];
  assert.equal(ok(formatUid(uid, { ...base, padding: 'none' })), '10203');
  assert.equal(ok(formatUid(uid, { ...base, padding: 12 })), '000000010203');
  const decimal = uidPresets['decimal-msb-10'];
  assert.equal(ok(formatUid(uid, decimal)), '0000066051');
  assert.equal(ok(formatUid(uid, { ...decimal, padding: 'none' })), '66051');
  const wrapped: UidFormat = { ...base, prefix: 'RFID-', suffix: '!' };
  assert.equal(ok(formatUid(uid, wrapped)), 'RFID-00010203!');
});

test('a format that keeps 4 of 7 bytes says so', () => {
  const made = formatUid(card('04A1B2C3D4E5F6'), uidPresets['decimal-lsb-10']);
  assert.equal(made.ok && made.value, '3283263748');
  assert.deepEqual(made.ok && made.flags, [
    { code: 'UID_FORMAT_DROPS_BYTES', params: { kept: 4, length: 7 } },
  ]);
});

test('a format that cannot work is refused, not half-applied', () => {
  const bad = formatUid(card('04A1B2C3'), { ...uidPresets['hex-msb-upper-colon'], padding: 'none' });
  assert.equal(!bad.ok && bad.code, 'UID_FORMAT_INVALID');
  const affix = formatUid(card('04A1B2C3'), { ...uidPresets['hex-msb-upper'], prefix: 'Kärtchen' });
  assert.equal(!affix.ok && affix.code, 'UID_FORMAT_INVALID');
});

test('OCPP 1.6: a 10-byte UID in hex is 20 characters and fits; longer is refused with a reason', () => {
  const big = card('04 11 22 33 44 55 66 77 88 99');
  assert.equal(ok(toIdTag(big)), '04112233445566778899');
  const colons = toIdTag(big, uidPresets['hex-msb-upper-colon']);
  assert.deepEqual(!colons.ok && [colons.code, colons.params.length, colons.params.max], [
    'UID_IDTAG_TOO_LONG',
    29,
    20,
  ]);
  const decimal = toIdTag(big, { ...uidPresets['decimal-msb-10'], firstBytes: null });
  assert.equal(!decimal.ok && decimal.code, 'UID_IDTAG_TOO_LONG');
});

test('OCPP 1.6 idTags compare case-insensitively', () => {
  assert.equal(compareIdTags('04a1b2c3', '04A1B2C3'), true);
  assert.equal(compareIdTags('04A1B2C3', 'C3B2A104'), false);
  assert.equal(compareIdTags('04A1B2C3', '04A1B2C'), false);
});

test('OCPP 2.0.1: ISO14443 for 4- and 7-byte hex, ISO15693 for 8 bytes, Local otherwise', () => {
  assert.deepEqual(ok(toIdToken(card('04A1B2C3'))), { idToken: '04A1B2C3', type: 'ISO14443' });
  assert.deepEqual(ok(toIdToken(card('04A1B2C3D4E5F6'), uidPresets['hex-lsb-upper'])), {
    idToken: 'F6E5D4C3B2A104',
    type: 'ISO14443',
  });
  assert.equal(ok(toIdToken(card('E0 04 01 02 03 04 05 06'))).type, 'ISO15693');
  assert.equal(ok(toIdToken(card('04112233445566778899'))).type, 'Local');
  assert.deepEqual(ok(toIdToken(card('04A1B2C3'), uidPresets['decimal-lsb-10'])), {
    idToken: '3283263748',
    type: 'Local',
  });
  const long = toIdToken(card('04112233445566778899'), {
    ...uidPresets['hex-msb-upper-colon'],
    prefix: 'CARD-NUMBER-',
  });
  assert.deepEqual(!long.ok && [long.code, long.params.max], ['UID_IDTOKEN_TOO_LONG', 36]);
});
