// The one port every non-OCPP box driver (OpenEVSE RAPI and HTTP, Modbus maps, console profiles) plugs into,
// so the commissioning run and the UI adapt to what a box can do instead of knowing each protocol.
import type { AppError } from '../api/errors.ts';

/** What a driver can do; the run and the UI offer only these. */
export const driverCapabilities = [
  /** Tell what box this is (vendor, model, firmware, serial) without changing anything. */
  'identify',
  /** Read the named settings it describes. */
  'read-settings',
  /** Write the named settings whose access allows it. */
  'write-settings',
  /** Set the installation / failsafe / charging current (settings named in wellKnownSettings.current*). */
  'set-current-limits',
  /** Set where the box dials its CSMS (settings named in wellKnownSettings.ocpp*). */
  'set-ocpp-endpoint',
  /** Restart the box. */
  'reboot',
  /** Read (and, where the box pushes it, follow) its live state: charging state, current, energy. */
  'live-status',
] as const;
export type DriverCapability = (typeof driverCapabilities)[number];

/**
 * Names shared by every driver for the settings commissioning cares about, so a template says
 * "installation current 16 A" once and each driver maps it to its register, command or field.
 * A driver may describe further settings under its own names (prefix them with the driver's name).
 */
export const wellKnownSettings = {
  /** What the house connection and the cable allow (A); the box never offers more. Kept over a reboot. */
  currentInstallation: 'current.installation',
  /** The current the box falls back to when its energy manager / CSMS goes silent (A). */
  currentFailsafe: 'current.failsafe',
  /** The charging current offered now (A); may be volatile (lost at reboot). */
  currentCharging: 'current.charging',
  /** The CSMS endpoint without the identity (ws:// or wss://). */
  ocppServer: 'ocpp.server',
  /** The identity (charge box id) the box presents to its CSMS. */
  ocppIdentity: 'ocpp.identity',
  /** The basic-auth password / authorization key for the CSMS. Write-only, secret. */
  ocppAuthKey: 'ocpp.authKey',
  /** The idTag the box uses when it starts a session by itself. */
  ocppIdTag: 'ocpp.idTag',
  /** Whether the box's OCPP client is on. */
  ocppEnabled: 'ocpp.enabled',
} as const;
export type WellKnownSetting = (typeof wellKnownSettings)[keyof typeof wellKnownSettings];

export type SettingValue = string | number | boolean;

/**
 * One named setting as the driver describes it: enough for the run to plan (old → new), check the range
 * before anything is written, write, and read back.
 */
export interface SettingSpec {
  /** Stable name: one of wellKnownSettings or `<driver>.<name>`. */
  name: string;
  type: 'integer' | 'number' | 'boolean' | 'string' | 'enum';
  /** SI unit as shown ('A', 'V', 'W', 'Wh', 's'), null when it has none. */
  unit: string | null;
  /** Inclusive bounds for numbers (may depend on the box: filled in after identify/readSettings). */
  range?: { min: number; max: number; step?: number };
  /** The allowed values of an enum; maxLength for strings. */
  options?: readonly string[];
  maxLength?: number;
  /** read: only read; write-only: can be written but never read back (secrets); read-write: both. */
  access: 'read' | 'read-write' | 'write-only';
  /** Never shown, logged or stored in a snapshot: only "(set)" / "(not set)". */
  secret?: boolean;
  /** Lost at the box's next restart (RAPI $SC V): the run says so in the plan. */
  volatile?: boolean;
  /** Takes effect only after a reboot. */
  rebootRequired?: boolean;
  /** One line for the technician, in English (the source document's words); the UI may translate by name. */
  meaning?: string;
}

/** A setting's value as read: null when the box has none or it cannot be read (write-only). */
export interface SettingReading {
  name: string;
  value: SettingValue | null;
}

/** What identify() found out. Fields the box does not tell are null: the tool never guesses them. */
export interface StationIdentity {
  /** The driver that talked to it ('openevse-rapi', 'openevse-http', 'modbus:<map>', 'console:<profile>'). */
  driver: string;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  serialNumber: string | null;
  /** Protocol and its version as the box reported it ('RAPI 5.1.0', 'Modbus RTU', 'HTTP'). */
  protocol: string;
  /** Where it was reached: a serial path, host:port, or URL (no credentials). */
  address: string;
  /** Further facts the box reported, for the report. Never secrets. */
  details: Record<string, string>;
}

/** The box's live state as read (or as it pushed it) at `at`. */
export interface LiveStatus {
  at: string;
  /** Normalised state; 'unknown' with the raw value in `raw` when the driver cannot map it. */
  state: 'ready' | 'connected' | 'charging' | 'disabled' | 'sleeping' | 'error' | 'booting' | 'unknown';
  /** The box's own word for it (RAPI state number, Modbus register value): shown next to the state. */
  raw: string;
  currentA?: number;
  voltageV?: number;
  powerW?: number;
  /** This session's energy and the lifetime total, in Wh. */
  sessionEnergyWh?: number;
  totalEnergyWh?: number;
}

export interface WriteOptions {
  /** Abort the write before it is sent; a write already on the wire is allowed to finish. */
  signal?: AbortSignal;
}

/**
 * A box reached through one driver. Every method that talks to the box rejects with an AppError
 * (codes DRIVER_*, SERIAL_*, RAPI_*, MODBUS_*, ...), never with a bare Error.
 *
 * Write contract: writeSetting() validates the value against the spec first and rejects with
 * DRIVER_VALUE_OUT_OF_RANGE / DRIVER_VALUE_INVALID / DRIVER_SETTING_READ_ONLY / DRIVER_SETTING_UNKNOWN
 * without sending anything. It resolves only when the box acknowledged the write; it does not read back
 * (the run reads back with readSettings and compares). A write whose answer never came (cable pulled,
 * timeout) rejects, and the run treats the setting as unknown, not as written.
 */
export interface StationDriver {
  /** 'openevse-rapi', 'openevse-http', 'modbus:<map id>', 'console:<profile id>'. */
  readonly name: string;
  readonly capabilities: ReadonlySet<DriverCapability>;
  /** The settings this box offers. Ranges may narrow after identify() (the box reports its own). */
  describeSettings(): readonly SettingSpec[];
  identify(): Promise<StationIdentity>;
  /** Reads the named settings (all readable ones when names is absent), in the order asked. */
  readSettings(names?: readonly string[]): Promise<SettingReading[]>;
  writeSetting(name: string, value: SettingValue, options?: WriteOptions): Promise<void>;
  /** Present with the 'reboot' capability. Resolves when the box acknowledged the restart. */
  reboot?(): Promise<void>;
  /** Present with the 'live-status' capability. */
  readStatus?(): Promise<LiveStatus>;
  /** Present when the box pushes its state (RAPI $AT). Returns the unsubscribe function. */
  onStatus?(listener: (status: LiveStatus) => void): () => void;
  /** Frees the port / connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens a driver on an address; the CLI and the run pick one by name. */
export interface DriverFactory {
  readonly name: string;
  /** Which kind of address it takes. */
  readonly transport: 'serial' | 'tcp' | 'http';
  open(address: string, options?: Record<string, string | number | boolean>): Promise<StationDriver>;
}

/** A driver error as the run records it: the AppError's code and params (never a secret). */
export type DriverError = Pick<AppError, 'code' | 'params'>;
