// What the live view of a box shows, shared by the core, the api, the CLI and the renderer: connectors,
// errors, heartbeat timing, transactions with their meter values, and the two notices with when and why.

export interface LiveConnector {
  /** 2.0.1 EVSE id; null on 1.6 (connectorId 0 is the box as a whole there). */
  evseId: number | null;
  connectorId: number;
  /** The OCPP value as the box sent it (Available, Charging, Faulted, Occupied, ...). */
  status: string;
  /** 1.6 errorCode (NoError when fine); null on 2.0.1. */
  errorCode: string | null;
  at: string;
}

export interface LiveError {
  evseId: number | null;
  connectorId: number | null;
  /** 1.6 ChargePointErrorCode, or on 2.0.1 the component and variable of a problem event. */
  errorCode: string;
  vendorErrorCode: string | null;
  info: string | null;
  at: string;
  /** The box said the problem is gone (NoError afterwards, or a cleared event). */
  cleared: boolean;
}

export interface MeterPoint {
  at: string;
  energyWh: number | null;
  powerW: number | null;
  currentOfferedA: number | null;
  currentImportA: number | null;
}

export interface LiveTransaction {
  id: string;
  evseId: number | null;
  connectorId: number | null;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  /** Oldest first, at most the last few hundred. */
  points: MeterPoint[];
}

export interface LiveHeartbeat {
  /** The last Heartbeat the box sent (the laptop's clock). */
  last: string | null;
  /** What the CSMS told the box in its BootNotification answer (or a HeartbeatInterval written), seconds. */
  intervalS: number | null;
  /** No heartbeat for more than one and a half intervals (looked at on the laptop's clock). */
  late: boolean;
}

/** idle: a transaction is open but no energy flows. energy-management: a charging profile the box accepted,
 *  or the current offered lowered during a transaction. */
export type LiveNoticeKind = 'idle' | 'energy-management';
export type LiveNoticeReason = 'no-energy' | 'charging-profile' | 'offered-lowered';

export interface LiveNotice {
  identity: string;
  kind: LiveNoticeKind;
  reason: LiveNoticeReason;
  /** When it happened: idle since the last energy, the profile's answer, the sample with the lower offer. */
  at: string;
  transactionId: string | null;
  evseId: number | null;
  connectorId: number | null;
  /** Numbers behind the why: minutes and energyWh (idle); limit and unit (profile); fromA and toA (offer). */
  details: Record<string, number | string>;
}

/** The box's last BootNotification as it said it, and the CSMS's answer (Accepted, Pending, Rejected). */
export interface LiveBoot {
  at: string;
  vendor: string | null;
  model: string | null;
  firmwareVersion: string | null;
  status: string | null;
}

export interface LiveBox {
  identity: string;
  protocol: '1.6' | '2.0.1' | null;
  connected: boolean;
  /** null: no boot heard since the tool started (a box that was already up only sends heartbeats). */
  boot: LiveBoot | null;
  connectors: LiveConnector[];
  errors: LiveError[];
  heartbeat: LiveHeartbeat;
  /** Open transactions, then the last few closed ones (newest first). */
  transactions: LiveTransaction[];
  notices: LiveNotice[];
  idleMinutes: number;
  updatedAt: string;
}
