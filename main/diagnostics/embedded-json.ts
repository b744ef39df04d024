// JSON as it sits inside a log line: objects between other words, cut off at the line's end, or written as a
// string inside another JSON text (a frame logged as a field: \"key\"). Read tolerantly, with the place of
// every string in the text, so a value can be replaced there and the rest of the line stays as written.

/** A string's content as it stands in the text: [start, end), quotes excluded. */
export interface Span {
  start: number;
  end: number;
}

export type JsonNode =
  | { kind: 'string'; span: Span; raw: string }
  | { kind: 'object'; members: Array<{ name: string; value: JsonNode }> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'other' };

/** Deeper than this is no log line's business; the rest of such a value is left as text. */
const MAX_DEPTH = 32;
/** A number, true, false or null where a value stands. */
const literal = /[-+0-9.eEtruefalsn]+/y;
/** What follows an object's `{` when it is JSON: a member name's quote, escaped to its level. */
const memberStart = /\s*(\\*)"/y;

/**
 * The nesting level of a quote preceded by `run` backslashes: 0 in plain JSON, 1 inside a JSON string (\"),
 * 2 inside a string inside a string (\\\"). Null when the run is no opening quote at any level.
 */
function levelOf(run: number): number | null {
  let level = 0;
  let rest = run;
  while (rest % 2 === 1) {
    rest = (rest - 1) / 2;
    level++;
  }
  return rest === 0 ? level : null;
}

function backslashesBefore(text: string, at: number, from: number): number {
  let count = 0;
  while (at - count - 1 >= from && text[at - count - 1] === '\\') count++;
  return count;
}

/** How a quote preceded by `run` backslashes reads at `level`: it ends this level's string, is escaped inside
 *  it, or ends a string of an outer level (this one was cut off). */
function quoteAt(run: number, level: number): 'close' | 'escaped' | 'outer' {
  let rest = run;
  for (let i = 0; i < level; i++) {
    if (rest % 2 === 0) return 'outer';
    rest = (rest - 1) / 2;
  }
  return rest % 2 === 0 ? 'close' : 'escaped';
}

class Reader {
  at: number;
  readonly #text: string;
  readonly #end: number;
  readonly #level: number;
  readonly #quote: string;

  constructor(text: string, at: number, end: number, level: number) {
    this.#text = text;
    this.at = at;
    this.#end = end;
    this.#level = level;
    this.#quote = `${'\\'.repeat(2 ** level - 1)}"`;
  }

  #space(): void {
    for (
      let code = this.#text.charCodeAt(this.at);
      this.at < this.#end;
      code = this.#text.charCodeAt(this.at)
    ) {
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
      this.at++;
    }
  }

  #isQuote(): boolean {
    return this.#text.startsWith(this.#quote, this.at);
  }

  /** A string from its opening quote; one cut off (line end, end of text, an outer string's end) runs to there. */
  #string(): JsonNode & { kind: 'string' } {
    const start = this.at + this.#quote.length;
    for (let i = start; i < this.#end; i++) {
      const char = this.#text[i];
      if (char === '\n' || char === '\r') {
        this.at = i;
        return { kind: 'string', span: { start, end: i }, raw: this.#text.slice(start, i) };
      }
      if (char !== '"') continue;
      const run = backslashesBefore(this.#text, i, start);
      const seen = quoteAt(run, this.#level);
      if (seen === 'escaped') continue;
      const end = seen === 'close' ? i - (2 ** this.#level - 1) : i - run;
      this.at = seen === 'close' ? i + 1 : i - run;
      return { kind: 'string', span: { start, end }, raw: this.#text.slice(start, end) };
    }
    this.at = this.#end;
    return { kind: 'string', span: { start, end: this.#end }, raw: this.#text.slice(start, this.#end) };
  }

  value(depth: number): JsonNode | null {
    this.#space();
    if (this.at >= this.#end || depth > MAX_DEPTH) return null;
    const char = this.#text[this.at];
    if (char === '{') return this.#object(depth);
    if (char === '[') return this.#array(depth);
    if (this.#isQuote()) return this.#string();
    literal.lastIndex = this.at;
    const found = literal.exec(this.#text);
    if (!found || this.at + found[0].length > this.#end) return null;
    this.at += found[0].length;
    return { kind: 'other' };
  }

  /** The entries of an object or array up to its closing character; one that cannot be read ends the list
   *  (a value cut off keeps the entries before it). */
  #entries(close: string, readOne: () => boolean): void {
    this.at++;
    for (;;) {
      this.#space();
      if (this.#text[this.at] === close) {
        this.at++;
        return;
      }
      if (!readOne()) return;
      this.#space();
      if (this.#text[this.at] === ',') this.at++;
      else if (this.#text[this.at] !== close) return;
    }
  }

  #object(depth: number): JsonNode {
    const node: JsonNode & { kind: 'object' } = { kind: 'object', members: [] };
    this.#entries('}', () => {
      if (!this.#isQuote()) return false;
      const name = this.#string();
      this.#space();
      if (this.#text[this.at] !== ':') return false;
      this.at++;
      const value = this.value(depth + 1);
      if (value) node.members.push({ name: name.raw.replaceAll('\\', ''), value });
      return value !== null;
    });
    return node;
  }

  #array(depth: number): JsonNode {
    const node: JsonNode & { kind: 'array' } = { kind: 'array', items: [] };
    this.#entries(']', () => {
      const item = this.value(depth + 1);
      if (item) node.items.push(item);
      return item !== null;
    });
    return node;
  }
}

/**
 * Every JSON object in text[start, end), at whatever level of string nesting it is written, as far as it
 * can be read (an object cut off keeps the members before the cut). Objects inside one found are part of it.
 */
export function jsonObjectsIn(text: string, start = 0, end = text.length): JsonNode[] {
  const found: JsonNode[] = [];
  for (let at = start; at < end; at++) {
    if (text.charCodeAt(at) !== 123) continue;
    memberStart.lastIndex = at + 1;
    const after = memberStart.exec(text);
    const level = after && after.index + after[0].length <= end ? levelOf(after[1]?.length ?? 0) : null;
    if (level === null) continue;
    const reader = new Reader(text, at, end, level);
    const node = reader.value(0);
    if (node && node.kind === 'object' && node.members.length > 0) {
      found.push(node);
      at = Math.max(reader.at, at + 1) - 1;
    }
  }
  return found;
}
