// The station simulator's front door: a wallbox that dials a CSMS over a real WebSocket and speaks
// OCPP 1.6-J or 2.0.1 the way a commissioning tool meets it in the field, misbehaviour included.
import { resolveUidFormat, type SimUidFormat, type TapOutcome } from './card-tap.ts';
import type { StoredProfile } from './charging-profiles.ts';
import type { SimFileOptions } from './file-transfer.ts';
import { Station16 } from './station16.ts';
import { Station201 } from './station201.ts';

export type SimOcppVersion = '1.6' | '2.0.1';

export interface Misbehaviour {
  /** Close the socket (terminate, the CSMS sees 1006) after answering N incoming CSMS calls, on every connection. */
  dropAfterCalls?: number;
  /** Answer every CSMS call this late. */
  answerDelayMs?: number;
  /** Actions it receives but never answers (and does not carry out). */
  neverAnswer?: string[];
  /** After each boot, send a few malformed frames: not JSON, wrong array shape, schema-violating calls. */
  malformedFrames?: boolean;
  /** Configuration keys (1.6) or "Component.Variable" names (2.0.1) it answers Rejected for. */
  rejectKeys?: string[];
  /** The local authorization list is emptied (version 0) on reset. */
  loseListOnReset?: boolean;
  // real-firmware read paths (h-session)
  /** 2.0.1: GetBaseReport is answered Accepted, but no NotifyReport follows while its boot is not Accepted. */
  withholdReportWhilePending?: boolean;
  /** 2.0.1: while its boot is not Accepted, TriggerMessage StatusNotification is answered Rejected (some
   *  firmware sends nothing but its boot until its CSMS accepts it). */
  noStatusWhilePending?: boolean;
  /** 2.0.1: a report stops after this many NotifyReport parts; the rest never comes. */
  reportStopsAfterParts?: number;
  /** Waits this long after connecting before it sends its BootNotification (a box still starting). */
  bootDelayMs?: number;
  /** Calls that arrive before it has sent its BootNotification on this connection are dropped, never answered. */
  dropCallsBeforeBoot?: boolean;
  /** 2.0.1: DeviceDataCtrlr.ItemsPerMessage[GetVariables] (default 50); a longer GetVariables is a CALLERROR. */
  getVariablesItemsPerMessage?: number;
  /** 2.0.1: reports DeviceDataCtrlr.BytesPerMessage[GetVariables] and answers a longer GetVariables with a CALLERROR. */
  getVariablesBytesPerMessage?: number;
  /** 2.0.1: DeviceDataCtrlr.ItemsPerMessage[SetVariables] (default 50); a longer SetVariables is a CALLERROR. */
  setVariablesItemsPerMessage?: number;
  // commissioning outcomes (h-run)
  /** How long a reset keeps it away before it dials again, in ms (default 200; real boxes take 30 to 120 s). */
  rebootMs?: number;
  /** Accepts a new CSMS URL (1.6 URL key; 2.0.1 network profile and priority) and ignores it: after its
   *  reset it dials the CSMS it used before. */
  ignoreUrlKey?: boolean;
  /** After its first reset it presents this password instead of the one it holds (an old or wrong one). */
  passwordAfterReset?: string;
  /** Restarts at once on Reset without answering it: the CSMS sees the socket close, never the answer. */
  resetWithoutAnswer?: boolean;
}

export interface SimStationOptions {
  ocppVersion: SimOcppVersion;
  /** CSMS base URL, e.g. ws://127.0.0.1:9000/ocpp; the identity is appended as a path segment (percent-encoded). */
  endpoint: string;
  identity: string;
  /** Basic auth password (user = identity), sent when the security profile is 1 or more. */
  password?: string;
  /** The security profile it starts at: default 1 with a password, else 0. At 2 or 3 it dials wss:// only. */
  securityProfile?: 0 | 1 | 2 | 3;
  /** CSMS root certificates (PEM) it holds from the factory; those the CSMS installs are trusted too. */
  trustedCertificates?: string[];
  /** What its hardware allows per phase, in A (default 32): a charging profile above it is rejected. */
  hardwareMaxA?: number;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Default 1 (2.0.1: one EVSE per connector). */
  connectors?: number;
  /** 1.6 only: the key that holds the backend URL: 'Cst_BackendUrl' (default, with 'Cst_ChargeBoxId'), 'CentralSystemURI' or 'ConnectionUrl'. */
  urlKey?: string;
  heartbeatIntervalS?: number;
  /** How far its clock is off the real time, in seconds (positive: ahead): its StatusNotification
   *  timestamps (1.6) and ClockCtrlr.DateTime (2.0.1) show it. Default 0. */
  clockOffsetS?: number;
  misbehave?: Misbehaviour;
  /** How this vendor writes a tapped card's UID as its idTag: a preset (default hex-msb-upper;
   *  hex-lsb-upper is KEBA-like, decimal-lsb-10 a keyboard-wedge reader) or a whole format. */
  uidFormat?: SimUidFormat;
  /** Receives one line per event; never passwords or keys. */
  log?: (line: string) => void;
  // missing capabilities (h-fleet)
  /** 1.6: without the security whitepaper's certificate management: InstallCertificate and
   *  ExtendedTriggerMessage answered with a CALLERROR NotImplemented, none of its keys reported. */
  noSecurityExtension?: boolean;
  /** 1.6: no SecurityProfile key (ChangeConfiguration answers NotSupported); the rest of the extension stays. */
  noSecurityProfileKey?: boolean;
  /** No local authorization list: 1.6 without LocalAuthListManagement (its keys and calls gone), 2.0.1
   *  LocalAuthListCtrlr.Available and Enabled false. */
  noLocalList?: boolean;
  // file transfers (h-files)
  /** How it answers UpdateFirmware, GetDiagnostics and GetLog: the outcome, the upload's shape and size. */
  files?: SimFileOptions;
}

export type { SimUidFormat, TapOutcome } from './card-tap.ts';

/** 'dial-failed' carries the reason a connection attempt failed (refused, untrusted certificate, ...). */
export type SimEvent = 'connected' | 'disconnected' | 'boot' | 'reset' | 'dial-failed';

export interface SimStation {
  readonly identity: string;
  readonly ocppVersion: SimOcppVersion;
  /** Connects and sends BootNotification; resolves when connected (it keeps trying until then). */
  start(): Promise<void>;
  /** Closes for good: no reconnect, every timer cleared. */
  stop(): Promise<void>;
  connected(): boolean;
  /** The URL (with identity) it connects to now. */
  currentEndpoint(): string;
  /** 1.6: key -> value; 2.0.1: "Component.Variable[instance]" -> Actual value. Write-only values read ''. */
  configuration(): Record<string, string>;
  /** For tests: the write-only secrets it holds. */
  secret(name: 'AuthorizationKey' | 'BasicAuthPassword'): string | undefined;
  localList(): { version: number; entries: Array<{ idTag: string; status: string; parentIdTag?: string }> };
  /** The charging profiles it holds, and the current it allows now on an EVSE (0: the whole box), in A. */
  chargingProfiles(): StoredProfile[];
  currentLimit(evse?: number): number;
  bootCount(): number;
  /** A card held to the box's own reader (UID as hex, as read): written in its uidFormat, then decided by
   *  its local list or by an Authorize to the CSMS, as its settings say. */
  tap(uidHex: string): Promise<TapOutcome>;
  /** The firmware it last downloaded for UpdateFirmware (hash and size); null before one. */
  lastFirmware(): { sha256: string; size: number } | null;
  on(event: SimEvent, listener: (...args: unknown[]) => void): void;
}

export const urlKeys16 = ['Cst_BackendUrl', 'CentralSystemURI', 'ConnectionUrl'] as const;

function checkOptions(options: SimStationOptions): void {
  if (options.ocppVersion !== '1.6' && options.ocppVersion !== '2.0.1') {
    throw new Error(`unknown OCPP version ${String(options.ocppVersion)}: use 1.6 or 2.0.1`);
  }
  if (!/^wss?:\/\//i.test(options.endpoint)) throw new Error('endpoint must be a ws:// or wss:// URL');
  if (!options.identity || options.identity.includes(':') || options.identity.length > 48) {
    throw new Error('identity must be 1 to 48 characters without ":"');
  }
  const connectors = options.connectors ?? 1;
  if (!Number.isInteger(connectors) || connectors < 1 || connectors > 32) {
    throw new Error('connectors must be a whole number from 1 to 32');
  }
  resolveUidFormat(options.uidFormat);
  const profile = options.securityProfile;
  if (profile !== undefined && ![0, 1, 2, 3].includes(profile))
    throw new Error('securityProfile must be 0 to 3');
  if (profile !== undefined && profile >= 1 && !options.password) {
    throw new Error(`security profile ${profile} needs a password`);
  }
  if (profile === 3)
    throw new Error('security profile 3 needs a client certificate, which the simulator cannot hold');
  if (profile !== undefined && profile >= 2 && !/^wss:\/\//i.test(options.endpoint)) {
    throw new Error(`security profile ${profile} needs a wss:// endpoint`);
  }
  const hardwareMaxA = options.hardwareMaxA ?? 32;
  if (!Number.isFinite(hardwareMaxA) || hardwareMaxA < 6 || hardwareMaxA > 500) {
    throw new Error('hardwareMaxA must be 6 to 500 A');
  }
  if ((options.noSecurityExtension || options.noSecurityProfileKey) && options.ocppVersion !== '1.6') {
    throw new Error('noSecurityExtension and noSecurityProfileKey apply to OCPP 1.6 only');
  }
  if (options.urlKey !== undefined) {
    if (options.ocppVersion !== '1.6') throw new Error('urlKey applies to OCPP 1.6 only');
    if (!(urlKeys16 as readonly string[]).includes(options.urlKey)) {
      throw new Error(`urlKey must be one of ${urlKeys16.join(', ')}`);
    }
  }
}

export function createSimStation(options: SimStationOptions): SimStation {
  checkOptions(options);
  return options.ocppVersion === '1.6' ? new Station16(options) : new Station201(options);
}
