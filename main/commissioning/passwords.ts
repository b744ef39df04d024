// Strong per-box passwords within each OCPP version's rules: 1.6 AuthorizationKey as 40 hex digits
// (20 random bytes), 2.0.1 BasicAuthPassword as 32 characters from its allowed alphabet.
import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET_201 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.';

export function generatePassword(version: '1.6' | '2.0.1'): string {
  if (version === '1.6') return randomBytes(20).toString('hex').toUpperCase();
  let out = '';
  for (let i = 0; i < 32; i++) out += ALPHABET_201[randomInt(ALPHABET_201.length)];
  return out;
}

/** The rules as the box's version states them, for passwords a user enters by hand. */
export function passwordFits(version: '1.6' | '2.0.1', password: string): boolean {
  if (version === '1.6') return /^[0-9A-Fa-f]{32,40}$/.test(password) && password.length % 2 === 0;
  return /^[a-zA-Z0-9*\-_=:+|@.]{16,40}$/.test(password);
}
