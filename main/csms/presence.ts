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
 * The presence a commissioning run asks: the first company CSMS set up here that can tell whether a box is
 * connected and booted (CitrineOS; not SteVe, MaEVe or a file), or null when none can, so the run ends
 * "left, not confirmed" without pretending to ask. Built each time a run is driven, so a CSMS added
 * since the last run counts.
 */
export function configuredPresence(store: Store, vault: Vault): CsmsPresence | null {
  for (const info of listConnectors(store)) {
    let connector: CsmsConnector;
    try {
      connector = buildConnector(store, vault, info);
    } catch {
      continue; // a kind this version cannot build, or a credential the vault cannot open: asks nothing
    }
    const presence = presenceOf(connector);
    if (presence) return presence;
    void connector.close?.();
  }
  return null;
}
