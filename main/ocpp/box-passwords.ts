// Which password a box must present at the local CSMS: its own, once a commissioning run gave it one
// (kept in the vault), else the shared one. A box with its own password is the only one for its identity.
import { AppError } from '../api/errors.ts';
import type { Vault } from '../store/vault.ts';

/** OCPP security profiles ask for at least 16 characters (1.6 AuthorizationKey, 2.0.1 BasicAuthPassword). */
export const MIN_CSMS_PASSWORD = 16;

/** The purpose under which a box's own password is kept once the box accepted it (label: its identity). */
export const BOX_PASSWORD_PURPOSE = 'ocpp-basic-auth';

/** A new password a commissioning run made for a box and is about to send (or has sent, unconfirmed): kept
 *  apart, so the box's current password is never overwritten before the box has taken the new one. */
export const BOX_PASSWORD_NEXT_PURPOSE = 'ocpp-basic-auth-next';

/** Refuses a shared CSMS password anyone on the LAN could guess. */
export function checkCsmsPassword(password: string): void {
  if ([...password].length < MIN_CSMS_PASSWORD)
    throw new AppError('CSMS_PASSWORD_WEAK', { length: [...password].length, min: MIN_CSMS_PASSWORD });
}

/**
 * The password callback of the local CSMS: the box's own from the vault, else the shared one; plus the new
 * one a run is giving it, while the box has not confirmed it (a box that took it and reconnects at once,
 * before the run recorded its answer, is not locked out; a box that refused it still gets in with the old).
 */
export function boxPasswords(vault: Vault, shared: string): (identity: string) => string[] {
  return (identity) => {
    const secrets = vault.list().filter((s) => s.label === identity);
    const own = secrets.find((s) => s.purpose === BOX_PASSWORD_PURPOSE);
    const next = secrets.find((s) => s.purpose === BOX_PASSWORD_NEXT_PURPOSE);
    const current = own ? vault.use(own.id, (value) => value) : shared;
    return next ? [current, vault.use(next.id, (value) => value)] : [current];
  };
}
