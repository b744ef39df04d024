// The PDF's built-in Helvetica knows only the Windows-1252 (WinAnsi) characters: German umlauts and ß are
// among them, but a box may send anything in its vendor or identity. Text outside the set is shown as
// [U+XXXX] (and the report says so) instead of being garbled or dropped.

/** The characters 0x80-0x9F of Windows-1252 stand for these; the rest is Latin-1. */
const cp1252High = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'].map((c) => c.codePointAt(0) as number));

/** Typographic characters of the tool's own catalogs that the font lacks, written the way a typewriter would. */
const ownSubstitutes: Record<string, string> = { '→': '->', '←': '<-', '≥': '>=', '≤': '<=', '✓': 'x' };

export function isWinAnsi(codePoint: number): boolean {
  return (
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xff) ||
    cp1252High.has(codePoint)
  );
}

export function codePointLabel(codePoint: number): string {
  return `[U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/**
 * Text the font can draw: our own typographic characters spelled out, every other character outside
 * WinAnsi (and every control character) as [U+XXXX]. `replaced` says whether anything was escaped.
 */
export function winAnsiText(text: string): { text: string; replaced: boolean } {
  let out = '';
  let replaced = false;
  for (const char of text) {
    const substitute = ownSubstitutes[char];
    if (substitute !== undefined) {
      out += substitute;
      continue;
    }
    const codePoint = char.codePointAt(0) as number;
    if (isWinAnsi(codePoint)) out += char;
    else if (char === '\n') out += char;
    else {
      out += codePointLabel(codePoint);
      replaced = true;
    }
  }
  return { text: out, replaced };
}
