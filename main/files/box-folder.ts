// Where a box's files live on disk: <data>/box-files/<box folder>/, folders 0700 and files 0600. Nothing a
// box sends becomes part of a path: the folder comes from the identity through a fixed rule, the file name
// is made here.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { PRIVATE_DIR_MODE, tightenMode } from '../store/private-files.ts';

/** The data folder's place for box files (the support bundle reads it too). */
export const BOX_FILES_FOLDER = 'box-files';

/** A box's folder name: the identity when it is plainly safe, else a hash of it (same box, same folder). */
export function boxFolderName(identity: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,47}$/.test(identity) && !identity.includes('..')) return identity;
  return `box-${createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 16)}`;
}

export function boxFolder(dataDir: string, identity: string): string {
  return join(dataDir, BOX_FILES_FOLDER, boxFolderName(identity));
}

/** Makes the folders (0700) and tightens them when an older version left them looser. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenMode(path, PRIVATE_DIR_MODE);
}

/** What a box called its file, fit to show: the last path part, no control characters, at most 120. */
export function displayName(given: string | null | undefined): string | null {
  if (!given) return null;
  const last = given.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const clean = [...last]
    .filter((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 120);
  return clean === '' || clean === '.' || clean === '..' ? null : clean;
}

/** A short extension from the box's name (.log, .zip, .gz) kept for the stored file; else .bin. */
export function safeExtension(given: string | null): string {
  const match = given === null ? null : /\.([A-Za-z0-9]{1,8})$/.exec(given);
  return match ? `.${match[1]?.toLowerCase()}` : '.bin';
}

/** A new file name in the box's folder: time and random, never the box's words. */
export function storedFileName(kind: string, given: string | null, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `${kind}-${stamp}-${randomBytes(6).toString('hex')}${safeExtension(given)}`;
}

/** The absolute path of a stored file, refused when the stored relative path would leave the box folders. */
export function insideBoxFiles(dataDir: string, storedPath: string): string {
  const root = resolve(dataDir, BOX_FILES_FOLDER);
  const full = resolve(root, storedPath);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== full)
    throw new Error('stored path outside the box files folder');
  return full;
}
