// The port through which a run asks the company CSMS whether it has the box: a run says "confirmed" only
// when a connector answers connected and booted Accepted. Connectors (OCPI, SteVe, ...) plug in here.

export interface StationStatus {
  connected: boolean;
  /** The registration status of the box's last BootNotification there, when the CSMS tells it. */
  bootStatus: 'Accepted' | 'Pending' | 'Rejected' | null;
  /** When the CSMS last heard from the box (ISO 8601), when it tells it. */
  lastSeen: string | null;
  /** Who saw it, when a presence asks several (firstPresence): recorded as the run's confirmedBy. */
  source?: string;
}

export interface StationPresence {
  /** Names the connector in the run's record ("SteVe at https://..."); never a credential. */
  readonly name: string;
  /** What the company CSMS knows about the box now; null when it does not know the identity. */
  stationStatus(identity: string, signal: AbortSignal): Promise<StationStatus | null>;
}

/** The CSMS has the box: connected, and its boot was accepted there. */
export function confirms(status: StationStatus | null): boolean {
  return status?.connected === true && status.bootStatus === 'Accepted';
}

/**
 * Several ways to see the company CSMS (the tool's own proxy while it relays the box, a CSMS connector):
 * the first that knows the box answers, naming itself as the source. Null when none is set up.
 */
export function firstPresence(presences: ReadonlyArray<StationPresence | null>): StationPresence | null {
  const set = presences.filter((p): p is StationPresence => p !== null);
  if (set.length <= 1) return set[0] ?? null;
  return {
    name: set.map((p) => p.name).join(' / '),
    async stationStatus(identity, signal) {
      let failure: unknown = null;
      for (const presence of set) {
        try {
          const status = await presence.stationStatus(identity, signal);
          if (status) return { ...status, source: status.source ?? presence.name };
        } catch (error) {
          failure = error;
        }
      }
      if (failure) throw failure;
      return null;
    },
  };
}
