// An upload written as it comes into a hidden .incoming-* file in the box's folder, capped at the slot's
// size and hashed on the way: the HTTP and FTP faces share it, so both keep and refuse files alike.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PRIVATE_FILE_MODE } from '../store/private-files.ts';
import { boxFolder, ensurePrivateDir } from './box-folder.ts';

export interface IncomingFile {
  /** ok: the sender ended it; too-large: cut at the limit; broken: the connection went before its end. */
  outcome: 'ok' | 'too-large' | 'broken';
  folder: string;
  /** The hidden file (removed unless ok). */
  path: string;
  size: number;
  sha256: string;
}

/** Reads source to its end into the box's folder; past maxBytes it stops reading and calls onTooLarge. */
export async function receiveIncoming(
  source: Readable,
  dataDir: string,
  slot: { identity: string; maxBytes: number },
  onTooLarge: () => void,
): Promise<IncomingFile> {
  const { identity, maxBytes } = slot;
  const folder = boxFolder(dataDir, identity);
  ensurePrivateDir(folder);
  const path = join(folder, `.incoming-${randomBytes(8).toString('hex')}`);
  const out = createWriteStream(path, { mode: PRIVATE_FILE_MODE, flags: 'wx' });
  const hash = createHash('sha256');
  let size = 0;
  const outcome = await new Promise<IncomingFile['outcome']>((resolve) => {
    let ended = false;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        onTooLarge();
        resolve('too-large');
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        source.pause();
        out.once('drain', () => source.resume());
      }
    });
    source.on('end', () => {
      ended = true;
      resolve('ok');
    });
    source.on('aborted', () => resolve('broken'));
    source.on('error', () => resolve('broken'));
    // Closed without the sender's end (a reset, a timeout): broken off.
    source.on('close', () => resolve(ended ? 'ok' : 'broken'));
  });
  await new Promise<void>((resolve) => out.end(() => resolve()));
  if (outcome !== 'ok') rmSync(path, { force: true });
  return { outcome, folder, path, size, sha256: hash.digest('hex') };
}
