// The one HTTP(S) client of the company CSMS connectors (OCPI, MaEVe, SteVe, CitrineOS): bounded in time and
// size, kept-alive connections, its faults turned into CSMS_* AppErrors (network, TLS, timeout, 401/403, 429).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { AppError } from '../api/errors.ts';

/** Who the tool is talking to and how patiently; never holds a credential. */
export interface HttpPeer {
  /** The connector's name as people read it ("OCPI at https://cpo.example/ocpi/versions"). */
  name: string;
  timeoutMs: number;
  /** Answers larger than this are cut off and refused: a stranger must not fill the laptop's memory. */
  maxAnswerBytes: number;
  /** Extra CA certificates (PEM) to trust besides the system's, for a CSMS with a private CA. */
  caCertificate?: string | null | undefined;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  /** JSON text sent as the body. */
  body?: string;
  /** What the call does, for error messages ("PUT token 04A1B2C3"); never a credential. */
  action: string;
  /** false for a call that must not be sent twice (the credentials POST); default true. */
  idempotent?: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const DEFAULT_RETRY_AFTER_S = 60;
/**
 * An idle kept-alive connection is closed after this long: below the 5 s most servers keep one open, so
 * the tool rarely reuses a socket the CSMS has just closed (and a laptop waking from sleep drops them).
 */
const IDLE_SOCKET_MS = 4000;

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}
const agentsByPeer = new WeakMap<HttpPeer, Agents>();

/** Kept-alive connections per connector: thousands of cards do not each pay a TCP and TLS handshake. */
function agentsOf(peer: HttpPeer): Agents {
  let agents = agentsByPeer.get(peer);
  if (!agents) {
    const options = { keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const };
    agents = { http: new HttpAgent(options), https: new HttpsAgent(options) };
    agentsByPeer.set(peer, agents);
  }
  return agents;
}

/** Closes the connector's kept-alive connections (CsmsConnector.close). */
export function closeConnections(peer: HttpPeer): void {
  const agents = agentsByPeer.get(peer);
  agents?.http.destroy();
  agents?.https.destroy();
  agentsByPeer.delete(peer);
}

/** Node's TLS verification codes: a certificate the laptop does not accept. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** A TLS verification code in words a technician can look up; the code stays for support. */
export function tlsReason(code: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'the certificate has expired (CERT_HAS_EXPIRED)';
    case 'CERT_NOT_YET_VALID':
      return 'the certificate is not valid yet (CERT_NOT_YET_VALID)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'the certificate is for another host (ERR_TLS_CERT_ALTNAME_INVALID)';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `no TLS handshake: the port may speak plain http (${code})`;
    default:
      return `the certificate is not trusted (${code})`;
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

/**
 * Seconds from a Retry-After header (delta seconds or an HTTP date), between 1 s and a day; `fallbackS`
 * when absent or unreadable (1 s for SteVe and CitrineOS, the 60 s OCPI and MaEVe wait).
 */
export function retryAfterSeconds(
  value: string | string[] | null | undefined,
  now = Date.now(),
  fallbackS = 1,
): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === null || text.trim() === '') return fallbackS;
  if (/^\d+$/.test(text.trim())) return Math.max(1, Math.min(86_400, Number(text.trim())));
  const at = Date.parse(text);
  if (Number.isNaN(at)) return fallbackS;
  return Math.max(1, Math.min(86_400, Math.ceil((at - now) / 1000)));
}

/**
 * Sends one request and reads the whole answer. Throws CSMS_TIMEOUT, CSMS_UNREACHABLE, CSMS_TLS_FAILED,
 * CSMS_BAD_ANSWER (too large) or CANCELLED (the caller's signal); any HTTP status is returned as is.
 * No error carries a header, a body or a cause: they could hold the credential.
 */
export async function send(peer: HttpPeer, call: HttpCall, signal: AbortSignal): Promise<HttpAnswer> {
  try {
    return await sendOnce(peer, call, signal, true);
  } catch (error) {
    // A kept-alive socket the CSMS closed while idle fails at once; the call never reached it. Sent
    // again once on a fresh connection, unless it must not be repeated.
    if (error instanceof StaleSocket && call.idempotent !== false) return sendOnce(peer, call, signal, false);
    if (error instanceof StaleSocket) throw error.appError;
    throw error;
  }
}

class StaleSocket extends Error {
  constructor(readonly appError: AppError) {
    super('stale socket');
  }
}

function sendOnce(peer: HttpPeer, call: HttpCall, signal: AbortSignal, reuse: boolean): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AppError('CANCELLED'));
      return;
    }
    const secure = call.url.protocol === 'https:';
    const requestFn = secure ? httpsRequest : httpRequest;
    let settled = false;
    let answered = false;
    const finish = (error: Error | null, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else if (answer) resolve(answer);
    };
    const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
    const req = requestFn(call.url, {
      method: call.method,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
        ...call.headers,
      },
      ...(secure && peer.caCertificate ? { ca: [...rootCertificates, peer.caCertificate] } : {}),
      agent: reuse ? (secure ? agentsOf(peer).https : agentsOf(peer).http) : false,
    });
    const timer = setTimeout(() => {
      const seconds = Number((peer.timeoutMs / 1000).toFixed(peer.timeoutMs < 10_000 ? 1 : 0));
      finish(new AppError('CSMS_TIMEOUT', { name: peer.name, seconds }));
    }, peer.timeoutMs);
    const onAbort = () => finish(new AppError('CANCELLED'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      const code = errorCode(error);
      if (TLS_CODES.has(code)) {
        finish(new AppError('CSMS_TLS_FAILED', { name: peer.name, reason: tlsReason(code) }));
      } else {
        const unreachable = new AppError('CSMS_UNREACHABLE', { name: peer.name, reason: code });
        const stale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && !answered;
        finish(stale ? new StaleSocket(unreachable) : unreachable);
      }
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > peer.maxAnswerBytes) {
          res.destroy();
          finish(
            new AppError('CSMS_BAD_ANSWER', {
              name: peer.name,
              action: call.action,
              detail: `answer larger than ${peer.maxAnswerBytes} bytes`,
            }),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => {
        finish(new AppError('CSMS_UNREACHABLE', { name: peer.name, reason: errorCode(error) }));
      });
      res.on('close', () => {
        // A connection cut before the answer was complete (reset, a proxy giving up).
        if (!res.complete)
          finish(new AppError('CSMS_UNREACHABLE', { name: peer.name, reason: 'ECONNRESET' }));
      });
      res.on('end', () => {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(body);
  });
}

/**
 * The statuses every CSMS API means the same way: 401/403 refused credentials, 429 slow down, 5xx the
 * service is failing (retried by the outbox). Other statuses are left to the connector.
 */
export function raiseForStatus(peer: HttpPeer, answer: HttpAnswer): void {
  const { status } = answer;
  if (status === 401 || status === 403) {
    throw new AppError('CSMS_AUTH_FAILED', { name: peer.name, status });
  }
  if (status === 429) {
    throw new AppError('CSMS_RATE_LIMITED', {
      name: peer.name,
      retryAfterS: retryAfterSeconds(answer.headers['retry-after'], Date.now(), DEFAULT_RETRY_AFTER_S),
    });
  }
  if (status >= 500) {
    // A 503 may say when the service is back (Retry-After): the outbox can wait that long instead of guessing.
    const retry = answer.headers['retry-after'];
    throw new AppError('CSMS_UNREACHABLE', {
      name: peer.name,
      reason: `HTTP ${status}`,
      ...(retry !== undefined
        ? { retryAfterS: retryAfterSeconds(retry, Date.now(), DEFAULT_RETRY_AFTER_S) }
        : {}),
    });
  }
}

/** The address a connector is set up with: http(s), no user info (credentials live in the vault). */
export function configuredUrl(raw: string, field: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new AppError(
      'VALIDATION_FAILED',
      { fields: field },
      { fields: [{ path: field, issue: 'an http:// or https:// address without a user name or password' }] },
    );
  }
  return url;
}

/** The answer's body as JSON, or CSMS_BAD_ANSWER naming what came instead (never the body itself). */
export function parseJson(peer: HttpPeer, call: Pick<HttpCall, 'action'>, answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    const type = String(answer.headers['content-type'] ?? 'no content type');
    throw new AppError('CSMS_BAD_ANSWER', {
      name: peer.name,
      action: call.action,
      detail: `HTTP ${answer.status}, not JSON (${type.slice(0, 60)})`,
    });
  }
}

/** A URL as people may read it: without user info, query or fragment (they can hold credentials). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * The same error with every secret (and its base64 form) cut out of its values: a CSMS may echo what it
 * received in its own error message, and that message ends up in the outbox's reason.
 */
export function scrubbed(error: unknown, secrets: Array<string | null | undefined>): unknown {
  if (!(error instanceof AppError)) return error;
  const needles = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [s, Buffer.from(s, 'utf8').toString('base64')]);
  let changed = false;
  const params: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(error.params)) {
    let text = value;
    if (typeof text === 'string') {
      for (const needle of needles) {
        if (text.includes(needle)) {
          text = text.split(needle).join('[redacted]');
          changed = true;
        }
      }
    }
    params[key] = text;
  }
  return changed ? new AppError(error.code, params) : error;
}

/** One JSON call of the SteVe and CitrineOS connectors; the body is sent as JSON. */
export interface JsonCall {
  method: HttpCall['method'];
  url: string;
  action: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Statuses the caller reads itself (404 for "not there", 422 for "exists already"). */
  accept?: readonly number[];
  /** Sent again on a fresh connection when a kept-alive one was stale; default: not for a POST. */
  idempotent?: boolean;
}

export interface JsonAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or null when it was empty. */
  json: unknown;
}

/** The CSMS's own words from an error body (SteVe: message/error, Hasura: errors[0].message), short. */
function errorDetail(json: unknown, status: number): string {
  const o = json as { message?: unknown; error?: unknown; errors?: Array<{ message?: unknown }> } | null;
  const text = [o?.message, o?.errors?.[0]?.message, o?.error].find((v) => typeof v === 'string');
  return `HTTP ${status}${typeof text === 'string' && text ? `: ${text.slice(0, 200)}` : ''}`;
}

/**
 * A JSON call over send(): 401/403 and 429 as for every CSMS, 5xx and other 4xx with the CSMS's own words
 * (CSMS_UNREACHABLE, CSMS_REJECTED), an answer that is not JSON as CSMS_BAD_ANSWER.
 */
export async function httpJson(peer: HttpPeer, call: JsonCall, signal: AbortSignal): Promise<JsonAnswer> {
  const answer = await send(
    peer,
    {
      method: call.method,
      url: new URL(call.url),
      headers: call.headers ?? {},
      action: call.action,
      idempotent: call.idempotent ?? call.method !== 'POST',
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    },
    signal,
  );
  const { status, headers } = answer;
  const text = answer.body.toString('utf8');
  let json: unknown = null;
  let unreadable = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      unreadable = true;
    }
  }
  if (!call.accept?.includes(status)) {
    if (status >= 500)
      throw new AppError('CSMS_UNREACHABLE', { name: peer.name, reason: errorDetail(json, status) });
    if (status === 401 || status === 403) throw new AppError('CSMS_AUTH_FAILED', { name: peer.name, status });
    if (status === 429)
      throw new AppError('CSMS_RATE_LIMITED', {
        name: peer.name,
        retryAfterS: retryAfterSeconds(headers['retry-after']),
      });
    if (status >= 400)
      throw new AppError('CSMS_REJECTED', {
        name: peer.name,
        action: call.action,
        detail: errorDetail(json, status),
      });
  }
  if (unreadable) {
    throw new AppError('CSMS_BAD_ANSWER', {
      name: peer.name,
      action: call.action,
      detail: `HTTP ${status}, not JSON`,
    });
  }
  return { status, headers, json };
}

/** A CSMS_BAD_ANSWER for a body that parsed but is not the shape the API documents. */
export function badShape(name: string, action: string, detail: string): AppError {
  return new AppError('CSMS_BAD_ANSWER', { name, action, detail });
}
