// How the CLI speaks: plain aligned text for people, one JSON document for scripts (--json), and
// typed errors as "code, message, remedy" on stderr, never a stack trace.
import type { WireError } from '../api/errors.ts';

export interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

export function printTable<T extends object>(
  output: Output,
  rows: T[],
  columns: Array<keyof T & string>,
): void {
  const cells = rows.map((row) => columns.map((c) => (row[c] == null ? '' : String(row[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  output.out(line(columns));
  for (const row of cells) output.out(line(row));
}

export function printError(output: Output, error: WireError): void {
  if (output.json) {
    output.err(JSON.stringify({ error }));
    return;
  }
  output.err(`error ${error.code}: ${error.message}`);
  for (const field of error.fields) {
    const named = field.label && field.label !== field.path ? `${field.label} (${field.path})` : field.path;
    output.err(`  ${named}: ${field.issue}`);
  }
  if (error.remedy) output.err(`  ${error.remedy}`);
}
