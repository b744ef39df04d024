// Parsers for RFID readers behind a USB-serial chip: the text lines of MFRC522/Arduino sketches and the
// binary frames of 125 kHz UART modules (RDM6300), tolerant of noise, resynchronising, never stopping.
//
// Both parsers are pure (bytes in, results out) so they are tested without a port; serial-reader.ts
// feeds them from serialport.
import type { ReaderError } from './reader.ts';
import { isControl, printable } from './reader.ts';

/** What one input gave: a UID, a fault to report (parsing goes on), or nothing of interest. */
export type BridgeOutput = { kind: 'uid'; uid: Uint8Array } | { kind: 'error'; error: ReaderError };

const MIN_UID = 4;
const MAX_UID = 10;

function fault(code: ReaderError['code'], params: ReaderError['params'], reader: string): BridgeOutput {
  return { kind: 'error', error: { code, reader, params } };
}

// ---------------------------------------------------------------------------------------------------
// Text lines (MFRC522 sketches and similar)

/** "Card UID:", "UID:", "UID tag :", "Tag ID =", "RFID UID" ... at the start of a line, case-insensitive. */
const LABEL = /^(?:(?:card|tag|picc|rfid|nfc)[\s_-]*)?(?:uid|id)(?:[\s_-]*tag)?\b\s*[:=#]?\s*/i;
/** The same words later in a line ("Card detected, UID: 04 A1 B2 C3"), up to the UID after them. */
const INNER_LABEL = /\b(?:uid|id)(?:[\s_-]*tag)?\b\s*[:=#]\s*/gi;
/** A line that could only be a UID: hex bytes with optional separators and 0x prefixes. */
const BARE_HEX = /^(?:0x)?[0-9a-f]{1,2}(?:[\s:,-]+(?:0x)?[0-9a-f]{1,2})*$|^[0-9a-f]+$/i;

/** Index of the last control byte (a garbled stretch: wrong baud rate, line noise), or -1. */
function lastControl(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (isControl(text.charCodeAt(i))) return i;
  return -1;
}

export type LineResult =
  | { kind: 'uid'; uid: Uint8Array }
  | { kind: 'ignored' }
  | { kind: 'unreadable'; reason: string };

/**
 * One line of a sketch's output. A UID has 4 to 10 bytes, written as hex with or without a label,
 * with or without separators (space : , -), either case; a byte written with one digit (Arduino's
 * print(b, HEX) drops the leading zero) counts when separators make it unambiguous. Readable text that
 * is not a UID (status lines such as "PICC type: MIFARE 1KB") is ignored; a labelled UID that does not
 * parse, bare hex of a wrong length, and lines with control bytes (a wrong baud rate) are unreadable.
 */
export function parseBridgeLine(line: string): LineResult {
  const text = line.replace(/^[\s\r\n]+|[\s\r\n]+$/g, '');
  if (text === '') return { kind: 'ignored' };
  if (lastControl(text) !== -1) return { kind: 'unreadable', reason: 'control bytes' };
  const label = LABEL.exec(text);
  const body = label ? text.slice(label[0].length) : text;
  if (!label && !BARE_HEX.test(body)) {
    // A label inside a sentence only counts when a whole UID follows it; otherwise the line is text.
    const inner = [...text.matchAll(INNER_LABEL)].pop();
    const after = inner ? hexBody(text.slice((inner.index ?? 0) + inner[0].length)) : undefined;
    if (after instanceof Uint8Array && after.length >= MIN_UID && after.length <= MAX_UID) {
      return { kind: 'uid', uid: after };
    }
    return { kind: 'ignored' };
  }
  if (body === '') return { kind: 'unreadable', reason: 'label without UID' };
  const bytes = hexBody(body);
  if (typeof bytes === 'string') return { kind: 'unreadable', reason: bytes };
  if (bytes.length < MIN_UID || bytes.length > MAX_UID) {
    return { kind: 'unreadable', reason: `${bytes.length} bytes` };
  }
  return { kind: 'uid', uid: bytes };
}

/** Bytes of "04 A1 B2 C3", "04:a1:b2:c3", " 4 A1", "0x04 0xA1", "04A1B2C3"; or why not. */
function hexBody(body: string): Uint8Array | string {
  const tokens = body
    .split(/[\s:,-]+/)
    .filter((t) => t !== '')
    .map((t) => t.replace(/^0x/i, ''));
  if (tokens.some((t) => !/^[0-9a-f]+$/i.test(t))) return 'not hex';
  if (tokens.length === 1) {
    const digits = tokens[0] ?? '';
    if (digits.length % 2 !== 0) return 'odd number of hex digits';
    return Uint8Array.from({ length: digits.length / 2 }, (_, i) =>
      Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16),
    );
  }
  if (tokens.some((t) => t.length > 2)) return 'uneven hex groups';
  return Uint8Array.from(tokens, (t) => Number.parseInt(t, 16));
}

export interface LineDecoderOptions {
  reader?: string;
  /** A line longer than this without a line end is reported and dropped (wrong baud rate). Default 256. */
  maxLine?: number;
  /** Put into READER_UNREADABLE_LINE so the remedy can name it. */
  baudRate?: number;
}

/** Splits a byte stream into lines (\n, \r\n or \r) and parses each; keeps a partial line between chunks. */
export class BridgeLineDecoder {
  readonly #reader: string;
  readonly #maxLine: number;
  readonly #baudRate: number;
  #pending = '';

  constructor(options: LineDecoderOptions = {}) {
    this.#reader = options.reader ?? '';
    this.#maxLine = options.maxLine ?? 256;
    this.#baudRate = options.baudRate ?? 9600;
  }

  push(chunk: Uint8Array): BridgeOutput[] {
    // latin1 maps every byte to one character, so garbage stays visible and countable.
    this.#pending += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const out: BridgeOutput[] = [];
    const parts = this.#pending.split(/\r\n|\r|\n/);
    // A '\r\n' split across chunks only adds an empty line, which is ignored.
    this.#pending = parts.pop() ?? '';
    for (const line of parts) this.#line(line, out);
    if (this.#pending.length > this.#maxLine) {
      out.push(this.#unreadable(this.#pending, 'no line end'));
      this.#pending = '';
    }
    return out;
  }

  #line(line: string, out: BridgeOutput[]): void {
    let result = parseBridgeLine(line);
    if (result.kind === 'unreadable') {
      // Noise without a line end glues itself to the next line: report the noise, keep the UID after it.
      const noiseEnd = lastControl(line);
      const tail = noiseEnd >= 0 ? parseBridgeLine(line.slice(noiseEnd + 1)) : undefined;
      if (tail?.kind === 'uid') {
        out.push(this.#unreadable(line.slice(0, noiseEnd + 1), 'control bytes'));
        result = tail;
      }
    }
    if (result.kind === 'uid') out.push({ kind: 'uid', uid: result.uid });
    else if (result.kind === 'unreadable') out.push(this.#unreadable(line, result.reason));
  }

  #unreadable(line: string, reason: string): BridgeOutput {
    return fault(
      'READER_UNREADABLE_LINE',
      { line: printable(line), reason, baudRate: this.#baudRate },
      this.#reader,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// RDM6300 (and compatible 125 kHz EM4100 UART modules), 9600 8N1:
//   0x02 | 10 ASCII hex digits: 5 data bytes (version, then the 32-bit card number) | 2 ASCII hex digits:
//   XOR of the 5 data bytes | 0x03
// The module repeats the frame while the card stays in the field.

const STX = 0x02;
const ETX = 0x03;
const FRAME = 14;
const MAX_NOISE = 64;

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join(' ')
    .toUpperCase();
}

/** Builds a valid RDM6300 frame for 5 data bytes (tests and the simulator use it). */
export function rdm6300Frame(data: Uint8Array): Uint8Array {
  if (data.length !== 5) throw new RangeError('an RDM6300 frame carries 5 data bytes');
  const checksum = data.reduce((x, b) => x ^ b, 0);
  const ascii = `${hexOf(data).replace(/ /g, '')}${checksum.toString(16).padStart(2, '0').toUpperCase()}`;
  return Uint8Array.from([STX, ...Buffer.from(ascii, 'latin1'), ETX]);
}

/**
 * Stream decoder for RDM6300 frames. Bytes outside frames are noise (reported once per run); a
 * frame with a non-hex digit, a missing end byte or a wrong checksum is reported, and decoding goes on
 * from the next start byte after the bad frame's own, so a real frame hidden in garbage is not lost.
 * The UID is the 5 data bytes as sent (EM4100: version byte, then the card number big-endian).
 */
export class Rdm6300Decoder {
  readonly #reader: string;
  #buffer: number[] = [];
  #noise: number[] = [];
  /** How many bytes after a broken frame's start byte still count as that frame, not as noise. */
  #skip = 0;

  constructor(options: { reader?: string } = {}) {
    this.#reader = options.reader ?? '';
  }

  push(chunk: Uint8Array): BridgeOutput[] {
    const out: BridgeOutput[] = [];
    this.#buffer.push(...chunk);
    for (;;) {
      const start = this.#buffer.indexOf(STX);
      const before = start === -1 ? this.#buffer : this.#buffer.slice(0, start);
      // Bytes after a broken frame belong to it (already reported); other bytes outside a frame are
      // noise, reported as one run when the next frame starts or the run grows long.
      const owned = Math.min(this.#skip, before.length);
      this.#noise.push(...before.slice(owned));
      this.#skip = start === -1 ? this.#skip - owned : 0;
      this.#buffer = start === -1 ? [] : this.#buffer.slice(start);
      if (this.#noise.length > 0 && (start !== -1 || this.#noise.length >= MAX_NOISE)) this.#reportNoise(out);
      if (start === -1) return out;
      // The buffer now starts with STX. Check each byte that has arrived so a broken frame is found
      // before 14 bytes are there (the next frame's STX inside it, for example).
      const broken = this.#brokenAt();
      if (broken !== undefined) {
        out.push(
          fault(
            'READER_BAD_FRAME',
            { reason: broken.reason, bytes: hexOf(Uint8Array.from(this.#buffer.slice(0, broken.at + 1))) },
            this.#reader,
          ),
        );
        this.#buffer = this.#buffer.slice(1); // resynchronise on the next STX after this one
        this.#skip = FRAME - 2; // the rest of the broken frame, at most
        continue;
      }
      if (this.#buffer.length < FRAME) return out;
      const frame = Uint8Array.from(this.#buffer.slice(0, FRAME));
      this.#buffer = this.#buffer.slice(FRAME);
      const ascii = Buffer.from(frame.subarray(1, 13)).toString('latin1');
      const data = Uint8Array.from({ length: 5 }, (_, i) =>
        Number.parseInt(ascii.slice(i * 2, i * 2 + 2), 16),
      );
      const sent = Number.parseInt(ascii.slice(10, 12), 16);
      const computed = data.reduce((x, b) => x ^ b, 0);
      if (sent !== computed) {
        out.push(
          fault(
            'READER_BAD_CHECKSUM',
            {
              sent: sent.toString(16).padStart(2, '0').toUpperCase(),
              computed: computed.toString(16).padStart(2, '0').toUpperCase(),
              bytes: hexOf(frame),
            },
            this.#reader,
          ),
        );
        continue;
      }
      out.push({ kind: 'uid', uid: data });
    }
  }

  /** Where the frame at the head of the buffer is already known to be broken, if it is. */
  #brokenAt(): { at: number; reason: string } | undefined {
    const end = Math.min(this.#buffer.length, FRAME);
    for (let i = 1; i < end; i++) {
      const byte = this.#buffer[i] ?? 0;
      if (i < FRAME - 1) {
        if (!isHexDigit(byte)) return { at: i, reason: byte === STX ? 'frame cut short' : 'not a hex digit' };
      } else if (byte !== ETX) {
        return { at: i, reason: 'no end byte' };
      }
    }
    return undefined;
  }

  #reportNoise(out: BridgeOutput[]): void {
    out.push(
      fault(
        'READER_BAD_FRAME',
        { reason: 'noise between frames', bytes: hexOf(Uint8Array.from(this.#noise.slice(0, 32))) },
        this.#reader,
      ),
    );
    this.#noise = [];
  }
}
