// The shapes the cards api hands out around enrollment: import previews, export files, what each box
// holds against what it should hold, and a site push's progress. Plain data; the renderer imports types only.
import type { ErrorCode, ErrorParams } from '../api/errors.ts';

/** Something about one row of an imported file, as an error code so every face translates it alike. */
export interface RowIssue {
  code: ErrorCode;
  params: ErrorParams;
}

export type ImportRowStatus = 'ok' | 'warning' | 'error';

export interface ImportRowView {
  row: number;
  status: ImportRowStatus;
  /** The UID as written in the file (cut to 40 characters). */
  uidText: string;
  /** The stored form (raw bytes, upper-case hex) when the UID could be read. */
  uidHex: string | null;
  label: string | null;
  owner: string | null;
  group: string | null;
  validUntil: string | null;
  issues: RowIssue[];
  /** The card is enrolled already: its row updates it with these changes (none: it stays as it is). */
  known?: boolean;
  changes?: CardChange[];
}

/** One field of a known card that an import changes, before and after (group by name). */
export interface CardChange {
  field: 'label' | 'owner' | 'group' | 'validUntil';
  before: string | null;
  after: string | null;
}

export interface ImportPreview {
  /** Pass to cards.importCommit; valid for 30 minutes and only while nothing else changed the cards. */
  token: string;
  sha256: string;
  delimiter: ',' | ';' | '\t';
  /** Which header cell each field is read from, and the header cells that are not read at all. */
  columns: { found: string[]; mapping: Array<{ field: string; header: string }>; ignored: string[] };
  /** ok counts every good row: new cards, known cards to update (updates) and known cards as they are. */
  counts: {
    rows: number;
    ok: number;
    warnings: number;
    errors: number;
    blank: number;
    updates: number;
    unchanged: number;
  };
  /** The time zone a bare date (31.12.2027) is read in: the end of that day there. */
  validUntilZone: string;
  /** Groups named in the file that do not exist, with how many rows name them (create with createGroups). */
  unknownGroups: Array<{ name: string; rows: number }>;
  /** Groups the commit will create (createGroups was set). */
  groupsToCreate: string[];
  /** Every row with an error or a warning (up to 1000) and the first rows of the file. */
  rows: ImportRowView[];
  rowsTruncated: boolean;
  expiresAt: string;
}

export interface ImportCommitResult {
  imported: number;
  /** Known cards changed by their rows (each with an audit row, before and after). */
  updated: number;
  skipped: number;
  groupsCreated: string[];
  /** The ids of the new cards are firstId..lastId: one import, one run of ids. */
  firstId: number | null;
  lastId: number | null;
}

export type ExportShape = 'plain' | 'steve' | 'ocpi';

export interface ExportFile {
  filename: string;
  content: string;
  mime: string;
  count: number;
}

/** One box: what it holds (the last list it confirmed) and what it should hold now. */
export interface StationLocalList {
  stationId: number;
  identity: string;
  siteId: number | null;
  groupIds: number[];
  connected: boolean;
  /** Where the box is now: connected and admitted, waiting in the lobby, or not connected. */
  presence: 'connected' | 'lobby' | 'offline';
  holds: { version: number; count: number; pushedAt: string } | null;
  shouldHold: number;
  /** Entries to add, change or remove to get from what it holds to what it should hold. */
  toPush: number;
}

/** How far an import's one transaction is: rows written into it so far (nothing is committed before the end). */
export interface ImportProgress {
  /** The preview's file hash: which import this is. */
  sha256: string;
  done: number;
  total: number;
}

export type BoxPushState = 'queued' | 'pushing' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface SitePushProgress {
  siteId: number;
  identity: string;
  state: BoxPushState;
  /** Entries sent so far and in all (for 'pushing'); the list's size otherwise. */
  done: number;
  total: number;
  version?: number;
  /** Why a box was skipped ('offline', 'not-admitted', 'no-groups') or what failed. */
  reason?: RowIssue;
}

export interface SitePushSummary {
  siteId: number;
  total: number;
  pushed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  cancelled: number;
  boxes: SitePushProgress[];
}
