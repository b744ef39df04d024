// OCPI 2.2.1 answers come in one envelope {data, status_code, status_message, timestamp}: this reads it and
// turns its status codes (1xxx ok, 2xxx client error, 3xxx server error, 4xxx hub error) into AppErrors.
import { AppError } from '../../api/errors.ts';
import { type HttpAnswer, type HttpPeer, parseJson, raiseForStatus } from '../http.ts';

export interface OcpiEnvelope {
  data: unknown;
  statusCode: number;
  statusMessage: string | null;
}

/** Status codes the tool reads (transport_and_format, "OCPI status codes"). */
export const OCPI_OK = 1000;
export const OCPI_UNKNOWN_TOKEN = 2004;

/** A message from the CSMS, kept short and single-line: it ends up in the outbox's reason. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Reads the envelope; throws CSMS_BAD_ANSWER when the body is not one. */
export function readEnvelope(peer: HttpPeer, action: string, answer: HttpAnswer): OcpiEnvelope {
  const json = parseJson(peer, { action }, answer);
  const value = json as { status_code?: unknown; status_message?: unknown; data?: unknown } | null;
  if (value === null || typeof value !== 'object' || typeof value.status_code !== 'number') {
    throw new AppError('CSMS_BAD_ANSWER', {
      name: peer.name,
      action,
      detail: `HTTP ${answer.status}, no OCPI status_code`,
    });
  }
  return {
    data: value.data,
    statusCode: value.status_code,
    statusMessage: typeof value.status_message === 'string' ? clip(value.status_message) : null,
  };
}

/**
 * The HTTP status and the OCPI status code together: 401/403 credentials refused, 429 slow down, 5xx and
 * 3xxx/4xxx retried later (CSMS_UNREACHABLE), 2xxx the CSMS refused the data (CSMS_REJECTED, with its
 * message), other HTTP errors a bad answer. Returns the envelope of a 1xxx answer.
 */
export function expectOk(peer: HttpPeer, action: string, answer: HttpAnswer): OcpiEnvelope {
  raiseForStatus(peer, answer);
  let envelope: OcpiEnvelope;
  try {
    envelope = readEnvelope(peer, action, answer);
  } catch (error) {
    if (answer.status >= 400) {
      throw new AppError('CSMS_BAD_ANSWER', { name: peer.name, action, detail: `HTTP ${answer.status}` });
    }
    throw error;
  }
  const code = envelope.statusCode;
  const message = envelope.statusMessage ?? '';
  if (code >= 1000 && code < 2000 && answer.status < 300) return envelope;
  if (code >= 2000 && code < 3000) {
    throw new AppError('CSMS_REJECTED', {
      name: peer.name,
      action,
      detail: message ? `OCPI ${code}: ${message}` : `OCPI ${code}`,
    });
  }
  if (code >= 3000 && code < 5000) {
    throw new AppError('CSMS_UNREACHABLE', {
      name: peer.name,
      reason: message ? `OCPI ${code}: ${message}` : `OCPI ${code}`,
    });
  }
  throw new AppError('CSMS_BAD_ANSWER', {
    name: peer.name,
    action,
    detail: `HTTP ${answer.status}, OCPI status_code ${code}`,
  });
}
