// Files that hold the user's data (database, its WAL, logs, card and trace exports) are for their owner
// only: created 0600 (folders 0700), and a looser mode on a regular file of ours is tightened.
import {
  chmodSync,
  closeSync,
  createWriteStream,
  fchmodSync,
  fstatSync,
  openSync,
  statSync,
  type WriteStream,
  writeSync,
} from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

const windows = process.platform === 'win32';

/** Tightens a regular file or folder that others may read; devices, pipes and missing paths are left alone. */
export function tightenMode(path: string, mode: number = PRIVATE_FILE_MODE): void {
  if (windows) return;
  try {
    const stat = statSync(path);
    if ((stat.isFile() || stat.isDirectory()) && (stat.mode & 0o077) !== 0) chmodSync(path, mode);
  } catch {
    // Gone or not ours: nothing to tighten.
  }
}

/** Opens path for writing (created or truncated) readable by its owner only. A terminal or a pipe
 *  (`--out /dev/stdout`) is written as it is, its mode untouched. */
function openPrivate(path: string): number {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  try {
    if (!windows && fstatSync(fd).isFile()) fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Writes an export (card list, trace) that only its owner may read. */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  const fd = openPrivate(path);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  } finally {
    closeSync(fd);
  }
}

/** A write stream on a file only its owner may read, for exports written line by line. */
export function createPrivateWriteStream(path: string): WriteStream {
  return createWriteStream(path, { fd: openPrivate(path) });
}
