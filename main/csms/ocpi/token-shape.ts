// A card as OCPI 2.2.1 (mod_tokens) and MaEVe's OCPI-shaped token carry it, and back: the tool's
// TokenRecord on one side, the eMSP's token object with its contract id, whitelist and group on the other.
import { createHash } from 'node:crypto';
import type { RemoteToken, TokenRecord } from '../connector.ts';

/** The eMSP the tool acts as for the closed user group, as the CPO knows it. */
export interface EmspParty {
  /** ISO 3166-1 alpha-2, e.g. DE. */
  countryCode: string;
  /** Three characters, e.g. ABC. */
  partyId: string;
  /** The company printed on the cards (OCPI `issuer`). */
  issuer: string;
}

/** OCPI 2.2.1 Token object (mod_tokens 12.3.2), the fields the tool sends and reads. */
export interface OcpiToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: 'RFID';
  contract_id: string;
  visual_number?: string;
  issuer: string;
  group_id?: string;
  valid: boolean;
  whitelist: 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER';
  last_updated: string;
}

/** OCPI's uid and group_id are CiString(36). */
export const OCPI_UID_MAX = 36;

/**
 * A stable eMA-ID-shaped contract id per card ("DEABC" + 9 characters), as OCPI recommends and MaEVe
 * requires (it refuses a contract id that is not an eMAID). A short idTag is kept readable ("0" + up to
 * 8 characters, zero-padded); a longer one (7- and 10-byte UIDs) becomes "H" + 8 base-36 characters of its
 * SHA-256: the two forms never collide with each other, and 41 bits of hash keep 10,000 cards apart.
 */
export function contractIdFor(party: EmspParty, idTag: string): string {
  const plain = idTag.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const instance =
    plain.length > 0 && plain.length <= 8
      ? plain.padStart(9, '0')
      : `H${BigInt(`0x${createHash('sha256').update(idTag).digest('hex').slice(0, 16)}`)
          .toString(36)
          .toUpperCase()
          .padStart(8, '0')
          .slice(-8)}`;
  return `${party.countryCode.toUpperCase()}${party.partyId.toUpperCase()}${instance}`;
}

/** Whether the card is valid now: revoked, or past its end of validity (OCPI has no expiry field). */
export function validNow(token: TokenRecord, now: Date): boolean {
  if (!token.valid) return false;
  if (token.validUntil === null) return true;
  const end = Date.parse(token.validUntil);
  return Number.isNaN(end) || end > now.getTime();
}

/**
 * The full OCPI token. `whitelist` is ALWAYS: the CPO must let the card charge without asking the eMSP in
 * real time, because the tool has no server the CPO could ask (and the boxes may be offline anyway).
 */
export function toOcpiToken(party: EmspParty, token: TokenRecord, now: Date): OcpiToken {
  return {
    country_code: party.countryCode.toUpperCase(),
    party_id: party.partyId.toUpperCase(),
    uid: token.idTag,
    type: 'RFID',
    contract_id: contractIdFor(party, token.idTag),
    ...(token.label ? { visual_number: token.label.slice(0, 64) } : {}),
    issuer: party.issuer,
    ...(token.groupIdTag ? { group_id: token.groupIdTag } : {}),
    valid: validNow(token, now),
    whitelist: 'ALWAYS',
    last_updated: now.toISOString(),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A token as the CSMS holds it, from OCPI (snake_case) or MaEVe (camelCase) fields; null if unreadable. */
export function fromRemoteToken(value: unknown): RemoteToken | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const uid = text(v.uid);
  if (uid === null || typeof v.valid !== 'boolean') return null;
  return {
    uid,
    idTag: uid,
    groupIdTag: text(v.group_id) ?? text(v.groupId),
    // Neither OCPI nor MaEVe keep an end of validity: the tool revokes the card when it ends.
    validUntil: null,
    label: text(v.visual_number) ?? text(v.visualNumber),
    owner: null,
    valid: v.valid,
    lastUpdated: text(v.last_updated) ?? text(v.lastUpdated),
  };
}
