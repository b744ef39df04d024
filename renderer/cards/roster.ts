// A roster pasted or loaded as CSV becomes the list of card labels: one name per line, or the first
// column of a spreadsheet export (comma, semicolon or tab; quoted fields), duplicates and blanks dropped.

/** Longest label a card may carry (cards.enroll). */
export const maxLabelLength = 60;

export interface Roster {
  names: string[];
  /** Lines whose name was already in the list: dropped, counted so the user can see why. */
  duplicates: number;
  /** Names longer than a label may be: they block the start until shortened. */
  tooLong: string[];
}

/** The first field of one CSV line: up to the first separator outside quotes, "" inside quotes as ". */
export function firstField(line: string): string {
  const text = line.trimStart();
  if (text.startsWith('"')) {
    let value = '';
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        if (text[i + 1] === '"') {
          value += '"';
          i++;
        } else return value.trim();
      } else value += c;
    }
    return value.trim();
  }
  const end = text.search(/[,;\t]/);
  return (end === -1 ? text : text.slice(0, end)).trim();
}

export function parseRoster(text: string, options: { header?: boolean } = {}): Roster {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (options.header) lines.shift();
  const names: string[] = [];
  const seen = new Set<string>();
  const tooLong: string[] = [];
  let duplicates = 0;
  for (const line of lines) {
    const name = firstField(line);
    if (name === '') continue;
    // Names compare as a person reads them: "Anna Schmidt" and "anna schmidt" are one person.
    const key = name.toLocaleLowerCase();
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (name.length > maxLabelLength) tooLong.push(name);
    names.push(name);
  }
  return { names, duplicates, tooLong };
}
