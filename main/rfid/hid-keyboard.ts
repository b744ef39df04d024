// Keyboard-wedge readers "type" the UID: this turns their raw HID boot-keyboard reports into the lines
// they typed and those lines into UID bytes, so the tool reads them without a focused text field.
//
// A boot-keyboard report is [modifiers, reserved, key1..key6] (USB HID 1.11, appendix B); composite
// devices put a report id in front (9 bytes). A key counts once from the report where it first appears
// until a report without it, so a key held across reports is not typed twice.
import type { ReaderError } from './reader.ts';
import { printable } from './reader.ts';

const SHIFT = 0x02 | 0x20; // left or right shift
const ENTER = 0x28;
const KEYPAD_ENTER = 0x58;
const ERROR_ROLL_OVER = 0x01; // every slot set to 1: too many keys, the report says nothing about keys

const SHIFTED_DIGITS = '!@#$%^&*()';

/** The character a usage id types, or undefined for keys that type nothing a reader would send. */
function character(usage: number, shifted: boolean): string | undefined {
  if (usage >= 0x04 && usage <= 0x1d) {
    const letter = String.fromCharCode(0x61 + usage - 0x04);
    return shifted ? letter.toUpperCase() : letter;
  }
  if (usage >= 0x1e && usage <= 0x27) {
    const index = usage - 0x1e; // 0x1e is '1' ... 0x26 is '9', 0x27 is '0'
    return shifted ? SHIFTED_DIGITS[index] : String((index + 1) % 10);
  }
  if (usage >= 0x59 && usage <= 0x62) return String((usage - 0x59 + 1) % 10); // keypad 1..9, 0
  switch (usage) {
    case 0x2c:
      return ' ';
    case 0x2d:
      return shifted ? '_' : '-';
    case 0x33:
      return shifted ? ':' : ';';
    case 0x56:
      return '-'; // keypad minus
    default:
      return undefined;
  }
}

export type HidDecoderOutput =
  /** A complete line: what the reader typed before Enter. */
  | { kind: 'line'; text: string }
  /** Something to report: a malformed report, or a partial line dropped after the idle timeout. */
  | { kind: 'error'; error: ReaderError };

export interface HidDecoderOptions {
  /**
   * A partial line older than this (ms since its last key) is dropped with READER_PARTIAL_DROPPED.
   * Wedge readers type a whole UID within about 100 ms; a person is far slower. Default 500.
   */
  idleMs?: number;
  /** Longest line kept; longer input is not a UID and is dropped at Enter. Default 64. */
  maxLine?: number;
  /** The reader id put into errors. */
  reader?: string;
}

/** Decodes one device's reports. Feed every report in order, with its arrival time. */
export class HidKeyboardDecoder {
  readonly #idleMs: number;
  readonly #maxLine: number;
  readonly #reader: string;
  #pressed = new Set<number>();
  #line = '';
  #lastKeyAt = 0;

  constructor(options: HidDecoderOptions = {}) {
    this.#idleMs = options.idleMs ?? 500;
    this.#maxLine = options.maxLine ?? 64;
    this.#reader = options.reader ?? '';
  }

  /** The characters typed so far on the current line. */
  get partial(): string {
    return this.#line;
  }

  /**
   * Drops a partial line whose last key is older than the idle timeout. push() does this itself;
   * call it from a timer to report a half reading even when no further report arrives.
   */
  expire(now: number = Date.now()): HidDecoderOutput[] {
    if (this.#line === '' || now - this.#lastKeyAt <= this.#idleMs) return [];
    const dropped = this.#line;
    this.#line = '';
    return [this.#error('READER_PARTIAL_DROPPED', { partial: printable(dropped) })];
  }

  push(report: Uint8Array, now: number = Date.now()): HidDecoderOutput[] {
    const out = this.expire(now);
    let keys: Uint8Array;
    if (report.length === 8) keys = report;
    else if (report.length === 9) keys = report.subarray(1);
    else {
      out.push(this.#error('READER_BAD_REPORT', { length: report.length }));
      return out;
    }
    const usages = Array.from(keys.subarray(2, 8)).filter((u) => u !== 0);
    if (usages.length > 0 && usages.every((u) => u === ERROR_ROLL_OVER)) return out;

    const shifted = ((keys[0] ?? 0) & SHIFT) !== 0;
    const nowPressed = new Set(usages);
    for (const usage of usages) {
      if (this.#pressed.has(usage)) continue; // still held from an earlier report: not a new key
      this.#lastKeyAt = now;
      if (usage === ENTER || usage === KEYPAD_ENTER) {
        const text = this.#line;
        this.#line = '';
        if (text === '') continue;
        if (text.length > this.#maxLine) {
          out.push(this.#error('READER_NOT_A_UID', { line: printable(text), reason: 'too long' }));
        } else {
          out.push({ kind: 'line', text });
        }
        continue;
      }
      // A key the table does not know still goes into the line, so the line fails as a UID
      // instead of quietly becoming a different, shorter one.
      this.#line += character(usage, shifted) ?? '\u{fffd}';
    }
    this.#pressed = nowPressed;
    return out;
  }

  /** Forgets a partial line and held keys (after the device was reopened). */
  reset(): void {
    this.#pressed.clear();
    this.#line = '';
  }

  #error(code: ReaderError['code'], params: ReaderError['params']): HidDecoderOutput {
    return { kind: 'error', error: { code, reader: this.#reader, params } };
  }
}

export type WedgeLineResult =
  | { ok: true; uid: Uint8Array; form: 'hex' | 'decimal' }
  | { ok: false; error: ReaderError };

/**
 * Bytes from a line a wedge reader typed. Ten decimal digits are the 32-bit number of the first four
 * UID bytes read little-endian (what most wedge readers type), so the bytes come back in card order.
 * Hex (either case, optional separators : space -) is taken byte for byte, 4 to 10 bytes; the UID
 * model judges the length further.
 */
export function wedgeLineToUid(line: string, reader = ''): WedgeLineResult {
  const text = line.trim();
  const fail = (reason: string): WedgeLineResult => ({
    ok: false,
    error: { code: 'READER_NOT_A_UID', reader, params: { line: printable(text), reason } },
  });
  if (text === '') return fail('empty');
  if (/^\d{10}$/.test(text)) {
    const value = Number(text);
    if (value > 0xffffffff) return fail('decimal larger than 4 bytes');
    const uid = new Uint8Array(4);
    new DataView(uid.buffer).setUint32(0, value, true);
    return { ok: true, uid, form: 'decimal' };
  }
  const digits = text.replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(digits)) return fail('not hex or 10 decimal digits');
  if (digits.length % 2 !== 0) return fail('odd number of hex digits');
  const length = digits.length / 2;
  if (length < 4 || length > 10) return fail(`${length} bytes`);
  const uid = new Uint8Array(length);
  for (let i = 0; i < length; i++) uid[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, uid, form: 'hex' };
}
