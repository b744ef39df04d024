// A company CSMS as the commissioning run's presence: "is the box connected and booted Accepted there",
// asked of a connector with the station.status capability (StationPresence in main/commissioning).
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import type { CsmsConnector, StationStatus } from './connector.ts';
import { listConnectors } from './connectors-store.ts';
import { buildConnector } from './registry.ts';

/** The shape main/commissioning/presence.ts's StationPresence declares. */
export interface CsmsPresence {
  readonly name: string;
  stationStatus(identity: string, signal: AbortSignal): Promise<StationStatus | null>;
}

/** The connector as a presence, or null when it cannot tell (SteVe: stations are not in its API). */
export function presenceOf(connector: CsmsConnector): CsmsPresence | null {
  const ask = connector.stationStatus;
  if (!connector.capabilities.has('station.status') || !ask) return null;
  return { name: connector.name, stationStatus: (identity, signal) => ask.call(connector, identity, signal) };
}

/**
 * The presence a commissioning run asks: every company CSMS set up here that can tell whether a box is
 * connected and booted (CitrineOS; not SteVe, MaEVe or a file), or null when none can, so the run ends
 * "left, not confirmed" without pretending to ask. Built each time a run is driven, so a CSMS added
 * since the last run counts.
 */
export function configuredPresence(store: Store, vault: Vault): CsmsPresence | null {
  const presences: CsmsPresence[] = [];
  for (const info of listConnectors(store)) {
    let connector: CsmsConnector;
    try {
      connector = buildConnector(store, vault, info);
    } catch {
      continue; // a kind this version cannot build, or a credential the vault cannot open: asks nothing
    }
    const presence = presenceOf(connector);
    if (presence) presences.push(presence);
    else void connector.close?.();
  }
  if (presences.length <= 1) return presences[0] ?? null;
  return anyOf(presences);
}

const accepted = (s: StationStatus | null) => s?.connected === true && s.bootStatus === 'Accepted';
const rejected = (s: StationStatus | null) => s?.connected === true && s.bootStatus === 'Rejected';

/**
 * Several CSMSs that can tell, asked together: one that refuses the tool's credentials (or is down) does
 * not keep another from confirming the box. The answer is the first that confirms it, else one that
 * rejected it, else the first any gave; its name is the CSMS that gave it (the run records it).
 */
function anyOf(presences: CsmsPresence[]): CsmsPresence {
  let answeredBy: string | null = null;
  return {
    get name() {
      return answeredBy ?? presences.map((p) => p.name).join(', ');
    },
    async stationStatus(identity, signal) {
      const answers = await Promise.allSettled(presences.map((p) => p.stationStatus(identity, signal)));
      const given = answers.flatMap((a, i) =>
        a.status === 'fulfilled' ? [{ by: presences[i]?.name ?? '', status: a.value }] : [],
      );
      if (given.length === 0) throw (answers[0] as PromiseRejectedResult).reason;
      const pick =
        given.find((g) => accepted(g.status)) ??
        given.find((g) => rejected(g.status)) ??
        given.find((g) => g.status !== null) ??
        null;
      if (!pick) return null;
      answeredBy = pick.by;
      return pick.status;
    },
  };
}
