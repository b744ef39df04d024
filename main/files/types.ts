// What the file server and its jobs hand to the api, the CLI and the Diagnose page: a job (firmware update
// or log fetch) with every status the box sent, and the files a box uploaded, kept with its record.

export type FileJobKind = 'firmware' | 'diagnostics' | 'security-log';
/** running until the box says a final status; done only on what the box said (Installed) or what arrived
 *  (the log file); unconfirmed when the job ended before the box said how it went. */
export type FileJobState = 'running' | 'done' | 'failed' | 'unconfirmed' | 'cancelled';

export interface FileJobStatus {
  /** The box's own word (Downloading, Installed, InvalidSignature, Uploaded, ...), or the tool's event
   *  (`served`, `refused-too-large`, `refused-used`, ...) when `by` is 'tool'. */
  status: string;
  by: 'box' | 'tool';
  at: string;
  /** The tool's events: bytes served or refused, HTTP status answered. */
  bytes?: number;
  /** The byte a resumed download started at (HTTP Range, FTP REST); absent when it started at 0. */
  from?: number;
  httpStatus?: number;
}

export interface FileJob {
  id: number;
  identity: string;
  kind: FileJobKind;
  ocppVersion: '1.6' | '2.0.1';
  requestId: number | null;
  state: FileJobState;
  /** Why it failed or stayed unconfirmed: the box's status (InstallationFailed, InvalidSignature,
   *  UploadFailed), or the tool's (too-large, box-rejected, timeout, box-offline, nothing-arrived). */
  reason: string | null;
  /** The last status the box itself sent; null when it sent none. */
  lastBoxStatus: string | null;
  statuses: FileJobStatus[];
  /** Firmware: the file offered (its name and size); log fetch: null. */
  firmware: { name: string; size: number; sha256: string; signed: boolean } | null;
  /** Log fetch: the file that arrived. */
  fileId: number | null;
  startedAt: string;
  endedAt: string | null;
}

export interface BoxFile {
  id: number;
  identity: string;
  jobId: number | null;
  kind: FileJobKind;
  /** The name the box gave, cleaned for display (never used as a path); null when it gave none. */
  boxName: string | null;
  /** The name to save it under (a safe name derived from the box's and the time). */
  downloadName: string;
  size: number;
  sha256: string;
  receivedVia: 'multipart' | 'post' | 'put' | 'ftp';
  receivedAt: string;
}

export interface BoxFileContent {
  file: BoxFile;
  base64: string;
}
