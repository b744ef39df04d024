// The one port every company-CSMS connector implements (OCPI 2.2.1, CitrineOS, SteVe, MaEVe, file export):
// each declares what it can do, so the UI, the CLI and the outbox offer only that and say what is manual.

/** The kinds of company CSMS the tool can reach; `file` hands over by file for a CSMS without an API. */
export const connectorKinds = ['ocpi', 'citrineos', 'steve', 'maeve', 'file'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

/** What a connector may be able to do at the company CSMS. */
export const capabilities = [
  'station.register',
  'station.password',
  'station.status',
  'token.upsert',
  'token.revoke',
  'token.list',
] as const;
export type Capability = (typeof capabilities)[number];

/** A capability the connector lacks, and what the user does by hand instead (a locale key + its values). */
export interface ManualStep {
  capability: Capability;
  /** e.g. 'sync.manual.steve.station': "Add {identity} with security profile {profile} in SteVe's web UI". */
  messageKey: string;
  params: Record<string, string | number>;
}

/** A commissioned station as the company CSMS needs it. */
export interface StationRecord {
  identity: string;
  ocppVersion: '1.6' | '2.0.1';
  securityProfile: 0 | 1 | 2 | 3;
  /** The box's basic-auth password, lent from the vault for this call only: never logged, never stored. */
  password: string | null;
  siteName: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  connectors: number | null;
  maxCurrentA: number | null;
}

/** A card as the company CSMS needs it: the UID already formatted for that CSMS, the group as its tag. */
export interface TokenRecord {
  /** Upper-case hex of the raw UID bytes: the key the tool and the CSMS share (OCPI uid, SteVe idTag). */
  uid: string;
  /** What the CSMS stores as the idTag / OCPI uid when it differs from `uid` (format per target). */
  idTag: string;
  groupIdTag: string | null;
  /** End of validity (ISO 8601 instant); null: no end. */
  validUntil: string | null;
  label: string | null;
  owner: string | null;
  /** false: revoked (OCPI valid=false, SteVe expired/blocked); never a DELETE where the CSMS keeps history. */
  valid: boolean;
}

/** A card as the company CSMS holds it now, for conflicts (shown side by side) and dry runs. */
export interface RemoteToken extends TokenRecord {
  lastUpdated: string | null;
}

/** What the company CSMS knows about a box now (the shape StationPresence in main/commissioning uses). */
export interface StationStatus {
  connected: boolean;
  bootStatus: 'Accepted' | 'Pending' | 'Rejected' | null;
  lastSeen: string | null;
}

/** One step of a connection test, in the order they run; the first failure stops the rest. */
export interface ConnectionCheck {
  step: 'url' | 'dns' | 'tcp' | 'tls' | 'auth' | 'api-version';
  ok: boolean;
  /** What was seen (address, certificate subject and expiry, API version); never a credential. */
  detail: string;
  /** The typed error's code when the step failed (CSMS_* codes in main/api/errors.ts). */
  errorCode?: string;
}

/**
 * A connector to one company CSMS. Methods of a capability the connector does not declare are absent.
 * Every method is idempotent (a PUT by uid, a station by identity) so the outbox may repeat it; failures
 * are AppError values with CSMS_* codes (CSMS_RATE_LIMITED carries `retryAfterS`).
 */
export interface CsmsConnector {
  readonly kind: ConnectorKind;
  /** Names it to people ("SteVe at https://csms.example/steve"); never holds a credential. */
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** What the user must do by hand for the capabilities this connector lacks, for one station. */
  manualSteps(station: Pick<StationRecord, 'identity' | 'securityProfile'>): ManualStep[];
  testConnection(signal: AbortSignal): Promise<ConnectionCheck[]>;
  registerStation?(station: StationRecord, signal: AbortSignal): Promise<void>;
  setStationPassword?(identity: string, password: string, signal: AbortSignal): Promise<void>;
  stationStatus?(identity: string, signal: AbortSignal): Promise<StationStatus | null>;
  /** Returns the token the CSMS held before, so a conflict can be shown instead of overwritten. */
  getToken?(uid: string, signal: AbortSignal): Promise<RemoteToken | null>;
  upsertToken?(token: TokenRecord, signal: AbortSignal): Promise<void>;
  revokeToken?(token: TokenRecord, signal: AbortSignal): Promise<void>;
  listTokens?(signal: AbortSignal): AsyncIterable<RemoteToken>;
  close?(): Promise<void>;
}
