// Where the vault's 32-byte key comes from: a 0600 key file next to the database (plain Node, CLI,
// browser shell) or a key sealed by Electron safeStorage (the desktop shell supplies that provider).
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../api/errors.ts';

export const VAULT_KEY_BYTES = 32;

export interface VaultKeyProvider {
  readonly kind: 'safeStorage' | 'keyfile';
  /** Where the key is kept, for messages (a file path). */
  readonly location: string;
  /** The key, or null when there is none yet. Never makes one: the vault decides whether it may. */
  loadKey(): Buffer | null;
  /** Makes and keeps a new key; refuses to replace one that exists. */
  createKey(): Buffer;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'vault.key');
}

/** The desktop's key file, sealed by the OS key store (electron/safe-storage-key.ts). */
export function sealedKeyFilePath(dataDir: string): string {
  return join(dataDir, 'vault.key.sealed');
}

/** Removes every key file of the data folder: only ever part of an explicit, confirmed vault reset. */
export function discardKeyFiles(dataDir: string): void {
  for (const file of [keyFilePath(dataDir), sealedKeyFilePath(dataDir)]) rmSync(file, { force: true });
}

/** A raw key in a file only its owner can read; refuses a file others can read, as ssh does. */
export function keyFileProvider(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): VaultKeyProvider {
  const file = keyFilePath(dataDir);
  return {
    kind: 'keyfile',
    location: file,
    loadKey() {
      if (!existsSync(file)) return null;
      const fd = openSync(file, 'r');
      try {
        const mode = fstatSync(fd).mode & 0o777;
        if (platform !== 'win32' && (mode & 0o077) !== 0) {
          throw new AppError('VAULT_KEY_UNSAFE', { file, mode: mode.toString(8) });
        }
      } finally {
        closeSync(fd);
      }
      const key = readFileSync(file);
      if (key.length !== VAULT_KEY_BYTES) throw new AppError('VAULT_KEY_INVALID', { file });
      return key;
    },
    createKey() {
      const key = randomBytes(VAULT_KEY_BYTES);
      // 'wx': never replace a key that appeared meanwhile; secrets sealed with it would be lost.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, key);
      } finally {
        closeSync(fd);
      }
      return key;
    },
  };
}
