// Where the vault's 32-byte key comes from: a 0600 key file next to the database (plain Node, CLI,
// browser shell) or a key sealed by Electron safeStorage (the desktop shell supplies that provider).
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../api/errors.ts';

export const VAULT_KEY_BYTES = 32;

export interface VaultKeyProvider {
  readonly kind: 'safeStorage' | 'keyfile';
  loadOrCreateKey(): Buffer;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'vault.key');
}

/** A raw key in a file only its owner can read; refuses a file others can read, as ssh does. */
export function keyFileProvider(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): VaultKeyProvider {
  const file = keyFilePath(dataDir);
  return {
    kind: 'keyfile',
    loadOrCreateKey() {
      if (!existsSync(file)) {
        const key = randomBytes(VAULT_KEY_BYTES);
        // 'wx': never replace a key that appeared meanwhile; secrets sealed with it would be lost.
        const fd = openSync(file, 'wx', 0o600);
        try {
          writeSync(fd, key);
        } finally {
          closeSync(fd);
        }
        return key;
      }
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
  };
}
