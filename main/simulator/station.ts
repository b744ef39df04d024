// The station simulator's front door: a wallbox that dials a CSMS over a real WebSocket and speaks
// OCPP 1.6-J or 2.0.1 the way a commissioning tool meets it in the field, misbehaviour included.
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
}

export interface SimStationOptions {
  ocppVersion: SimOcppVersion;
  /** CSMS base URL, e.g. ws://127.0.0.1:9000/ocpp; the identity is appended as a path segment (percent-encoded). */
  endpoint: string;
  identity: string;
  /** Basic auth password (user = identity), sent when the security profile is 1 or more. */
  password?: string;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Default 1 (2.0.1: one EVSE per connector). */
  connectors?: number;
  /** 1.6 only: the key that holds the backend URL: 'Cst_BackendUrl' (default, with 'Cst_ChargeBoxId'), 'CentralSystemURI' or 'ConnectionUrl'. */
  urlKey?: string;
  heartbeatIntervalS?: number;
  misbehave?: Misbehaviour;
  /** Receives one line per event; never passwords or keys. */
  log?: (line: string) => void;
}

export type SimEvent = 'connected' | 'disconnected' | 'boot' | 'reset';

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
  bootCount(): number;
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
