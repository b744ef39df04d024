// The commissioning run as stored and shown: its steps, what each confirmed, and how it ended.
// Pure types, shared by the runner, the api and the renderer.

import type { ConfigBackup } from '../diagnostics/config-backup.ts';
import type { BootInfo, PushOutcome, SettingStatus } from '../ocpp/types.ts';
import type { Template } from './template-schema.ts';

export const stepNames = [
  'identify',
  'snapshot',
  'plan',
  'write',
  'cards',
  'reset',
  'verify',
  'report',
] as const;
export type StepName = (typeof stepNames)[number];

export type RunStatus =
  | 'running'
  | 'waiting-for-box'
  | 'awaiting-approval'
  /** The company CSMS reported the box connected and booted Accepted (through a CSMS connector). */
  | 'confirmed'
  /** The box left the tool after its reset and did not come back within the window; nothing confirms it arrived. */
  | 'left-not-confirmed'
  | 'failed'
  | 'cancelled';

export interface StepRecord {
  step: StepName;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunError {
  code: string;
  params: Record<string, string | number>;
}

export interface RunState {
  steps: StepRecord[];
  boot: BootInfo | null;
  ocppVersion: '1.6' | '2.0.1' | null;
  snapshotId: number | null;
  plan: Plan | null;
  passwordSecretId: number | null;
  /** Every write the box answered, by key, in the order sent. */
  results: Record<string, SettingStatus | string>;
  cards: (PushOutcome & { skipped?: false }) | { skipped: true } | null;
  reset: string | null;
  /** Each company CSMS set up here, given the box right before its reset: done there, or what holds it. */
  registration?: CsmsRegistration[];
  verify: VerifyState | null;
  /** How often the box dropped off during the run and came back. */
  reconnects: number;
  /** Keep every value written when a later step fails (default: put them back). Absent in older runs. */
  keepOnFailure?: boolean;
  /** What a failed run did with the values it had written, and what the box holds now. */
  rollback?: RollbackState | null;
  /** Runs through a box driver (serial, HTTP, Modbus; main/commissioning/driver-run.ts) instead of OCPP. */
  driver?: DriverRunState;
  /** A box swap (main/commissioning/swap.ts): the broken box whose place this box (the run's identity) takes. */
  swap?: SwapState;
  /** Pre-flight checks run on this box after the run (main/diagnostics/preflight.ts), worded when they ran. */
  preflight?: Array<{
    check: string;
    status: 'ok' | 'warn' | 'fail';
    detail: string;
    at?: string;
    /** The catalog keys and values of check and detail (main/diagnostics/preflight-words.ts); absent in
     *  lines stored before: those are shown as worded then. */
    words?: { checks: string[]; key: string; remedy?: string; params: Record<string, string | number> };
  }>;
}

/** A driver-backed run: what the box said it is, what it held, the plan, and what it read back. */
export interface DriverRunState {
  driver: string;
  address: string;
  station: import('../drivers/station-driver.ts').StationIdentity | null;
  /** Every readable setting before the run, as shown (secrets only as "(set)" / "(not set)"). */
  before: Record<string, string | null>;
  plan: { writes: PlannedWrite[]; problems: RunError[]; notes: RunError[] } | null;
  /** Each setting after the writes, as read back (null: write-only, cannot be read). */
  readBack: Record<string, string | null>;
}

/** Watching the box after its reset: deadline is when the window closes (the run view counts down to it). */
export interface VerifyState {
  outcome:
    | 'watching'
    | 'left'
    | 'confirmed'
    | 'rejected'
    | 'returned'
    | 'returned-late'
    | 'stayed'
    | 'locked-out';
  at: string;
  windowS: number;
  deadline?: string;
  /** Where the window came from: the template, the box model's typical reboot time, or the default. */
  windowSource?: 'template' | 'profile' | 'default';
  /** The CSMS connector that confirmed (or reported the rejection of) the box, when one did. */
  confirmedBy?: string;
}

export interface RollbackEntry {
  key: string;
  /** Before the run (null: the box had no value, or it is write-only). */
  from: string | null;
  /** What the run wrote ("(generated password)" for a secret). */
  to: string;
  secret: boolean;
  /** restored: written back and read back equal; kept: the user chose to keep it; write-only: cannot be read
   *  or put back; one-way: OCPP lets it only rise (security profile); unused: a 2.0.1 network slot that
   *  stays filled but is not in the priority list; not-restored: the box refused, did not answer, or read
   *  back something else. */
  outcome: 'restored' | 'kept' | 'write-only' | 'one-way' | 'unused' | 'not-restored';
  /** The value the box reported when read back after the put-back (never for secrets). */
  readBack?: string | null;
  /** not-restored after a write the box never confirmed: it may hold the old value or the new one. */
  unconfirmed?: true;
}

export interface RollbackState {
  mode: 'restored' | 'kept';
  entries: RollbackEntry[];
  /** What the box does at its next reboot with what it now holds. */
  nextReboot: 'as-before' | 'new-csms' | 'new-password' | 'unknown';
}

export interface RunSummary {
  id: number;
  identity: string;
  fleetId: string | null;
  templateName: string;
  status: RunStatus;
  step: StepName;
  error: RunError | null;
  createdAt: string;
  updatedAt: string;
  /** Only while the box is watched after its reset: when the verify window closes, and its length. */
  watch?: { deadline: string; windowS: number };
}

export interface RunDetail extends RunSummary {
  template: Template;
  approval: 'auto' | 'manual';
  state: RunState;
}

export interface UrlProfile {
  id: string;
  label: string;
  urlKey: string;
  identityKey: string | null;
  appendsIdentity: boolean;
}

export interface PlannedWrite {
  key: string;
  from: string | null;
  /** The value to write; for the password the literal "(generated password)", filled in from the vault. */
  to: string;
  secret: boolean;
}

/** The broken box of a swap run, as the tool knew it when the run was started. */
export interface SwapState {
  /** The broken box's identity: the replacement takes it at the end of the run. */
  from: string;
  /** The broken box as last recorded (vendor, model, serial), kept for its history. */
  oldBox: { vendor: string | null; model: string | null; serialNumber: string | null } | null;
  /** Set when the run ended with the identity moved: the broken box's record then says it was replaced. */
  replacedAt?: string;
  /** A restore from a backup file (`swap --from-file`): the file, checked, is the source of the run. */
  backup?: ConfigBackup;
  /** The user chose a new password instead of the broken box's (which this laptop may not know). */
  newPassword?: boolean;
  /** The company CSMS's CA certificate (PEM) the user gave for a profile 2/3 box: it wins over what is known. */
  caCertificate?: string;
}

/** One swap in a box's history: the replacement that took its identity, and the box it replaced. */
export interface Replacement {
  at: string;
  runId: number | null;
  /** The replacement's factory identity, under which it was set up. */
  replacement: string;
  old: SwapState['oldBox'];
  serialNumber: string | null;
  model: string | null;
}

/** What a swap plan moves beyond the writes, and what it cannot: shown with the plan, never skipped unsaid. */
export interface SwapPlan {
  from: string;
  to: string;
  /** The setting that carries the identity on the replacement (null: the identity goes with the URL). */
  identityKey: string | null;
  /** Settings of the broken box the replacement has no such setting for: they cannot be moved. */
  notMovable: Array<{ key: string; value: string | null }>;
  /** Read-only settings that differ (or the replacement lacks): shown, not written. */
  readOnly: Array<{ key: string; replacement: string | null; broken: string | null }>;
  /** Values the broken box never revealed (write-only), so the tool cannot move them; its password comes from the vault. */
  notRead: string[];
  /** Between OCPP 1.6 and 2.0.1: settings with no setting of the same meaning in the other version. */
  notMapped: Array<{ key: string; value: string | null }>;
  /** moved: the broken box's own (vault); new: one the run sets (the company CSMS must accept it); none. */
  password: 'moved' | 'new' | 'none';
  /** The broken box's local list as the tool last gave it: pushed to the replacement with the same version. */
  cards: { version: number; count: number } | null;
  /** The snapshot of the broken box the settings come from (and the run that wrote on top of it, if any):
   *  the tool's database, or a backup file (exported then; the database's own snapshot, if it has one, unused). */
  source: {
    snapshotId: number;
    takenAt: string;
    runId: number | null;
    kind?: 'database' | 'file';
    ocppVersion?: '1.6' | '2.0.1';
    exportedAt?: string;
    databaseSnapshot?: string | null;
  };
}

export interface PlanIssue {
  code:
    | 'NO_URL_KEY'
    | 'SECURITY_PROFILE_DOWN'
    | 'NO_FREE_SLOT'
    | 'MAX_CURRENT_NOT_CONFIGURABLE'
    | 'MAX_CURRENT_NOT_SUPPORTED'
    | 'CERTIFICATE_NEEDED'
    | 'NO_INSTALL_CERTIFICATE'
    | 'NO_SECURITY_PROFILE_KEY'
    | 'NO_LOCAL_LIST'
    | 'NO_LOCAL_LIST_KEYS'
    | 'LOCAL_LIST_SWITCHED_OFF'
    | 'GROUP_MISSING'
    | 'SWAP_OTHER_VERSION'
    | 'SWAP_NO_URL'
    | 'SWAP_NO_IDENTITY_KEY'
    | 'SWAP_NO_PASSWORD'
    | 'SWAP_PASSWORD_NOT_MOVABLE'
    | 'SWAP_NO_NETWORK_PROFILE'
    | 'SWAP_CARDS_NOT_MOVABLE'
    | 'SWAP_CARDS_TOO_LONG'
    | 'SWAP_PASSWORD_ELSEWHERE'
    | 'SWAP_NEW_PASSWORD'
    | 'SWAP_PASSWORD_DOES_NOT_FIT'
    | 'SWAP_CERTIFICATE_UNKNOWN'
    | 'SWAP_CERTIFICATE_FACTORY'
    | 'SWAP_CLIENT_CERTIFICATE'
    | 'SWAP_NO_INSTALL_CERTIFICATE';
  params: Record<string, string | number>;
}

/** SetChargingProfile on connector/EVSE 0: 1.6 ChargePointMaxProfile, 2.0.1 ChargingStationMaxProfile. */
export interface ChargingLimitPlan {
  /** Per phase, in A, rounded down to 0.1 A (1.6 allows no finer step). */
  amps: number;
  profileId: number;
  purpose: 'ChargePointMaxProfile' | 'ChargingStationMaxProfile';
}

export interface Plan {
  ocppVersion: '1.6' | '2.0.1';
  identity: string;
  urlProfile: string | null;
  certificate: { type: 'CentralSystemRootCertificate' | 'CSMSRootCertificate' } | null;
  networkProfile: { slot: number; url: string; securityProfile: number } | null;
  writes: PlannedWrite[];
  /** The write that moves a 2.0.1 box to the new slot: last, after everything else is in place. */
  priority: PlannedWrite | null;
  /** The template's maximum current as the box's whole-box charging profile (absent in older runs). */
  chargingLimit?: ChargingLimitPlan | null;
  groups: string[];
  /** Blocking: the run stops at the plan and says why. */
  problems: PlanIssue[];
  /** Not blocking: what the technician should know. */
  notes: PlanIssue[];
  /** A swap run's plan: what moves from the broken box and what cannot. */
  swap?: SwapPlan;
}

export interface StoredTemplate {
  id: number;
  siteId: number | null;
  name: string;
  template: Template;
  updatedAt: string;
}

/** The box at one company CSMS before its reset: `done` (it has it), `pending` (waits in the outbox, with
 *  why), `manual` (that CSMS takes stations by hand only), `failed` (refused, with why). */
export interface CsmsRegistration {
  csms: string;
  state: 'done' | 'pending' | 'manual' | 'failed' | 'conflict' | 'handed_over' | 'none';
  error: { code: string; params: Record<string, string | number> } | null;
}
