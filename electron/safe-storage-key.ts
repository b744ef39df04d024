// The vault key on the desktop: 32 random bytes sealed by Electron safeStorage (Keychain, DPAPI,
// libsecret) in a file next to the database. Without an OS key store the core's 0600 key file is used.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { safeStorage } from 'electron';
import { AppError } from '../main/api/errors.ts';
import {
  keyFilePath,
  keyFileProvider,
  sealedKeyFilePath,
  VAULT_KEY_BYTES,
  type VaultKeyProvider,
} from '../main/store/vault-key.ts';

export function desktopKeyProvider(dataDir: string): VaultKeyProvider {
  const sealed = sealedKeyFilePath(dataDir);
  const plainKeyFile = keyFileProvider(dataDir);
  // On Linux without a keyring safeStorage falls back to a hard-coded password: no better than the file.
  const usable =
    safeStorage.isEncryptionAvailable() &&
    !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');
  if (!usable || (existsSync(keyFilePath(dataDir)) && !existsSync(sealed))) return plainKeyFile;
  return {
    kind: 'safeStorage',
    location: sealed,
    loadKey() {
      if (!existsSync(sealed)) return null;
      let key: Buffer;
      try {
        key = Buffer.from(safeStorage.decryptString(readFileSync(sealed)), 'base64');
      } catch (error) {
        throw new AppError('VAULT_KEY_INVALID', { file: sealed }, { cause: error });
      }
      if (key.length !== VAULT_KEY_BYTES) throw new AppError('VAULT_KEY_INVALID', { file: sealed });
      return key;
    },
    createKey() {
      const key = randomBytes(VAULT_KEY_BYTES);
      writeFileSync(sealed, safeStorage.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
      return key;
    },
  };
}
