// File jobs in words, the same for the CLI and the Diagnose page: the box's statuses and the tool's own
// events in the reader's language (a status no catalog knows is the box's own and shown as sent), and a
// job's outcome that says only what the box said or what arrived.
import type { FileJob, FileJobStatus } from './types.ts';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Every status with words in locales/ (files.status.*): the OCPP 1.6 and 2.0.1 values and the tool's events. */
export const knownStatuses = new Set([
  'Downloading',
  'Downloaded',
  'DownloadFailed',
  'DownloadScheduled',
  'DownloadPaused',
  'Idle',
  'Installing',
  'Installed',
  'InstallationFailed',
  'InstallRebooting',
  'InstallScheduled',
  'InstallVerificationFailed',
  'InvalidSignature',
  'InvalidCertificate',
  'RevokedCertificate',
  'SignatureVerified',
  'Uploading',
  'Uploaded',
  'UploadFailed',
  'UploadFailure',
  'BadMessage',
  'NotSupportedOperation',
  'PermissionDenied',
  'AcceptedCanceled',
  'accepted',
  'served',
  'served-partly',
  'served-resumed',
  'received',
  'refused-too-large',
  'refused-used',
  'refused-expired',
  'refused-unknown-token',
  'refused-bad-upload',
  'refused-bad-method',
  'refused-bad-range',
]);

const knownReasons = new Set([
  'too-large',
  'box-rejected',
  'timeout',
  'nothing-arrived',
  'tool-restarted',
  'tool-closed',
  'cancelled',
  'file-server-down',
]);

export function statusText(tr: Translate, status: string): string {
  return knownStatuses.has(status) ? tr(`files.status.${status}`) : status;
}

export function reasonText(tr: Translate, reason: string): string {
  if (knownReasons.has(reason)) return tr(`files.reason.${reason}`);
  return statusText(tr, reason);
}

/** One line of progress: the status in words, with the bytes and HTTP status the tool saw. */
export function statusLine(tr: Translate, s: FileJobStatus): string {
  const extra = [
    s.bytes === undefined ? null : tr('files.bytes', { bytes: s.bytes }),
    s.from === undefined ? null : tr('files.fromByte', { from: s.from }),
    s.httpStatus === undefined ? null : `HTTP ${s.httpStatus}`,
  ].filter(Boolean);
  const who = s.by === 'box' ? tr('files.by.box') : tr('files.by.tool');
  return `${who}: ${statusText(tr, s.status)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

export function kindText(tr: Translate, kind: FileJob['kind']): string {
  return tr(`files.kind.${kind}`);
}

/** The outcome, never more than was seen: done only on the box's Installed or a file that arrived. */
export function outcomeText(tr: Translate, job: FileJob): string {
  const last =
    job.lastBoxStatus === null ? tr('files.outcome.saidNothing') : statusText(tr, job.lastBoxStatus);
  switch (job.state) {
    case 'running':
      return tr('files.outcome.running', { last });
    case 'done':
      return job.kind === 'firmware' ? tr('files.outcome.installed') : tr('files.outcome.received');
    case 'failed':
      return tr('files.outcome.failed', { reason: reasonText(tr, job.reason ?? '') });
    case 'cancelled':
      return tr('files.outcome.cancelled', { last });
    default:
      return tr('files.outcome.unconfirmed', { last, reason: reasonText(tr, job.reason ?? '') });
  }
}
