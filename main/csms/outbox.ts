// The sync outbox as the technician sees it and the worker works it: jobs per CSMS with their state
// (pending, done, failed, conflict, manual), the reason as a typed error, conflicts side by side.
import { AppError, type ErrorCode, type ErrorParams } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import type { ManualStep, RemoteToken, StationRecord, TokenRecord } from './connector.ts';

export const jobStates = ['pending', 'done', 'failed', 'conflict', 'manual'] as const;
export type JobState = (typeof jobStates)[number];
export type JobKind = 'token.upsert' | 'token.revoke' | 'station.register';

/** A card as the trigger recorded it for the CSMS (main/store/migrations.ts v6). */
export interface TokenPayload {
  uid: string;
  label: string | null;
  owner: string | null;
  groupIdTag: string | null;
  validUntil: string | null;
  valid: boolean;
}

export interface JobError {
  code: ErrorCode;
  params: ErrorParams;
}

/** A commissioned station as queued for the CSMS: its password only as the vault secret's id. */
export interface StationPayload extends Omit<StationRecord, 'password'> {
  passwordSecretId: number | null;
}

/** A job's key for a station: prefixed, so it never meets a card's UID hex. */
export const stationKey = (identity: string) => `station:${identity}`;

export type SyncJob = JobBase &
  (
    | { kind: 'token.upsert' | 'token.revoke'; payload: TokenPayload }
    | { kind: 'station.register'; payload: StationPayload }
  );
export type TokenJob = Extract<SyncJob, { kind: 'token.upsert' | 'token.revoke' }>;

interface JobBase {
  id: number;
  connectorId: number;
  key: string;
  revision: number;
  state: JobState;
  force: boolean;
  attempts: number;
  nextAttemptAt: string;
  lastError: JobError | null;
  /** A conflict: the card as the CSMS holds it. */
  theirs: RemoteToken | null;
  /** Done by handing a file over (file export connector): the file written. */
  handedOver: string | null;
  /** What the user does by hand at this CSMS (state manual), as locale keys and values. */
  manualSteps: ManualStep[] | null;
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
}

export interface JobRow {
  id: number;
  connector_id: number;
  kind: JobKind;
  key: string;
  payload: string;
  revision: number;
  state: JobState;
  force: number;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  theirs: string | null;
  handed_over: string | null;
  manual_steps: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
}

export function toJob(row: JobRow): SyncJob {
  return {
    id: row.id,
    connectorId: row.connector_id,
    kind: row.kind,
    key: row.key,
    payload: JSON.parse(row.payload) as TokenPayload & StationPayload,
    revision: row.revision,
    state: row.state,
    force: row.force === 1,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error === null ? null : (JSON.parse(row.last_error) as JobError),
    theirs: row.theirs === null ? null : (JSON.parse(row.theirs) as RemoteToken),
    handedOver: row.handed_over,
    manualSteps: row.manual_steps === null ? null : (JSON.parse(row.manual_steps) as ManualStep[]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    doneAt: row.done_at,
  };
}

/** The record a connector sends for a payload (idTag = the UID's hex until a per-CSMS format is chosen). */
export function tokenOf(payload: TokenPayload): TokenRecord {
  return {
    uid: payload.uid,
    idTag: payload.uid,
    groupIdTag: payload.groupIdTag,
    validUntil: payload.validUntil,
    label: payload.label,
    owner: payload.owner,
    valid: payload.valid,
  };
}

const sameInstant = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));
const sameText = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Whether the CSMS holds the card as the tool would send it: group, validity and label. */
export function sameToken(ours: TokenPayload, theirs: RemoteToken): boolean {
  return (
    sameText(ours.groupIdTag, theirs.groupIdTag) &&
    ours.valid === theirs.valid &&
    sameInstant(ours.validUntil, theirs.validUntil) &&
    sameText(ours.label, theirs.label) &&
    sameText(ours.owner, theirs.owner)
  );
}

export interface JobQuery {
  connectorId?: number | undefined;
  state?: JobState | undefined;
  limit?: number | undefined;
}

/** The conflicts (only cards can be one), oldest first. */
export function listConflicts(store: Store, connectorId?: number): TokenJob[] {
  return listJobs(store, { state: 'conflict', connectorId }).filter(
    (job): job is TokenJob => job.kind !== 'station.register',
  );
}

export function listJobs(store: Store, query: JobQuery = {}): SyncJob[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (query.connectorId !== undefined) {
    where.push('connector_id = ?');
    args.push(query.connectorId);
  }
  if (query.state !== undefined) {
    where.push('state = ?');
    args.push(query.state);
  }
  const sql = `SELECT * FROM sync_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
  return (store.db.prepare(sql).all(...args, query.limit ?? 1000) as JobRow[]).map(toJob);
}

export type StateCounts = Record<JobState, number>;

/** When the next waiting job of a CSMS is due (ms since the epoch), or null when nothing waits. */
export function nextDueAt(store: Store, connectorId: number): number | null {
  const row = store.db
    .prepare(
      "SELECT MIN(next_attempt_at) AS at FROM sync_outbox WHERE connector_id = ? AND state = 'pending'",
    )
    .get(connectorId) as { at: string | null };
  return row.at === null ? null : Date.parse(row.at);
}

/** The newest job for one key (a card's UID hex, or stationKey(identity)) at one CSMS, if any. */
export function latestJob(store: Store, connectorId: number, key: string): SyncJob | null {
  const row = store.db
    .prepare('SELECT * FROM sync_outbox WHERE connector_id = ? AND key = ? ORDER BY id DESC LIMIT 1')
    .get(connectorId, key) as JobRow | undefined;
  return row ? toJob(row) : null;
}

export function countJobs(store: Store, connectorId: number): StateCounts {
  const counts: StateCounts = { pending: 0, done: 0, failed: 0, conflict: 0, manual: 0 };
  const rows = store.db
    .prepare('SELECT state, COUNT(*) AS n FROM sync_outbox WHERE connector_id = ? GROUP BY state')
    .all(connectorId) as Array<{ state: JobState; n: number }>;
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

export function getJob(store: Store, id: number): SyncJob {
  const row = store.db.prepare('SELECT * FROM sync_outbox WHERE id = ?').get(id) as JobRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', { entity: 'sync job', id });
  return toJob(row);
}

/**
 * The user's decision on a conflict. keep-ours: the tool's card is sent, overwriting the CSMS's.
 * take-theirs: the card here takes the CSMS's label, owner, validity and group (when a group here has
 * that tag); nothing is sent for this CSMS (the other CSMSs get the change as usual).
 */
export function resolveConflict(store: Store, actor: string, id: number, choice: 'ours' | 'theirs'): SyncJob {
  return store.write(() => {
    const job = getJob(store, id);
    if (job.state !== 'conflict' || !job.theirs)
      throw new AppError('BAD_REQUEST', { detail: `job ${id} is not a conflict` });
    const now = store.now();
    if (choice === 'ours') {
      store.db
        .prepare(
          "UPDATE sync_outbox SET state = 'pending', force = 1, next_attempt_at = ?, updated_at = ? WHERE id = ?",
        )
        .run(now, now, id);
    } else {
      const theirs = job.theirs;
      const group = theirs.groupIdTag
        ? (store.db.prepare('SELECT id FROM groups WHERE group_id_tag = ?').get(theirs.groupIdTag) as
            | { id: number }
            | undefined)
        : undefined;
      const ours = job.payload as TokenPayload;
      const taken: TokenPayload = {
        uid: job.key,
        label: theirs.label,
        owner: theirs.owner,
        groupIdTag: group ? theirs.groupIdTag : ours.groupIdTag,
        validUntil: theirs.validUntil,
        valid: ours.valid,
      };
      store.db
        .prepare("UPDATE sync_outbox SET state = 'done', done_at = ?, updated_at = ? WHERE id = ?")
        .run(now, now, id);
      store.db
        .prepare(
          `UPDATE cards SET label = ?, owner = ?, valid_until = ?, group_id = COALESCE(?, group_id), updated_at = ?
           WHERE hex(uid) = ?`,
        )
        .run(theirs.label, theirs.owner, theirs.validUntil, group?.id ?? null, now, job.key);
      // The card now equals what this CSMS holds: the job the update just queued for it is done too.
      store.db
        .prepare(
          "UPDATE sync_outbox SET state = 'done', done_at = ?, updated_at = ? WHERE connector_id = ? AND key = ? AND state = 'pending'",
        )
        .run(now, now, job.connectorId, job.key);
      store.db
        .prepare(
          'INSERT INTO sync_pushed (connector_id, key, payload, pushed_at) VALUES (?, ?, ?, ?) ON CONFLICT (connector_id, key) DO UPDATE SET payload = excluded.payload, pushed_at = excluded.pushed_at',
        )
        .run(job.connectorId, job.key, JSON.stringify(taken), now);
    }
    recordAudit(store, {
      actor,
      action: choice === 'ours' ? 'sync.keepOurs' : 'sync.takeTheirs',
      entity: 'sync_job',
      entityId: id,
      before: { ours: job.payload, theirs: job.theirs },
    });
    return getJob(store, id);
  });
}

/** Failed jobs back to pending (the user fixed the cause), due now; one a later change replaced stays. */
export function retryJobs(store: Store, connectorId: number): number {
  return store.write(() => {
    const now = store.now();
    return store.db
      .prepare(
        `UPDATE sync_outbox AS o SET state = 'pending', next_attempt_at = ?, updated_at = ?
         WHERE o.connector_id = ? AND o.state = 'failed'
           AND NOT EXISTS (SELECT 1 FROM sync_outbox n WHERE n.connector_id = o.connector_id AND n.key = o.key AND n.id > o.id)`,
      )
      .run(now, now, connectorId).changes;
  });
}

/**
 * Queues a commissioned station for every company CSMS, inside the caller's transaction (the run that
 * commissions it): a waiting job for the same station takes the newer record. The password stays in the
 * vault; the job names its secret, lent to the connector only while it registers the station.
 */
export function queueStation(
  store: Store,
  station: Omit<StationRecord, 'password'>,
  passwordSecretId: number | null,
): number {
  return store.write(() => {
    const now = store.now();
    const payload = JSON.stringify({ ...station, passwordSecretId } satisfies StationPayload);
    const key = stationKey(station.identity);
    store.db
      .prepare(
        "UPDATE sync_outbox SET payload = ?, revision = revision + 1, next_attempt_at = ?, updated_at = ? WHERE key = ? AND state IN ('pending', 'conflict')",
      )
      .run(payload, now, now, key);
    return store.db
      .prepare(
        `INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
         SELECT c.id, 'station.register', ?, ?, 'pending', ?, ?, ? FROM connectors c
         WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = ? AND o.state IN ('pending', 'conflict'))`,
      )
      .run(key, payload, now, now, now, key).changes;
  });
}
