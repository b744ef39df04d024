// The tables of migration 9: file jobs with every status a box sent, and the files boxes uploaded, kept with
// the box's record and listed per box. Reads and writes only; the jobs service decides what they mean.
import type { Store } from '../store/database.ts';
import type { ReceivedFile } from './file-server.ts';
import type { BoxFile, FileJob, FileJobKind, FileJobState } from './types.ts';

interface JobRow {
  id: number;
  identity: string;
  kind: FileJobKind;
  ocpp_version: '1.6' | '2.0.1';
  request_id: number | null;
  state: FileJobState;
  detail: string;
  started_at: string;
  ended_at: string | null;
}

interface FileRow {
  id: number;
  identity: string;
  job_id: number | null;
  kind: FileJobKind;
  box_name: string | null;
  stored_path: string;
  size: number;
  sha256: string;
  received_via: BoxFile['receivedVia'];
  received_at: string;
}

type JobDetail = Pick<FileJob, 'reason' | 'lastBoxStatus' | 'statuses' | 'firmware' | 'fileId'>;

function jobOf(row: JobRow): FileJob {
  const detail = JSON.parse(row.detail) as Partial<JobDetail>;
  return {
    id: row.id,
    identity: row.identity,
    kind: row.kind,
    ocppVersion: row.ocpp_version,
    requestId: row.request_id,
    state: row.state,
    reason: detail.reason ?? null,
    lastBoxStatus: detail.lastBoxStatus ?? null,
    statuses: detail.statuses ?? [],
    firmware: detail.firmware ?? null,
    fileId: detail.fileId ?? null,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function fileOf(row: FileRow): BoxFile {
  const stored = row.stored_path.split('/').pop() ?? 'file.bin';
  const ext = /\.[a-z0-9]{1,8}$/.exec(stored)?.[0] ?? '.bin';
  const base = (row.box_name ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return {
    id: row.id,
    identity: row.identity,
    jobId: row.job_id,
    kind: row.kind,
    boxName: row.box_name,
    downloadName: base !== '' ? base.slice(0, 100) : `${row.kind}-${row.id}${ext}`,
    size: row.size,
    sha256: row.sha256,
    receivedVia: row.received_via,
    receivedAt: row.received_at,
  };
}

export function insertJob(
  store: Store,
  job: Pick<FileJob, 'identity' | 'kind' | 'ocppVersion' | 'requestId' | 'firmware'>,
): FileJob {
  const at = store.now();
  const detail: JobDetail = {
    reason: null,
    lastBoxStatus: null,
    statuses: [],
    firmware: job.firmware,
    fileId: null,
  };
  const info = store
    .stmt(
      `INSERT INTO file_jobs (identity, kind, ocpp_version, request_id, state, detail, started_at)
       VALUES (?, ?, ?, ?, 'running', ?, ?)`,
    )
    .run(job.identity, job.kind, job.ocppVersion, job.requestId, JSON.stringify(detail), at);
  return getJob(store, Number(info.lastInsertRowid)) as FileJob;
}

export function saveJob(store: Store, job: FileJob): void {
  const detail: JobDetail = {
    reason: job.reason,
    lastBoxStatus: job.lastBoxStatus,
    statuses: job.statuses,
    firmware: job.firmware,
    fileId: job.fileId,
  };
  store
    .stmt('UPDATE file_jobs SET state = ?, detail = ?, request_id = ?, ended_at = ? WHERE id = ?')
    .run(job.state, JSON.stringify(detail), job.requestId, job.endedAt, job.id);
}

export function getJob(store: Store, id: number): FileJob | null {
  const row = store.stmt('SELECT * FROM file_jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? jobOf(row) : null;
}

export function listJobs(store: Store, identity: string, limit = 50): FileJob[] {
  return (
    store
      .stmt('SELECT * FROM file_jobs WHERE identity = ? ORDER BY id DESC LIMIT ?')
      .all(identity, limit) as JobRow[]
  ).map(jobOf);
}

/** Jobs a previous run of the tool left running: they can no longer hear their box. */
export function orphanedJobs(store: Store): FileJob[] {
  return (store.stmt("SELECT * FROM file_jobs WHERE state = 'running'").all() as JobRow[]).map(jobOf);
}

export function insertFile(
  store: Store,
  identity: string,
  jobId: number,
  kind: FileJobKind,
  file: ReceivedFile,
): BoxFile {
  const info = store
    .stmt(
      `INSERT INTO box_files (identity, job_id, kind, box_name, stored_path, size, sha256, received_via, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(identity, jobId, kind, file.boxName, file.storedPath, file.size, file.sha256, file.via, store.now());
  return getFile(store, Number(info.lastInsertRowid)) as BoxFile;
}

export function getFile(store: Store, id: number): BoxFile | null {
  const row = store.stmt('SELECT * FROM box_files WHERE id = ?').get(id) as FileRow | undefined;
  return row ? fileOf(row) : null;
}

export function storedPathOf(store: Store, id: number): string | null {
  const row = store.stmt('SELECT stored_path FROM box_files WHERE id = ?').get(id) as
    | { stored_path: string }
    | undefined;
  return row?.stored_path ?? null;
}

export function listFiles(store: Store, identity: string): BoxFile[] {
  return (
    store.stmt('SELECT * FROM box_files WHERE identity = ? ORDER BY id DESC').all(identity) as FileRow[]
  ).map(fileOf);
}
