// Reads CSV as spreadsheets write it (RFC 4180: quotes, doubled quotes, CRLF/LF/CR, a BOM, Excel's
// "sep=;" line) chunk by chunk, so a 100,000-row file is never split into a second copy of itself.
import { AppError } from '../api/errors.ts';

export type Delimiter = ',' | ';' | '\t';
export const delimiters: readonly Delimiter[] = [',', ';', '\t'];

export interface CsvRecord {
  /** The row as a spreadsheet numbers it (a line break inside quotes does not start a row); the header
   *  is row 1, Excel's "sep=" line is not counted. */
  row: number;
  cells: string[];
  /** Text after a closing quote ("ab"c): the cell is kept as read, the row is flagged. */
  textAfterQuote: boolean;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of a doubled quote or the closing one. */
  QuoteInQuoted,
  /** After the closing quote, before the delimiter. */
  AfterQuoted,
}

/**
 * The delimiter of a file from its first lines: the one of comma, semicolon (German Excel) and tab that
 * occurs most often outside quotes in the header; a one-column file is read with commas.
 */
export function detectDelimiter(sample: string): Delimiter {
  const text = sample.replace(/^\uFEFF/, '');
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep && (delimiters as readonly string[]).includes(sep[1] ?? '')) return sep[1] as Delimiter;
  const counts = new Map<Delimiter, number>(delimiters.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c as Delimiter))
      counts.set(c as Delimiter, (counts.get(c as Delimiter) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const d of delimiters) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Whether text is binary read as text: a NUL, or many control characters / undecodable bytes early on. */
export function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const head = text.slice(0, 65_536);
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) odd++;
  }
  return head.length > 0 && odd / head.length > 0.01;
}

/**
 * An incremental RFC 4180 reader: push() text as it arrives, end() at the end of the file. Records go
 * to the callback as soon as they are complete. An unclosed quote at the end is CARDS_CSV_UNCLOSED_QUOTE
 * with the row it opened in (the rest of the file would be one cell, so no row after it can be trusted).
 */
export class CsvReader {
  readonly delimiter: Delimiter;
  readonly #onRecord: (record: CsvRecord) => void;
  readonly #delimiterCode: number;
  #state = State.FieldStart;
  #cells: string[] = [];
  #field = '';
  #row = 1;
  #textAfterQuote = false;
  #skipLf = false;
  #first = true;

  constructor(delimiter: Delimiter, onRecord: (record: CsvRecord) => void) {
    this.delimiter = delimiter;
    this.#delimiterCode = delimiter.charCodeAt(0);
    this.#onRecord = onRecord;
  }

  push(chunk: string): void {
    let text = chunk;
    if (this.#first) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // Excel's "sep=;" first line names the delimiter; it is not a row of the sheet.
      if (/^sep=.\r?\n/i.test(text)) text = text.slice(text.indexOf('\n') + 1);
    }
    const d = this.#delimiterCode;
    const n = text.length;
    let start = 0;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#skipLf) {
        this.#skipLf = false;
        if (c === LF) {
          i++;
          start = i;
          continue;
        }
      }
      switch (this.#state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.#state = State.Quoted;
            i++;
            start = i;
          } else if (c === d) {
            this.#cells.push('');
            i++;
            start = i;
          } else if (c === CR || c === LF) {
            this.#cells.push('');
            this.#endRecord(c);
            i++;
            start = i;
          } else {
            // The Unquoted case reads this character too, so a field cut by the chunk end keeps it.
            this.#state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted: {
          // The common case: scan to the next delimiter or line end in one go.
          while (i < n) {
            const k = text.charCodeAt(i);
            if (k === d || k === CR || k === LF) break;
            i++;
          }
          this.#field += text.slice(start, i);
          if (i < n) {
            const k = text.charCodeAt(i);
            this.#cells.push(this.#field);
            this.#field = '';
            this.#state = State.FieldStart;
            if (k !== d) this.#endRecord(k);
            i++;
            start = i;
          } else {
            start = i;
          }
          break;
        }
        case State.Quoted: {
          const close = text.indexOf('"', i);
          if (close === -1) {
            this.#field += text.slice(i, n);
            i = n;
            start = n;
          } else {
            this.#field += text.slice(i, close);
            this.#state = State.QuoteInQuoted;
            i = close + 1;
            start = i;
          }
          break;
        }
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.#field += '"';
            this.#state = State.Quoted;
            i++;
            start = i;
          } else {
            this.#state = State.AfterQuoted;
          }
          break;
        case State.AfterQuoted:
          if (c === d || c === CR || c === LF) {
            this.#cells.push(this.#field);
            this.#field = '';
            this.#state = State.FieldStart;
            if (c !== d) this.#endRecord(c);
          } else {
            this.#textAfterQuote = true;
            this.#field += text[i];
          }
          i++;
          start = i;
          break;
      }
    }
  }

  end(): void {
    if (this.#state === State.Quoted) {
      throw new AppError('CARDS_CSV_UNCLOSED_QUOTE', { row: this.#row });
    }
    if (
      this.#state === State.Unquoted ||
      this.#state === State.QuoteInQuoted ||
      this.#state === State.AfterQuoted
    ) {
      this.#cells.push(this.#field);
      this.#field = '';
    } else if (this.#cells.length > 0) {
      // "a,b," at the very end: the last, empty cell.
      this.#cells.push('');
    }
    if (this.#cells.length > 0) this.#emit();
    this.#state = State.FieldStart;
  }

  #endRecord(code: number): void {
    if (code === CR) this.#skipLf = true;
    this.#emit();
  }

  #emit(): void {
    const record: CsvRecord = { row: this.#row, cells: this.#cells, textAfterQuote: this.#textAfterQuote };
    this.#cells = [];
    this.#textAfterQuote = false;
    this.#row++;
    this.#onRecord(record);
  }
}

/** Reads a whole text at once (the api receives the file as one string); records go to onRecord. */
export function readCsv(
  text: string,
  onRecord: (record: CsvRecord) => void,
  delimiter?: Delimiter,
): Delimiter {
  const chosen = delimiter ?? detectDelimiter(text.slice(0, 4096));
  const reader = new CsvReader(chosen, onRecord);
  reader.push(text);
  reader.end();
  return chosen;
}
