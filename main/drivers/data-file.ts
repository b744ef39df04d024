// What register maps and console profiles share as data files: found by name among the shipped ones or
// by path, parsed as JSON, and every schema or meaning fault named by its entry ("settings[3] (name).field").
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from '../api/errors.ts';

export interface DataFileKind<T> {
  schema: z.ZodType<T>;
  /** Checks the schema cannot express; paths as zod gives them. */
  meaning: (value: T) => Array<{ path: PropertyKey[]; issue: string }>;
  invalid: ErrorCode;
  notFound: ErrorCode;
  /** The not-found error's parameter name (map, profile). */
  notFoundParam: string;
  /** resources/<folder>/ of the shipped files. */
  folder: string;
}

/** resources/<folder> from the sources (main/drivers/x) or from the bundle (out/cli). */
export function shippedDir(folder: string): string {
  return (
    [`../../../resources/${folder}/`, `../../resources/${folder}/`]
      .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
      .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL(`../../resources/${folder}/`, import.meta.url))
  );
}

function where(data: unknown, path: PropertyKey[], whole: string): string {
  const [head, index, ...rest] = path;
  const list = (data as { settings?: unknown } | null)?.settings;
  if (head === 'settings' && typeof index === 'number') {
    const entry = Array.isArray(list) ? (list[index] as { name?: unknown } | undefined) : undefined;
    const label = typeof entry?.name === 'string' ? ` (${entry.name})` : '';
    return [`settings[${index}]${label}`, ...rest.map(String)].join('.');
  }
  return path.map(String).join('.') || whole;
}

export function parseDataFile<T>(kind: DataFileKind<T>, data: unknown, file: string): T {
  const parsed = kind.schema.safeParse(data);
  const whole = `(${kind.folder})`;
  const issues: FieldIssue[] = parsed.success
    ? kind.meaning(parsed.data).map((i) => ({ path: where(data, i.path, whole), issue: i.issue }))
    : parsed.error.issues.map((i) => ({ path: where(data, i.path, whole), issue: i.message }));
  if (issues.length > 0 || !parsed.success)
    throw new AppError(
      kind.invalid,
      { file, count: issues.length, first: `${issues[0]?.path}: ${issues[0]?.issue}` },
      { fields: issues },
    );
  return parsed.data;
}

/** A shipped file by name (resources/<folder>/NAME.json) or a file by path. */
export function loadDataFile<T>(kind: DataFileKind<T>, nameOrPath: string): T {
  const isPath = /[/\\]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  const file = isPath
    ? isAbsolute(nameOrPath)
      ? nameOrPath
      : join(process.cwd(), nameOrPath)
    : join(shippedDir(kind.folder), `${nameOrPath}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError(kind.notFound, { [kind.notFoundParam]: nameOrPath.slice(0, 120) });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const issue = error instanceof Error ? error.message : String(error);
    throw new AppError(
      kind.invalid,
      { file: basename(file), count: 1, first: `(json): ${issue}` },
      { fields: [{ path: '(json)', issue }] },
    );
  }
  return parseDataFile(kind, data, basename(file));
}
