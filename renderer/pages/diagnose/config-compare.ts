// Writes the differences of a configuration comparison (made by the core: config.compare) as CSV.
// Write-only values (passwords, keys) never reach it: the core sends none.
import type { CompareRow } from '../../../main/diagnostics/config-compare.ts';

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV with a header; `words` turns a row's change into the user's language. */
export function compareCsv(
  rows: CompareRow[],
  header: [string, string, string, string],
  words: (row: CompareRow) => string,
  valueA: (row: CompareRow) => string,
  valueB: (row: CompareRow) => string,
): string {
  const lines = [header, ...rows.map((r) => [r.key, words(r), valueA(r), valueB(r)])];
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
