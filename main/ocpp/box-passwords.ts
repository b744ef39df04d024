// Which password a box must present at the local CSMS: its own, once a commissioning run gave it one
// (kept in the vault), else the shared one. A box with its own password is the only one for its identity.
import { AppError } from '../api/errors.ts';
import type { Vault } from '../store/vault.ts';

/** OCPP security profiles ask for at least 16 characters (1.6 AuthorizationKey, 2.0.1 BasicAuthPassword). */
export const MIN_CSMS_PASSWORD = 16;

/** The purpose under which a commissioning run stores a box's own password (label: its identity). */
export const BOX_PASSWORD_PURPOSE = 'ocpp-basic-auth';

/** Refuses a shared CSMS password anyone on the LAN could guess. */
export function checkCsmsPassword(password: string): void {
  if ([...password].length < MIN_CSMS_PASSWORD)
    throw new AppError('CSMS_PASSWORD_WEAK', { length: [...password].length, min: MIN_CSMS_PASSWORD });
}

/** The password callback of the local CSMS: the box's own from the vault, else the shared one. */
export function boxPasswords(vault: Vault, shared: string): (identity: string) => string {
  return (identity) => {
    const own = vault.list().find((s) => s.purpose === BOX_PASSWORD_PURPOSE && s.label === identity);
    return own ? vault.use(own.id, (value) => value) : shared;
  };
}
