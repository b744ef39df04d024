// What a box or a CSMS expects a card to look like, as data: hex or decimal, byte order, case, padding,
// separators, affixes; plus the OCPP 1.6 idTag and 2.0.1 IdTokenType made from the same stored bytes.
import type { ErrorParams } from '../api/errors.ts';
import { bytesToHex, type Uid, type UidFlag, type UidResult, uidProblem } from './uid.ts';

/** An OCPP 1.6 idTag (CiString20): compared case-insensitively, never a bare string by mistake. */
export type IdTag = string & { readonly __brand: 'IdTag' };
/** An OCPP 2.0.1 idToken (up to 36 characters). */
export type IdToken = string & { readonly __brand: 'IdToken' };

export type ByteOrder = 'msb' | 'lsb';
export type Separator = '' | ':' | ' ' | '-';
/** 'full': every byte's digits (hex 2 per byte, decimal the widest number); 'none': leading zeros dropped; n: at least n digits. */
export type Padding = 'full' | 'none' | number;

interface CommonFormat {
  /** 'msb': the bytes as read; 'lsb': reversed (KEBA, keyboard-wedge readers). */
  byteOrder: ByteOrder;
  /** Keep only the first N bytes as read (a reader or box that sees 4 bytes of a 7-byte card); null keeps all. */
  firstBytes: number | null;
  padding: Padding;
  prefix: string;
  suffix: string;
}

export interface HexFormat extends CommonFormat {
  notation: 'hex';
  letterCase: 'upper' | 'lower';
  /** Between bytes; only with padding 'full'. */
  separator: Separator;
}

export interface DecimalFormat extends CommonFormat {
  notation: 'decimal';
}

export type UidFormat = HexFormat | DecimalFormat;

const hex = (byteOrder: ByteOrder, letterCase: 'upper' | 'lower'): HexFormat => ({
  notation: 'hex',
  byteOrder,
  letterCase,
  separator: '',
  padding: 'full',
  firstBytes: null,
  prefix: '',
  suffix: '',
});

/** The formats met in the field, by name. The first is the default (the OCPP 2.0.1 ISO14443 form). */
export const uidPresets = {
  'hex-msb-upper': hex('msb', 'upper'),
  'hex-lsb-upper': hex('lsb', 'upper'),
  'hex-msb-lower': hex('msb', 'lower'),
  'hex-lsb-lower': hex('lsb', 'lower'),
  'decimal-lsb-10': {
    notation: 'decimal',
    byteOrder: 'lsb',
    firstBytes: 4,
    padding: 'full',
    prefix: '',
    suffix: '',
  },
  'decimal-msb-10': {
    notation: 'decimal',
    byteOrder: 'msb',
    firstBytes: 4,
    padding: 'full',
    prefix: '',
    suffix: '',
  },
  'hex-msb-upper-colon': { ...hex('msb', 'upper'), separator: ':' },
} as const satisfies Record<string, UidFormat>;

export type UidPresetName = keyof typeof uidPresets;
export const defaultPreset: UidPresetName = 'hex-msb-upper';

/** A stable text key of a format: equal formats, equal keys (for sets, storage and comparison). */
export function formatKey(format: UidFormat): string {
  const f = format;
  const head = f.notation === 'hex' ? `hex/${f.letterCase}/${JSON.stringify(f.separator)}` : 'decimal';
  return `${head}/${f.byteOrder}/${f.firstBytes ?? 'all'}/${f.padding}/${JSON.stringify([f.prefix, f.suffix])}`;
}

const presetByKey = new Map<string, UidPresetName>(
  (Object.keys(uidPresets) as UidPresetName[]).map((name) => [formatKey(uidPresets[name]), name]),
);

export function presetOf(format: UidFormat): UidPresetName | null {
  return presetByKey.get(formatKey(format)) ?? null;
}

const printableAscii = /^[\x20-\x7e]*$/;

/** Why a format cannot be used, or null when it can. */
export function checkFormat(format: UidFormat): ErrorParams | null {
  if (format.notation === 'hex' && format.separator !== '' && format.padding !== 'full') {
    return { reason: 'a separator needs every byte written in full' };
  }
  if (format.firstBytes !== null && (!Number.isInteger(format.firstBytes) || format.firstBytes < 1)) {
    return { reason: 'the number of bytes kept must be a whole number above 0' };
  }
  if (typeof format.padding === 'number' && (!Number.isInteger(format.padding) || format.padding < 1)) {
    return { reason: 'the padding width must be a whole number above 0' };
  }
  if (!printableAscii.test(format.prefix) || !printableAscii.test(format.suffix)) {
    return { reason: 'prefix and suffix must be printable ASCII' };
  }
  return null;
}

/** Most decimal digits n bytes can need: 4 bytes 10, 7 bytes 17, 8 bytes 20, 10 bytes 25. */
function decimalWidth(byteCount: number): number {
  return (2n ** BigInt(8 * byteCount) - 1n).toString().length;
}

function digitsOf(bytes: Uint8Array, format: UidFormat): string {
  if (format.notation === 'hex') {
    const text = bytesToHex(bytes);
    return format.letterCase === 'lower' ? text.toLowerCase() : text;
  }
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value.toString();
}

function pad(digits: string, format: UidFormat, byteCount: number): string {
  if (format.padding === 'none') return digits.replace(/^0+(?=.)/, '');
  if (typeof format.padding === 'number') return digits.replace(/^0+(?=.)/, '').padStart(format.padding, '0');
  return format.notation === 'hex' ? digits : digits.padStart(decimalWidth(byteCount), '0');
}

/** The text a box or CSMS expects for this card. Flags a format that drops bytes of the UID. */
export function formatUid(uid: Uid, format: UidFormat): UidResult<string> {
  const invalid = checkFormat(format);
  if (invalid) return uidProblem('UID_FORMAT_INVALID', invalid);
  const length = uid.bytes.length;
  const kept = format.firstBytes === null ? length : Math.min(format.firstBytes, length);
  const bytes = uid.bytes.slice(0, kept);
  if (format.byteOrder === 'lsb') bytes.reverse();
  let body = pad(digitsOf(bytes, format), format, kept);
  if (format.notation === 'hex' && format.separator !== '') {
    body = (body.match(/../g) ?? []).join(format.separator);
  }
  const flags: UidFlag[] = [];
  if (kept < length) flags.push({ code: 'UID_FORMAT_DROPS_BYTES', params: { kept, length } });
  return { ok: true, value: `${format.prefix}${body}${format.suffix}`, flags };
}

export const idTagMaxLength = 20;
export const idTokenMaxLength = 36;

/** OCPP CiString comparison: ASCII case does not matter. */
export function compareIdTags(a: string, b: string): boolean {
  return a.length === b.length && a.toUpperCase() === b.toUpperCase();
}

/** The OCPP 1.6 idTag of this card: at most 20 printable ASCII characters (a 10-byte UID in hex fits). */
export function toIdTag(uid: Uid, format: UidFormat = uidPresets[defaultPreset]): UidResult<IdTag> {
  const text = formatUid(uid, format);
  if (!text.ok) return text;
  return asIdTag(text.value, text.flags);
}

/** Text typed or imported as an idTag, checked against CiString20. */
export function asIdTag(text: string, flags: UidFlag[] = []): UidResult<IdTag> {
  if (!printableAscii.test(text)) return uidProblem('UID_IDTAG_NOT_ASCII', { text });
  if (text.length > idTagMaxLength) {
    return uidProblem('UID_IDTAG_TOO_LONG', { text, length: text.length, max: idTagMaxLength });
  }
  return { ok: true, value: text as IdTag, flags };
}

export type IdTokenKind = 'ISO14443' | 'ISO15693' | 'Local';

export interface IdTokenType {
  idToken: IdToken;
  type: IdTokenKind;
}

/**
 * The OCPP 2.0.1 IdTokenType of this card. The spec's ISO14443 / ISO15693 types mean the whole UID in
 * hex (either byte order, as boxes differ); any other rendering (decimal, cut, affixed) is 'Local'.
 */
export function toIdToken(uid: Uid, format: UidFormat = uidPresets[defaultPreset]): UidResult<IdTokenType> {
  const text = formatUid(uid, format);
  if (!text.ok) return text;
  const idToken = text.value;
  if (!printableAscii.test(idToken)) return uidProblem('UID_IDTAG_NOT_ASCII', { text: idToken });
  if (idToken.length > idTokenMaxLength) {
    return uidProblem('UID_IDTOKEN_TOO_LONG', {
      text: idToken,
      length: idToken.length,
      max: idTokenMaxLength,
    });
  }
  const length = uid.bytes.length;
  const wholeHex =
    format.notation === 'hex' &&
    format.padding === 'full' &&
    format.separator === '' &&
    format.prefix === '' &&
    format.suffix === '' &&
    (format.firstBytes === null || format.firstBytes >= length);
  let type: IdTokenKind = 'Local';
  if (wholeHex && (length === 4 || length === 7)) type = 'ISO14443';
  if (wholeHex && length === 8) type = 'ISO15693';
  return { ok: true, value: { idToken: idToken as IdToken, type }, flags: text.flags };
}
