// The OCPP vocabulary the tool shares between its CSMS, its station sessions and the api: versions,
// subprotocols, what a box said about itself, configuration entries and per-key write results.
import type { OcppVersion } from '../api/types.ts';
import type { LanAddress } from './lan-addresses.ts';

export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

export const supportedProtocols: readonly OcppProtocol[] = ['ocpp2.0.1', 'ocpp1.6'];

export function versionOf(protocol: OcppProtocol): OcppVersion {
  return protocol === 'ocpp1.6' ? '1.6' : '2.0.1';
}

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber: string | null;
  firmwareVersion: string | null;
  reason: string | null;
  receivedAt: string;
}

export interface ConfigEntry {
  /** 1.6: the key. 2.0.1: Component[.instance][#evse].Variable[.instance] as the tool names it. */
  key: string;
  value: string | null;
  readonly: boolean;
  writeOnly?: boolean;
  /** 2.0.1 only */
  component?: { name: string; instance?: string; evse?: { id: number; connectorId?: number } };
  variable?: { name: string; instance?: string };
  valuesList?: string;
}

export type SettingStatus =
  | 'Accepted'
  | 'RebootRequired'
  | 'Rejected'
  | 'NotSupported'
  | 'UnknownComponent'
  | 'UnknownVariable'
  | 'NotSupportedAttributeType'
  | 'NoAnswer';

export interface SettingResult {
  key: string;
  status: SettingStatus;
  /** The name the user gave, when the box's OCPP version calls it `key` (HeartbeatInterval on 2.0.1). */
  requestedKey?: string;
}

export interface LocalListEntry {
  idTag: string;
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
  /** 1.6 parentIdTag, 2.0.1 groupIdToken */
  group?: string;
  expiryDate?: string;
  /** 2.0.1 IdTokenType type; ISO14443 for 4/7-byte UIDs */
  tokenType?: string;
}

export type BoxState = 'connected' | 'offline';

export interface BoxInfo {
  identity: string;
  ocppVersion: '1.6' | '2.0.1';
  state: BoxState;
  admitted: boolean;
  remoteAddress: string | null;
  connectedAt: string;
  lastSeenAt: string;
  boot: BootInfo | null;
  connectors: Record<string, string>;
}

export type TraceDirection = 'in' | 'out' | 'event';
/** Who sent a frame the proxy relays (main/ocpp/proxy): the box, the company CSMS, or the tool itself
 *  (its own read-only calls and the box's answers to them). */
export type TraceSide = 'box' | 'csms' | 'tool';

export interface TraceFrame {
  id?: number;
  at: string;
  identity: string;
  direction: TraceDirection;
  /** call, result, error, malformed, or for events: connected, disconnected, refused, replaced, ... */
  kind: string;
  action: string | null;
  messageId: string | null;
  /** The frame as JSON text with credentials masked; for events a short JSON description. */
  frame: string;
  /** Set for frames of a relayed box (proxy mode); absent for the local CSMS's own frames. */
  side?: TraceSide;
}

export interface CsmsStatus {
  running: boolean;
  port: number | null;
  urls: string[];
  /** The same addresses with their network (interface, subnet) and a QR code each; loopback last. */
  lan: LanAddress[];
  boxes: BoxInfo[];
  /** Set while the CSMS serves wss://: the CA a box must trust, and the names its certificate covers. */
  tls: CsmsTlsInfo | null;
}

/** The local CSMS's certificate authority as the user sees it (never a key). */
export interface CsmsTlsInfo {
  /** PEM, to install into the box (1.6 CentralSystemRootCertificate, 2.0.1 CSMSRootCertificate). */
  caCertificate: string;
  /** SHA-256 of the CA certificate, AB:CD:...: compare it with what the box shows. */
  caFingerprint: string;
  caSubject: string;
  caValidTo: string;
  /** The addresses and names the server certificate is valid for. */
  serverNames: string[];
  serverFingerprint: string;
}

/** How a box's configuration was read: 1.6 GetConfiguration, 2.0.1 its full report (GetBaseReport), or
 *  2.0.1 GetVariables for the variables the tool needs, when the box sent no (complete) report. */
export type ReadVia = 'get-configuration' | 'report' | 'get-variables';

export interface ConfigSnapshot {
  id: number;
  identity: string;
  ocppVersion: string;
  takenAt: string;
  reason: string;
  entries: ConfigEntry[];
  /** Absent in snapshots stored before the tool said how it read them. */
  readVia?: ReadVia;
}

export interface PushOutcome {
  version: number;
  parts: number;
  entries: number;
  fellBackToFull: boolean;
  /** What GetLocalListVersion answered afterwards; equal to version when the box kept the list. */
  readBack: number;
  verified: boolean;
}

export interface TestChargeResult {
  transactionId: string;
  startedAt: string;
  stoppedAt: string;
  /** Energy register readings in Wh, as the box sent them (start, triggered samples, stop). */
  samples: Array<{ at: string; wh: number }>;
  energyWh: number;
}

export interface PushProgress {
  part: number;
  parts: number;
  sent: number;
  total: number;
}
