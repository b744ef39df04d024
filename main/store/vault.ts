// The secret vault: OCPP passwords, CSMS tokens and keys, sealed with AES-256-GCM at rest.
// Values go in and are used inside the core; the api only ever hands out their names.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../api/errors.ts';
import type { SecretInfo } from '../api/types.ts';
import { recordAudit } from './audit.ts';
import type { Store } from './database.ts';
import type { VaultKeyProvider } from './vault-key.ts';

/** The one kind of secret a user may see: a box's basic-auth password, to enter into a CSMS. */
export const REVEALABLE = 'ocpp-basic-auth';

interface SecretRow {
  id: number;
  purpose: string;
  label: string;
  key_id: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  created_at: string;
  updated_at: string;
}

function info(row: SecretRow): SecretInfo {
  return {
    id: row.id,
    purpose: row.purpose,
    label: row.label,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The row's identity is bound into the seal, so a ciphertext moved to another row does not open. */
function additionalData(purpose: string, label: string): Buffer {
  return Buffer.from(`${purpose}\u0000${label}`, 'utf8');
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The key that opens every secret in the database. A new key is made only for a database that holds no
 * secret; a missing key, or one that did not seal them, is refused before anything is written, so a
 * lost key file never quietly becomes a new key (and a new CA over the old one's key).
 */
function unlockKey(store: Store, provider: VaultKeyProvider): Buffer {
  const sealed = store.db
    .prepare('SELECT key_id, COUNT(*) AS n FROM secrets GROUP BY key_id')
    .all() as Array<{
    key_id: string;
    n: number;
  }>;
  const total = sealed.reduce((sum, row) => sum + row.n, 0);
  let key = provider.loadKey();
  if (!key) {
    if (total > 0) throw new AppError('VAULT_KEY_MISSING', { file: provider.location, count: total });
    try {
      key = provider.createKey();
    } catch (error) {
      // Another process made the key meanwhile: use that one (it was checked the same way).
      key = (error as { code?: string }).code === 'EEXIST' ? provider.loadKey() : null;
      if (!key) throw error;
    }
  }
  const id = keyIdOf(key);
  const foreign = sealed.filter((row) => row.key_id !== id).reduce((sum, row) => sum + row.n, 0);
  if (foreign > 0) throw new AppError('VAULT_KEY_MISMATCH', { file: provider.location, count: foreign });
  return key;
}

export class Vault {
  readonly keyKind: VaultKeyProvider['kind'];
  readonly #store: Store;
  readonly #key: Buffer;
  readonly #keyId: string;

  constructor(store: Store, provider: VaultKeyProvider) {
    this.#store = store;
    this.#key = unlockKey(store, provider);
    this.#keyId = keyIdOf(this.#key);
    this.keyKind = provider.kind;
  }

  list(): SecretInfo[] {
    const rows = this.#store.db.prepare('SELECT * FROM secrets ORDER BY purpose, label').all() as SecretRow[];
    return rows.map(info);
  }

  /** Stores or replaces the secret named (purpose, label). */
  put(actor: string, purpose: string, label: string, value: string): SecretInfo {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(additionalData(purpose, label));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const now = this.#store.now();
    return this.#store.write(() => {
      const existing = this.#find(purpose, label);
      if (existing) {
        this.#store.db
          .prepare(
            'UPDATE secrets SET key_id = ?, nonce = ?, ciphertext = ?, tag = ?, updated_at = ? WHERE id = ?',
          )
          .run(this.#keyId, nonce, ciphertext, tag, now, existing.id);
      } else {
        this.#store.db
          .prepare(
            'INSERT INTO secrets (purpose, label, key_id, nonce, ciphertext, tag, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(purpose, label, this.#keyId, nonce, ciphertext, tag, now, now);
      }
      const row = this.#find(purpose, label) as SecretRow;
      recordAudit(this.#store, {
        actor,
        action: existing ? 'secret.replace' : 'secret.create',
        entity: 'secret',
        entityId: row.id,
        after: { purpose, label },
      });
      return info(row);
    });
  }

  /** Lends the value to fn (a driver writing a password to a box); it is not kept anywhere else. */
  use<T>(id: number, fn: (value: string) => T): T {
    const row = this.#store.db.prepare('SELECT * FROM secrets WHERE id = ?').get(id) as SecretRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', { entity: 'secret', id });
    return fn(this.#open(row));
  }

  /** Hands a box's OCPP password to the user who asked for it, and records that they did. Other
   *  secrets (CSMS tokens, keys) are never revealed: the tool uses them itself. */
  reveal(actor: string, id: number): string {
    const row = this.#store.db.prepare('SELECT * FROM secrets WHERE id = ?').get(id) as SecretRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', { entity: 'secret', id });
    if (row.purpose !== REVEALABLE)
      throw new AppError('SECRET_NOT_REVEALABLE', { label: row.label, purpose: row.purpose });
    const value = this.#open(row);
    this.#store.write(() =>
      recordAudit(this.#store, {
        actor,
        action: 'secret.reveal',
        entity: 'secret',
        entityId: id,
        after: { purpose: row.purpose, label: row.label },
      }),
    );
    return value;
  }

  delete(actor: string, id: number): void {
    this.#store.write(() => {
      const row = this.#store.db.prepare('SELECT * FROM secrets WHERE id = ?').get(id) as
        | SecretRow
        | undefined;
      if (!row) throw new AppError('NOT_FOUND', { entity: 'secret', id });
      this.#store.db.prepare('DELETE FROM secrets WHERE id = ?').run(id);
      recordAudit(this.#store, {
        actor,
        action: 'secret.delete',
        entity: 'secret',
        entityId: id,
        before: { purpose: row.purpose, label: row.label },
      });
    });
  }

  #find(purpose: string, label: string): SecretRow | undefined {
    return this.#store.db
      .prepare('SELECT * FROM secrets WHERE purpose = ? AND label = ?')
      .get(purpose, label) as SecretRow | undefined;
  }

  #open(row: SecretRow): string {
    const unreadable = (cause?: unknown) =>
      new AppError('SECRET_UNREADABLE', { label: row.label, purpose: row.purpose }, { cause });
    if (row.key_id !== this.#keyId) throw unreadable();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, row.nonce);
      decipher.setAAD(additionalData(row.purpose, row.label));
      decipher.setAuthTag(row.tag);
      return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw unreadable(error);
    }
  }
}
