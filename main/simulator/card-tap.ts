// A card held to the simulated box's own reader: the box writes the UID its vendor's way (uidFormat),
// decides from its local list where its settings allow, and otherwise asks its CSMS with Authorize.
import { parseUid } from '../rfid/uid.ts';
import {
  defaultPreset,
  toIdTag,
  toIdToken,
  type UidFormat,
  type UidPresetName,
  uidPresets,
} from '../rfid/uid-format.ts';
import type { ListEntry } from './local-list.ts';
import { isRecord, type Payload, text } from './payload.ts';

/** How the simulated vendor writes a card: a preset name (hex-lsb-upper is KEBA-like) or a whole format. */
export type SimUidFormat = UidPresetName | UidFormat;

export function resolveUidFormat(value: SimUidFormat | undefined): UidFormat {
  if (value === undefined) return uidPresets[defaultPreset];
  if (typeof value === 'string') {
    if (!Object.hasOwn(uidPresets, value)) {
      throw new Error(`unknown uidFormat ${value}: use one of ${Object.keys(uidPresets).join(', ')}`);
    }
    return uidPresets[value];
  }
  return value;
}

export interface TapOutcome {
  /** What the box made of the card: its 1.6 idTag or 2.0.1 idToken. */
  idTag: string;
  /** 2.0.1: the IdTokenType type it sent or looked up. */
  tokenType?: string;
  /** Who decided: the box's local list, the CSMS (Authorize), or nobody. */
  answeredBy: 'local-list' | 'csms' | 'nobody';
  /** Accepted, Invalid, Blocked, Expired, Unknown, ...; 'NotRegistered' or 'Offline' when nobody decided. */
  status: string;
}

/** What the tap needs of the running box, whatever its OCPP version. */
export interface TapPort {
  ocppVersion: '1.6' | '2.0.1';
  format: UidFormat;
  registration(): string;
  online(): boolean;
  /** LocalAuthListEnabled / LocalAuthListCtrlr.Enabled */
  listEnabled(): boolean;
  /** LocalPreAuthorize: an Accepted card of the list starts without asking the CSMS. */
  preAuthorize(): boolean;
  /** LocalAuthorizeOffline: offline, the list decides. */
  authorizeOffline(): boolean;
  lookup(idTag: string): ListEntry | undefined;
  send(method: string, params: Payload): Promise<Payload | null>;
  log(line: string): void;
}

function written(port: TapPort, uidHex: string): { idTag: string; tokenType?: string } {
  const parsed = parseUid(uidHex, { source: 'typed', notation: 'hex' });
  if (!parsed.ok) throw new Error(`"${uidHex}" is not a card UID (${parsed.code})`);
  if (port.ocppVersion === '1.6') {
    const made = toIdTag(parsed.value, port.format);
    if (!made.ok) throw new Error(`this box cannot write ${uidHex} as an idTag (${made.code})`);
    return { idTag: made.value };
  }
  const made = toIdToken(parsed.value, port.format);
  if (!made.ok) throw new Error(`this box cannot write ${uidHex} as an idToken (${made.code})`);
  return { idTag: made.value.idToken, tokenType: made.value.type };
}

async function authorize(port: TapPort, card: { idTag: string; tokenType?: string }): Promise<string | null> {
  const answer =
    port.ocppVersion === '1.6'
      ? await port.send('Authorize', { idTag: card.idTag })
      : await port.send('Authorize', { idToken: { idToken: card.idTag, type: card.tokenType ?? 'Local' } });
  if (!answer) return null;
  const info = port.ocppVersion === '1.6' ? answer.idTagInfo : answer.idTokenInfo;
  return isRecord(info) ? text(info.status, 'Invalid') : 'Invalid';
}

/**
 * The box's decision for one tapped card. Registered and online: an Accepted list entry decides at once
 * when LocalPreAuthorize is on, else the CSMS is asked. While Pending the box sends nothing (OCPP 1.6
 * 4.2, 2.0.1 B02); offline the list decides when LocalAuthorizeOffline is on.
 */
export async function tapCard(port: TapPort, uidHex: string): Promise<TapOutcome> {
  const card = written(port, uidHex);
  const listed = port.listEnabled() ? port.lookup(card.idTag) : undefined;
  const decide = (answeredBy: TapOutcome['answeredBy'], status: string): TapOutcome => {
    port.log(`card ${uidHex.toUpperCase()} tapped as ${card.idTag}: ${status} (${answeredBy})`);
    return { ...card, answeredBy, status };
  };
  if (port.online()) {
    if (port.registration() !== 'Accepted') return decide('nobody', 'NotRegistered');
    if (listed?.status === 'Accepted' && port.preAuthorize()) return decide('local-list', listed.status);
    const status = await authorize(port, card);
    if (status !== null) return decide('csms', status);
  }
  if (listed && port.authorizeOffline()) return decide('local-list', listed.status);
  return decide('nobody', 'Offline');
}
