// The desktop once kept its data in Electron's userData folder while `wbc` used the platform's data
// folder: one installation showed two sets of boxes, runs and cards. This moves the old one over, once.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_FILE } from './paths.ts';

/** What the tool owns in a data folder; Electron's caches beside them stay where they are. */
const OWNED = [
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  'vault.key',
  'vault.key.sealed',
  'logs',
];

export type LegacyOutcome = 'none' | 'moved' | 'both';

/**
 * Moves the tool's files from `legacy` to `dataDir` when only the legacy folder has a database (call it
 * before the core opens either). 'both': each has one; nothing is touched and the caller says so.
 */
export function adoptLegacyFolder(legacy: string, dataDir: string): LegacyOutcome {
  if (resolve(legacy) === resolve(dataDir) || !existsSync(join(legacy, DATABASE_FILE))) return 'none';
  if (existsSync(join(dataDir, DATABASE_FILE))) return 'both';
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (const name of OWNED) {
    const from = join(legacy, name);
    if (!existsSync(from)) continue;
    const to = join(dataDir, name);
    try {
      renameSync(from, to);
    } catch {
      // Another file system (EXDEV): copy, then remove the old one only once the copy is complete.
      cpSync(from, to, { recursive: true, preserveTimestamps: true });
      rmSync(from, { recursive: true, force: true });
    }
  }
  return 'moved';
}
