// One HTTP exchange with a company CSMS, its faults turned into the shared CSMS_* errors: refused, reset,
// timed out, TLS, 401/403, 429 with Retry-After, 5xx, 4xx with the CSMS's own words, unreadable JSON.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { AppError } from '../api/errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or null when it was empty. */
  json: unknown;
}

export interface HttpOptions {
  /** Names the CSMS in errors ("SteVe at http://…"); never a credential. */
  name: string;
  /** The action in the technician's words for errors ("create card 04A1B2"). */
  action: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutS: number;
  signal?: AbortSignal | undefined;
  /** A company CA (PEM) trusted for this CSMS beside the system's. */
  caCertificate?: string | undefined;
  /** Statuses the caller reads itself (404 for "not there"). */
  accept?: readonly number[];
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (!value) return 1;
  const n = Number(value.trim());
  if (Number.isFinite(n) && n >= 0) return Math.max(1, Math.ceil(n));
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1 : Math.max(1, Math.ceil((at - now) / 1000));
}

const tlsCodes = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ERR_TLS/i;

function causeCode(error: unknown): string {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

/** A short, credential-free reason from a failed request (ECONNRESET → "connection reset"). */
function networkError(options: HttpOptions, error: unknown): AppError {
  const code = causeCode(error);
  if (tlsCodes.test(code))
    return new AppError('CSMS_TLS_FAILED', { name: options.name, reason: code }, { cause: error });
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
        ? 'connection reset'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'name not found'
          : code || 'network error';
  return new AppError('CSMS_UNREACHABLE', { name: options.name, reason }, { cause: error });
}

/** The CSMS's own words from an error body (SteVe: message/error, Hasura: errors[0].message), short. */
function errorDetail(json: unknown, status: number): string {
  const o = json as { message?: unknown; error?: unknown; errors?: Array<{ message?: unknown }> } | null;
  const text = [o?.message, o?.errors?.[0]?.message, o?.error].find((v) => typeof v === 'string');
  return `HTTP ${status}${typeof text === 'string' && text ? `: ${text.slice(0, 200)}` : ''}`;
}

interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** One request with node:http(s), so a company CA can be trusted for this CSMS alone (fetch cannot). */
function request(options: HttpOptions): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.url);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...options.headers,
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: options.method,
        headers,
        ...(options.caCertificate ? { ca: [...rootCertificates, options.caCertificate] } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { code: 'WBC_TIMEOUT' })),
      options.timeoutS * 1000,
    );
    const abort = () => req.destroy(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
    options.signal?.addEventListener('abort', abort, { once: true });
    req.on('error', reject);
    req.on('close', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    });
    req.end(body);
  });
}

export async function httpJson(options: HttpOptions): Promise<HttpAnswer> {
  let raw: RawAnswer;
  try {
    raw = await request(options);
  } catch (error) {
    const code = causeCode(error);
    if (code === 'WBC_TIMEOUT')
      throw new AppError('CSMS_TIMEOUT', { name: options.name, seconds: options.timeoutS });
    if (options.signal?.aborted) throw error;
    throw networkError(options, error);
  }
  const { status, headers, text } = raw;
  let json: unknown = null;
  let unreadable = false;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      unreadable = true;
    }
  }
  const accepted = options.accept?.includes(status) ?? false;
  if (!accepted) {
    if (status === 401 || status === 403)
      throw new AppError('CSMS_AUTH_FAILED', { name: options.name, status });
    if (status === 429) {
      throw new AppError('CSMS_RATE_LIMITED', {
        name: options.name,
        retryAfterS: retryAfterSeconds(headers.get('retry-after')),
      });
    }
    if (status >= 500) {
      throw new AppError('CSMS_UNREACHABLE', { name: options.name, reason: errorDetail(json, status) });
    }
    if (status >= 400) {
      throw new AppError('CSMS_REJECTED', {
        name: options.name,
        action: options.action,
        detail: errorDetail(json, status),
      });
    }
  }
  if (unreadable) {
    throw new AppError('CSMS_BAD_ANSWER', {
      name: options.name,
      action: options.action,
      detail: `HTTP ${status}, not JSON`,
    });
  }
  return { status, headers, json };
}

/** A CSMS_BAD_ANSWER for a body that parsed but is not the shape the API documents. */
export function badShape(name: string, action: string, detail: string): AppError {
  return new AppError('CSMS_BAD_ANSWER', { name, action, detail });
}
