// Tells a keyboard-wedge reader from a person: the reader types a UID as a fast burst ending in Enter,
// a person types slowly. Pure (keys and timestamps in, a verdict out), so its rules are unit-tested.

export interface WedgeRules {
  /** Fewest characters before Enter that count as a card (a UID has at least 4 bytes; 4 is generous). */
  minChars: number;
  /** Longest pause between two keys of one burst, Enter included. */
  maxGapMs: number;
  /** More characters than any UID a reader types (10 bytes as hex with separators): not a card. */
  maxChars: number;
}

export const defaultWedgeRules: WedgeRules = { minChars: 4, maxGapMs: 50, maxChars: 40 };

export interface KeyStroke {
  /** KeyboardEvent.key: "a", "7", "Enter", "Shift", "Tab" ... */
  key: string;
  /** Milliseconds on one clock (KeyboardEvent.timeStamp). */
  at: number;
  /** Held down and repeating: a person leaning on a key, never a reader. */
  repeat?: boolean;
  /** Ctrl, Alt or Meta held: a shortcut, never part of a UID. */
  modified?: boolean;
}

export type WedgeVerdict =
  /** Enter closed a fast burst: the reader typed this text. */
  | { kind: 'card'; text: string }
  /**
   * A character that may belong to a burst. `fresh` when it starts a new one: whatever was typed
   * before it stays; the burst's own characters are those from the fresh one up to Enter.
   */
  | { kind: 'char'; fresh: boolean }
  /** Nothing to do with a card (a slow Enter, Tab, an arrow, a shortcut): let it through. */
  | { kind: 'none' };

/** Keys a wedge reader may press between characters without meaning anything (Shift for capitals). */
const silentKeys = new Set(['Shift', 'CapsLock', 'NumLock']);

/** One printable character other than space: what a reader types for a UID (hex, digits, separators). */
export function isBurstCharacter(key: string): boolean {
  return key.length === 1 && key > ' ' && key <= '~';
}

export class WedgeTypingDetector {
  readonly #rules: WedgeRules;
  #text = '';
  #lastAt = 0;

  constructor(rules: Partial<WedgeRules> = {}) {
    this.#rules = { ...defaultWedgeRules, ...rules };
  }

  /** The characters of the burst in progress, if it is still alive at `at` (no pause since). */
  pending(at: number): string {
    return this.#text !== '' && at - this.#lastAt <= this.#rules.maxGapMs ? this.#text : '';
  }

  push(stroke: KeyStroke): WedgeVerdict {
    if (silentKeys.has(stroke.key)) return { kind: 'none' };
    const inTime = this.#text !== '' && stroke.at - this.#lastAt <= this.#rules.maxGapMs;
    if (stroke.repeat || stroke.modified) return this.#drop();
    if (stroke.key === 'Enter') {
      const text = this.#text;
      this.#drop();
      const card = inTime && text.length >= this.#rules.minChars && text.length <= this.#rules.maxChars;
      return card ? { kind: 'card', text } : { kind: 'none' };
    }
    if (!isBurstCharacter(stroke.key)) return this.#drop();
    // A pause ends the burst so far: a reader that stopped half-way is dropped, not glued to the next.
    const fresh = !inTime;
    this.#text = fresh ? stroke.key : this.#text + stroke.key;
    this.#lastAt = stroke.at;
    return { kind: 'char', fresh };
  }

  /** Forgets the burst in progress (focus moved, the enrollment stopped). */
  reset(): void {
    this.#drop();
  }

  #drop(): WedgeVerdict {
    this.#text = '';
    this.#lastAt = 0;
    return { kind: 'none' };
  }
}
