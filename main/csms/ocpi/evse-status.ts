// What the CPO's published Locations can honestly say about a commissioned box: which EVSEs are that box,
// and whether their status means the box is talking to the CPO (OCPI cannot say "booted Accepted").
import type { StationStatus } from '../connector.ts';

export interface OcpiEvse {
  uid: string;
  evse_id?: string | null;
  status: string;
  last_updated?: string;
}

/**
 * OCPI has no field for the OCPP identity. The rule: an EVSE is the box's when its `uid` or its `evse_id`
 * equals the identity (case-insensitive; CPOs commonly use the charge box id as the EVSE uid), or when its
 * `uid` is the identity plus an EVSE number ("WB-0001*1", "WB-0001-2", "WB-0001_1", "WB-0001:1").
 */
export function evseMatches(evse: OcpiEvse, identity: string): boolean {
  const id = identity.toLowerCase();
  const uid = evse.uid.toLowerCase();
  if (uid === id || (evse.evse_id ?? '').toLowerCase() === id) return true;
  if (!uid.startsWith(id)) return false;
  return /^[*:_-]\d{1,3}$/.test(uid.slice(id.length));
}

/**
 * Statuses a CPO can only publish from a live box: it reported them over OCPP (StatusNotification, which a
 * box may send only once its boot was accepted). UNKNOWN is what OCPI prescribes for an offline EVSE;
 * INOPERATIVE, OUTOFORDER, PLANNED and REMOVED are set by operators or mapped from offline too.
 */
const LIVE = new Set(['AVAILABLE', 'BLOCKED', 'CHARGING', 'RESERVED']);

/**
 * connected: any of the box's EVSEs is in a live status. bootStatus stays null: a CPO may create EVSEs as
 * AVAILABLE before the box ever dialled in and may keep a stale status, so OCPI alone cannot confirm a
 * boot; the run stays "left, not confirmed" unless another source confirms it. lastSeen is the newest
 * `last_updated` of those EVSEs: when the CPO last changed what it publishes, not a heartbeat.
 */
export function statusOf(evses: OcpiEvse[]): StationStatus | null {
  if (evses.length === 0) return null;
  const connected = evses.some((e) => LIVE.has(String(e.status).toUpperCase()));
  const times = evses
    .map((e) => (typeof e.last_updated === 'string' ? Date.parse(e.last_updated) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  const lastSeen = times.length > 0 ? new Date(Math.max(...times)).toISOString() : null;
  return { connected, bootStatus: null, lastSeen };
}
