// A card as the tool keeps it: its raw UID bytes plus where they came from, parsed from what readers and
// people produce and validated with typed reasons, so every later format starts from the same bytes.
//
// Codes of the UID model (uid.ts, uid-format.ts, uid-learn.ts). The lead maps them to locales/;
// {name} is a param. Errors refuse the input; flags (marked *) come with a usable value as warnings.
//
// | code                       | English                                                                                       |
// |----------------------------|-----------------------------------------------------------------------------------------------|
// | UID_EMPTY                  | No UID was given.                                                                             |
// | UID_BAD_CHARACTERS         | "{text}" is not a UID: "{char}" is neither a hex digit nor a separator (: space -).           |
// | UID_HEX_GROUPS             | The groups of hex digits in "{text}" are uneven; write one byte per group, or no separators.  |
// | UID_ODD_HEX                | {digits} hex digits do not make whole bytes; a leading zero may have been lost.               |
// | UID_AMBIGUOUS_DIGITS       | "{text}" could be hex or a decimal number; say which the reader gave.                         |
// | UID_TOO_SHORT              | {digits} digits are too short for a card UID (8 hex digits or 10 decimal digits at least).    |
// | UID_DECIMAL_WIEGAND        | 8 decimal digits are a Wiegand (W26/W34) number, which does not carry the card's UID bytes.   |
// | UID_DECIMAL_FORM           | A decimal UID has the 10 digits a keyboard-wedge reader types; {digits} digits cannot be turned back into the card's bytes. |
// | UID_DECIMAL_RANGE          | {text} is larger than 4294967295, so it cannot be 4 bytes.                                    |
// | UID_BAD_LENGTH             | A card UID has 4, 7 or 10 bytes (8 for ISO 15693, 5 for 125 kHz EM4100); this one has {length}. |
// | UID_TRUNCATED              | This UID has 6 bytes: the reader cut a 7-byte UID short. Read the card on another reader.     |
// | UID_RANDOM                 | This card shows a new random number on every tap ({uid}); it cannot be enrolled.              |
// | UID_PARTIAL_CASCADE *      | {uid} starts with 88, the marker of a longer UID: the reader gave only part of the card's UID.|
// | UID_WEDGE_PARTIAL *        | The reader only gave {given} of the card's {length} bytes; another card may share them.       |
// | UID_EM4100 *               | 5 bytes: a 125 kHz EM4100 card ({uid}); most boxes read only 13.56 MHz cards.                 |
// | UID_WEDGE_MAYBE_PARTIAL *  | This decimal reading starts with 04 (NXP), as 7-byte cards do: it may be only 4 of 7 bytes.   |
// | UID_FORMAT_DROPS_BYTES *   | This format keeps {kept} of the card's {length} bytes; cards that share them look the same.   |
// | UID_FORMAT_INVALID         | This format cannot be used: {reason}.                                                         |
// | UID_IDTAG_TOO_LONG         | "{text}" has {length} characters; an OCPP 1.6 idTag holds at most {max}.                      |
// | UID_IDTAG_NOT_ASCII        | "{text}" is not printable ASCII, which an OCPP idTag must be.                                 |
// | UID_IDTOKEN_TOO_LONG       | "{text}" has {length} characters; an OCPP 2.0.1 idToken holds at most {max}.                  |
// | UID_LEARN_EMPTY_TAG        | The box sent an empty idTag; there is nothing to learn from.                                  |
// | UID_LEARN_NO_MATCH         | No known format turns {uid} into "{idTag}"; the closest is "{closest}".                       |
// | UID_LEARN_DESKTOP_PARTIAL  | The box read more of the card ("{idTag}") than the desktop reader ({uid}); use a reader that gives the whole UID. |
// | UID_LEARN_INCONSISTENT     | No single format explains all {pairs} cards; card {index} does not fit the ones before it.    |
// | UID_LEARN_NO_PAIRS         | No card was given to learn from.                                                              |
import type { ErrorParams } from '../api/errors.ts';

export type UidSource = 'pcsc' | 'hid' | 'serial' | 'typed' | 'import';

/** How the UID reached the tool: raw bytes, hex text, or the decimal number a keyboard-wedge reader types. */
export type UidReadAs = 'bytes' | 'hex' | 'decimal';

export interface Uid {
  /** As read: byte 0 is the first byte the card sent (the manufacturer byte of a 7-byte UID). */
  readonly bytes: Uint8Array;
  readonly source: UidSource;
  readonly readerId: string | null;
  readonly readAs: UidReadAs;
}

export type UidErrorCode =
  | 'UID_EMPTY'
  | 'UID_BAD_CHARACTERS'
  | 'UID_HEX_GROUPS'
  | 'UID_ODD_HEX'
  | 'UID_AMBIGUOUS_DIGITS'
  | 'UID_TOO_SHORT'
  | 'UID_DECIMAL_WIEGAND'
  | 'UID_DECIMAL_FORM'
  | 'UID_DECIMAL_RANGE'
  | 'UID_BAD_LENGTH'
  | 'UID_TRUNCATED'
  | 'UID_RANDOM'
  | 'UID_FORMAT_INVALID'
  | 'UID_IDTAG_TOO_LONG'
  | 'UID_IDTAG_NOT_ASCII'
  | 'UID_IDTOKEN_TOO_LONG'
  | 'UID_LEARN_EMPTY_TAG'
  | 'UID_LEARN_NO_MATCH'
  | 'UID_LEARN_DESKTOP_PARTIAL'
  | 'UID_LEARN_INCONSISTENT'
  | 'UID_LEARN_NO_PAIRS';

export type UidFlagCode =
  | 'UID_PARTIAL_CASCADE'
  | 'UID_WEDGE_PARTIAL'
  | 'UID_WEDGE_MAYBE_PARTIAL'
  | 'UID_EM4100'
  | 'UID_FORMAT_DROPS_BYTES';

export type UidCode = UidErrorCode | UidFlagCode;

export interface UidFlag {
  code: UidFlagCode;
  params: ErrorParams;
}

export interface UidProblem<C extends UidErrorCode = UidErrorCode> {
  ok: false;
  code: C;
  params: ErrorParams;
}

export type UidResult<T, C extends UidErrorCode = UidErrorCode> =
  | { ok: true; value: T; flags: UidFlag[] }
  | UidProblem<C>;

export function uidProblem<C extends UidErrorCode>(code: C, params: ErrorParams = {}): UidProblem<C> {
  return { ok: false, code, params };
}

/** Bytes as upper-case hex without separators, in the order given. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out.toUpperCase();
}

/** The canonical key of a card: its bytes as read, upper-case hex. Two readings of one card share it. */
export function uidKey(uid: Uid): string {
  return bytesToHex(uid.bytes);
}

export function sameUid(a: Uid, b: Uid): boolean {
  return uidKey(a) === uidKey(b);
}

/** ISO 15693 UIDs have 8 bytes with E0 as the most significant one; readers send it first or last. */
function isIso15693(bytes: Uint8Array): boolean {
  return bytes.length === 8 && (bytes[0] === 0xe0 || bytes[7] === 0xe0);
}

/** Whether these bytes can be a card's whole, stable UID; flags for what is usable but doubtful. */
export function checkUidBytes(bytes: Uint8Array): UidResult<Uint8Array> {
  const length = bytes.length;
  const uid = bytesToHex(bytes);
  if (length === 0) return uidProblem('UID_EMPTY');
  if (length === 6) return uidProblem('UID_TRUNCATED', { uid, length });
  // 5 bytes: the ID of a 125 kHz EM4100 card (RDM6300 and other 125 kHz readers), taken with a warning.
  if (length !== 4 && length !== 5 && length !== 7 && length !== 10 && !isIso15693(bytes)) {
    return uidProblem('UID_BAD_LENGTH', { uid, length });
  }
  const flags: UidFlag[] = [];
  if (length === 4 && bytes[0] === 0x08) return uidProblem('UID_RANDOM', { uid });
  if (length === 4 && bytes[0] === 0x88) flags.push({ code: 'UID_PARTIAL_CASCADE', params: { uid } });
  if (length === 5) flags.push({ code: 'UID_EM4100', params: { uid } });
  return { ok: true, value: bytes, flags };
}

/** A card from bytes a reader returned (PC/SC get-data, a HID report, a binary serial frame). */
export function uidFromBytes(
  bytes: Uint8Array | readonly number[],
  source: UidSource,
  readerId: string | null = null,
): UidResult<Uid> {
  const copy = Uint8Array.from(bytes);
  const checked = checkUidBytes(copy);
  if (!checked.ok) return checked;
  return { ok: true, value: { bytes: copy, source, readerId, readAs: 'bytes' }, flags: checked.flags };
}

export interface ParseOptions {
  source: UidSource;
  readerId?: string | null;
  /** What the text is known to be; 'auto' refuses digit strings that could be either. */
  notation?: 'auto' | 'hex' | 'decimal';
}

const separators = /[:\s-]+/;

function parseHex(text: string): UidResult<Uint8Array> {
  const groups = text.split(separators).filter((g) => g !== '');
  const bad = /[^0-9a-fA-F]/.exec(groups.join(''));
  if (bad) return uidProblem('UID_BAD_CHARACTERS', { text, char: bad[0] });
  let digits: string;
  if (groups.length > 1 && groups.every((g) => g.length <= 2)) {
    // "4 A1 B2 C3": some sketches print bytes without their leading zero; a separator keeps them apart.
    digits = groups.map((g) => g.padStart(2, '0')).join('');
  } else if (groups.length > 1 && groups.some((g) => g.length % 2 === 1)) {
    return uidProblem('UID_HEX_GROUPS', { text });
  } else {
    digits = groups.join('');
  }
  if (digits.length % 2 === 1) return uidProblem('UID_ODD_HEX', { text, digits: digits.length });
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, value: bytes, flags: [] };
}

/** A keyboard-wedge reader types the 4 bytes, reversed (little-endian), as one unsigned 32-bit number. */
function parseWedgeDecimal(text: string): UidResult<Uint8Array> {
  if (text.length === 8) return uidProblem('UID_DECIMAL_WIEGAND', { text, digits: 8 });
  if (text.length !== 10) return uidProblem('UID_DECIMAL_FORM', { text, digits: text.length });
  const value = Number(text);
  if (value > 0xffffffff) return uidProblem('UID_DECIMAL_RANGE', { text });
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) bytes[i] = Math.floor(value / 2 ** (8 * i)) % 256;
  return { ok: true, value: bytes, flags: [] };
}

/**
 * A card from text: hex with or without separators (":", " ", "-"), either case, an optional 0x; or
 * the 10 decimal digits of a keyboard-wedge reader. Digit strings that could be either are refused in
 * 'auto' unless they have 10 digits (5 bytes of hex is no UID) or more than 10 (no decimal form).
 */
export function parseUid(input: string, options: ParseOptions): UidResult<Uid> {
  const trimmed = input.trim();
  const text = trimmed.replace(/^0x/i, '');
  // An explicit 0x says hex, whatever the digits look like.
  const notation = text !== trimmed ? 'hex' : (options.notation ?? 'auto');
  if (text === '') return uidProblem('UID_EMPTY');
  const onlyDigits = /^[0-9]+$/.test(text);
  let decimal = notation === 'decimal';
  if (notation === 'decimal' && !onlyDigits) {
    const bad = /[^0-9]/.exec(text);
    return uidProblem('UID_BAD_CHARACTERS', { text, char: bad?.[0] ?? '' });
  }
  if (notation === 'auto' && onlyDigits) {
    if (text.length === 10) decimal = true;
    // Fewer than 8 digits are no UID either way: not 4 bytes of hex, not a wedge reader's 10 digits.
    else if (text.length < 8) return uidProblem('UID_TOO_SHORT', { text, digits: text.length });
    else if (text.length < 10) return uidProblem('UID_AMBIGUOUS_DIGITS', { text, digits: text.length });
  }
  const parsed = decimal ? parseWedgeDecimal(text) : parseHex(text);
  if (!parsed.ok) return parsed;
  const made = uidFromBytes(parsed.value, options.source, options.readerId ?? null);
  if (!made.ok) return made;
  const uid: Uid = { ...made.value, readAs: decimal ? 'decimal' : 'hex' };
  const flags = [...made.flags];
  if (decimal && uid.bytes[0] === 0x04) {
    flags.push({ code: 'UID_WEDGE_MAYBE_PARTIAL', params: { uid: uidKey(uid) } });
  }
  return { ok: true, value: uid, flags };
}

export type ReadingRelation =
  | { relation: 'same' }
  | { relation: 'partial'; flag: UidFlag }
  | { relation: 'different' };

function contains(whole: Uint8Array, part: Uint8Array): boolean {
  outer: for (let start = 0; start + part.length <= whole.length; start++) {
    for (let i = 0; i < part.length; i++) if (whole[start + i] !== part[i]) continue outer;
    return true;
  }
  return false;
}

/**
 * How a short reading (a decimal wedge reader, a reader that gives 4 bytes) relates to a whole UID of
 * the same card: the same bytes, a part of them (either order, or behind the 88 cascade tag), or not.
 */
export function relateReadings(whole: Uid, other: Uid): ReadingRelation {
  if (sameUid(whole, other)) return { relation: 'same' };
  const part = other.bytes;
  if (part.length >= whole.bytes.length) return { relation: 'different' };
  const reversed = Uint8Array.from(part).reverse();
  const cascade = part[0] === 0x88 && contains(whole.bytes, part.subarray(1));
  if (contains(whole.bytes, part) || contains(whole.bytes, reversed) || cascade) {
    const params = { given: part.length, length: whole.bytes.length, uid: uidKey(whole) };
    return { relation: 'partial', flag: { code: 'UID_WEDGE_PARTIAL', params } };
  }
  return { relation: 'different' };
}
