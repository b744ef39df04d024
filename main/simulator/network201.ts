// The 2.0.1 box's network connection profiles, one per configuration slot (slot 0: where it was first
// pointed), and the order it dials them in: NetworkConfigurationPriority, then the last one that worked.
import { isRecord, type Payload } from './payload.ts';

export interface NetworkProfile {
  ocppCsmsUrl: string;
  securityProfile: number;
  messageTimeout: number;
  ocppInterface: string;
}

export type ProfileOutcome = { status: 'Accepted' } | { status: 'Rejected'; reason: string };

export function parsePriority(value: string): number[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
}

function isWebSocketUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export class NetworkSlots {
  readonly slots: number[];
  readonly #profiles = new Map<number, NetworkProfile>();
  /** The slot of the connection that last came up. */
  lastWorking: number | null = null;

  constructor(slots: number[], first: NetworkProfile) {
    this.slots = slots;
    this.#profiles.set(0, first);
  }

  profile(slot: number): NetworkProfile | undefined {
    return this.#profiles.get(slot);
  }

  /** SetNetworkProfile: a slot the box offers, not the one in use, never a lower security profile. */
  set(slot: number, data: unknown, currentProfile: number, activeSlot: number | null): ProfileOutcome {
    if (!this.slots.includes(slot)) return { status: 'Rejected', reason: 'InvalidSlot' };
    if (slot === activeSlot) return { status: 'Rejected', reason: 'SlotInUse' };
    if (!isRecord(data)) return { status: 'Rejected', reason: 'InvalidProfile' };
    const d: Payload = data;
    if (d.ocppVersion !== 'OCPP20' || d.ocppTransport !== 'JSON') {
      return { status: 'Rejected', reason: 'UnsupportedVersion' };
    }
    if (typeof d.ocppCsmsUrl !== 'string' || !isWebSocketUrl(d.ocppCsmsUrl)) {
      return { status: 'Rejected', reason: 'InvalidURL' };
    }
    const securityProfile = typeof d.securityProfile === 'number' ? d.securityProfile : -1;
    if (securityProfile < 0 || securityProfile > 3) return { status: 'Rejected', reason: 'InvalidProfile' };
    if (securityProfile < currentProfile) return { status: 'Rejected', reason: 'LowerSecurityProfile' };
    this.#profiles.set(slot, {
      ocppCsmsUrl: d.ocppCsmsUrl,
      securityProfile,
      messageTimeout: typeof d.messageTimeout === 'number' ? d.messageTimeout : 30,
      ocppInterface: typeof d.ocppInterface === 'string' ? d.ocppInterface : 'Wired0',
    });
    return { status: 'Accepted' };
  }

  /** Why a NetworkConfigurationPriority value cannot be taken, or null: every slot listed needs a profile. */
  priorityProblem(value: string): string | null {
    const order = parsePriority(value);
    if (order.length === 0) return 'EmptyPriority';
    if (order.some((slot) => !this.#profiles.has(slot))) return 'NoProfileInSlot';
    return null;
  }

  /** The dial order: the priority's slots that hold a profile, then the last one that worked. */
  order(priority: string): number[] {
    const order = parsePriority(priority).filter((slot) => this.#profiles.has(slot));
    if (this.lastWorking !== null && !order.includes(this.lastWorking)) order.push(this.lastWorking);
    if (order.length === 0) order.push(0);
    return order;
  }
}
