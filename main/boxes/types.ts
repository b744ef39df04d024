// What the app knows about one box, gathered from every table that names it: the page of a box, the
// list of boxes and `wbc boxes` show these. Pure types, shared by the core, the api and the renderer.
import type { StationLocalList } from '../cards/types.ts';
import type { Replacement, RunStatus, RunSummary } from '../commissioning/types.ts';

/** Connected and admitted, connected but waiting in the lobby, or offline (since its last frame, when known). */
export type BoxConnection =
  | { state: 'connected'; since: string; remoteAddress: string | null }
  | { state: 'lobby'; since: string; remoteAddress: string | null }
  | { state: 'offline'; since: string | null };

/** The box's latest run that was not cancelled decides it; 'never' when it has none. */
export type CommissioningState = 'never' | RunStatus;

/** Run outcomes that need someone to look: a plan to approve, a failure, a box nobody confirmed. */
export const attentionStatuses: readonly RunStatus[] = ['awaiting-approval', 'failed', 'left-not-confirmed'];

export interface BoxOverview {
  identity: string;
  /** Null for a box known only from the lobby or from its runs (no BootNotification stored yet). */
  stationId: number | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  ocppVersion: string | null;
  siteId: number | null;
  siteName: string | null;
  connection: BoxConnection;
  commissioning: CommissioningState;
  /** The run that decides `commissioning` (null: never commissioned). */
  latestRun: RunSummary | null;
  attention: boolean;
}

export interface SnapshotInfo {
  id: number;
  takenAt: string;
  reason: string;
  ocppVersion: string;
  readVia: string | null;
  entries: number;
}

/** A password of the box in the vault: the one it uses now, or a new one a run is giving it. Never its value. */
export interface BoxCredential {
  id: number;
  kind: 'current' | 'next';
  purpose: string;
  createdAt: string;
  updatedAt: string;
}

/** What forgetting the box deletes, and the run that holds it back (an unfinished one). */
export interface ForgetPlan {
  runs: number;
  snapshots: number;
  traceFrames: number;
  localList: boolean;
  uidFormat: boolean;
  secrets: number;
  groups: number;
  blockedBy: RunSummary | null;
}

export interface BoxDetail extends BoxOverview {
  /** Every run of the box, newest first; each opens its report again (commissioning.get). */
  runs: RunSummary[];
  snapshots: SnapshotInfo[];
  localList: StationLocalList | null;
  /** The groups allowed on the box: what "push cards" sends. */
  groups: Array<{ id: number; name: string }>;
  credentials: BoxCredential[];
  forget: ForgetPlan;
  /** The box's swaps, newest first: which replacement took its identity, when, and the box it was before. */
  replacements: Replacement[];
}

export interface ForgetResult extends Omit<ForgetPlan, 'blockedBy'> {
  identity: string;
  /** Still connected to the local CSMS: it shows up again the next time it boots. */
  stillConnected: boolean;
}

/** Who relies on a stored secret: deleting it breaks them. */
export interface SecretUsage {
  id: number;
  purpose: string;
  label: string;
  usedBy: Array<{ kind: 'box' | 'connector'; name: string }>;
}
