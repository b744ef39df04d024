// A company CSMS as the commissioning run's presence: "is the box connected and booted Accepted there",
// asked of a connector with the station.status capability (StationPresence in main/commissioning).
import type { CsmsConnector, StationStatus } from './connector.ts';

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
