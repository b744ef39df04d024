// The port through which a run asks the company CSMS whether it has the box: a run says "confirmed" only
// when a connector answers connected and booted Accepted. Connectors (OCPI, SteVe, ...) plug in here.

export interface StationStatus {
  connected: boolean;
  /** The registration status of the box's last BootNotification there, when the CSMS tells it. */
  bootStatus: 'Accepted' | 'Pending' | 'Rejected' | null;
  /** When the CSMS last heard from the box (ISO 8601), when it tells it. */
  lastSeen: string | null;
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
