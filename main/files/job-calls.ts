// The OCPP side of file jobs, per version: the call that starts the job (UpdateFirmware, SignedUpdateFirmware,
// GetDiagnostics, GetLog), the notification the box reports progress with, and which of its statuses end it.
import { randomInt } from 'node:crypto';
import type { FileJobKind } from './types.ts';

export interface JobCall {
  action: string;
  payload: Record<string, unknown>;
  /** The notification action the box reports this job's progress with. */
  statusAction: string;
  requestId: number | null;
}

export interface FirmwareRequest {
  location: string;
  retrieveAt: Date;
  retries?: number | undefined;
  retryIntervalS?: number | undefined;
  signingCertificate?: string | undefined;
  signature?: string | undefined;
}

const newRequestId = () => randomInt(1, 2_147_483_647);

const retryFields = (r: { retries?: number | undefined; retryIntervalS?: number | undefined }) => ({
  ...(r.retries === undefined ? {} : { retries: r.retries }),
  ...(r.retryIntervalS === undefined ? {} : { retryInterval: r.retryIntervalS }),
});

/** 1.6 UpdateFirmware; 1.6 SignedUpdateFirmware (security whitepaper) when signed; 2.0.1 UpdateFirmware. */
export function firmwareCall(version: '1.6' | '2.0.1', request: FirmwareRequest): JobCall {
  const signed = request.signature !== undefined || request.signingCertificate !== undefined;
  if (version === '1.6' && !signed) {
    return {
      action: 'UpdateFirmware',
      payload: {
        location: request.location,
        retrieveDate: request.retrieveAt.toISOString(),
        ...retryFields(request),
      },
      statusAction: 'FirmwareStatusNotification',
      requestId: null,
    };
  }
  const requestId = newRequestId();
  return {
    action: version === '1.6' ? 'SignedUpdateFirmware' : 'UpdateFirmware',
    payload: {
      requestId,
      ...retryFields(request),
      firmware: {
        location: request.location,
        retrieveDateTime: request.retrieveAt.toISOString(),
        ...(request.signingCertificate === undefined
          ? {}
          : { signingCertificate: request.signingCertificate }),
        ...(request.signature === undefined ? {} : { signature: request.signature }),
      },
    },
    statusAction: version === '1.6' ? 'SignedFirmwareStatusNotification' : 'FirmwareStatusNotification',
    requestId,
  };
}

/** 1.6 diagnostics: GetDiagnostics; 1.6 security log and every 2.0.1 log: GetLog. */
export function logCall(
  version: '1.6' | '2.0.1',
  kind: Exclude<FileJobKind, 'firmware'>,
  location: string,
): JobCall {
  if (version === '1.6' && kind === 'diagnostics') {
    return {
      action: 'GetDiagnostics',
      payload: { location },
      statusAction: 'DiagnosticsStatusNotification',
      requestId: null,
    };
  }
  const requestId = newRequestId();
  return {
    action: 'GetLog',
    payload: {
      logType: kind === 'diagnostics' ? 'DiagnosticsLog' : 'SecurityLog',
      requestId,
      log: { remoteLocation: location },
    },
    statusAction: 'LogStatusNotification',
    requestId,
  };
}

const firmwareFailures = new Set([
  'DownloadFailed',
  'InstallationFailed',
  'InvalidSignature',
  'InstallVerificationFailed',
  'InvalidCertificate',
  'RevokedCertificate',
]);
const logFailures = new Set([
  'UploadFailed',
  'UploadFailure',
  'BadMessage',
  'NotSupportedOperation',
  'PermissionDenied',
]);

/** What a box's status means for its job: it goes on, it succeeded, or it failed (with that status as why). */
export function statusMeaning(kind: FileJobKind, status: string): 'progress' | 'success' | 'failure' {
  if (kind === 'firmware') {
    if (status === 'Installed') return 'success';
    return firmwareFailures.has(status) ? 'failure' : 'progress';
  }
  if (status === 'Uploaded') return 'success';
  return logFailures.has(status) ? 'failure' : 'progress';
}

/** The box's answer to the starting call: accepted, or refused with its status. 1.6 UpdateFirmware and
 *  GetDiagnostics have no status (an answer at all is acceptance). */
export function startAnswer(answer: unknown): {
  accepted: boolean;
  status: string | null;
  fileName: string | null;
} {
  const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const status = typeof a.status === 'string' ? a.status : null;
  const fileName =
    typeof a.fileName === 'string' ? a.fileName : typeof a.filename === 'string' ? a.filename : null;
  return {
    accepted: status === null || status === 'Accepted' || status === 'AcceptedCanceled',
    status,
    fileName,
  };
}
