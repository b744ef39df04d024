// The network half of every connector's connection test, before any credential is sent: the URL, DNS, TCP
// and the TLS certificate as the laptop sees it (subject, expiry, host name), each failure with a CSMS_*
// code. The connector adds the steps of its own API (auth, API version).
import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect } from 'node:net';
import { checkServerIdentity, rootCertificates, connect as tlsConnect } from 'node:tls';
import { AppError } from '../api/errors.ts';
import type { ConnectionCheck } from './connector.ts';
import { type HttpPeer, tlsReason } from './http.ts';

export interface TransportResult {
  checks: ConnectionCheck[];
  /** The parsed URL when every step passed; null when one failed (the checks say which). */
  url: URL | null;
}

function failed(step: ConnectionCheck['step'], detail: string, errorCode: string): ConnectionCheck {
  return { step, ok: false, detail, errorCode };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function withTimeout<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
    const onAbort = () => reject(Object.assign(new Error('cancelled'), { code: 'ABORT_ERR' }));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function tcpProbe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

interface SeenCertificate {
  subject: string;
  validTo: string;
  error: string | null;
}

/** Looks at the certificate without trusting it first, so the detail names what was seen even on failure. */
function tlsProbe(address: string, host: string, port: number, ca: string | null | undefined) {
  return new Promise<SeenCertificate>((resolve, reject) => {
    const servername = isIP(host) ? undefined : host;
    const socket = tlsConnect({
      host: address,
      port,
      ...(servername ? { servername } : {}),
      ...(ca ? { ca: [...rootCertificates, ca] } : {}),
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const cn = cert?.subject?.CN;
      const subject = cn ? `CN=${Array.isArray(cn) ? cn.join(',') : cn}` : 'no subject';
      const validTo = cert?.valid_to ? new Date(cert.valid_to).toISOString() : 'unknown';
      let error: string | null = null;
      if (!socket.authorized) {
        error = String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      } else if (cert && Object.keys(cert).length > 0) {
        const identity = checkServerIdentity(host, cert);
        if (identity) error = codeOf(identity);
      }
      socket.destroy();
      resolve({ subject, validTo, error });
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/** url, dns, tcp and (for https) tls; stops at the first failure. */
export async function checkTransport(
  peer: HttpPeer,
  raw: string,
  signal: AbortSignal,
): Promise<TransportResult> {
  const checks: ConnectionCheck[] = [];
  let url: URL;
  try {
    url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    checks.push(failed('url', 'not an http:// or https:// address', 'CSMS_UNREACHABLE'));
    return { checks, url: null };
  }
  if (url.username || url.password) {
    // Credentials belong in the vault, not in an address that ends up in logs.
    checks.push(failed('url', 'the address holds a user name or password', 'VALIDATION_FAILED'));
    return { checks, url: null };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  checks.push({ step: 'url', ok: true, detail: `${url.protocol}//${url.host}${url.pathname}` });

  let address: string;
  try {
    address = (await withTimeout(lookup(host), peer.timeoutMs, signal)).address;
    checks.push({ step: 'dns', ok: true, detail: `${host} → ${address}` });
  } catch (error) {
    checks.push(failed('dns', `${host}: ${codeOf(error)}`, 'CSMS_UNREACHABLE'));
    return { checks, url: null };
  }

  try {
    await withTimeout(tcpProbe(address, port), peer.timeoutMs, signal);
    checks.push({ step: 'tcp', ok: true, detail: `${address}:${port} open` });
  } catch (error) {
    const code = codeOf(error);
    checks.push(
      failed(
        'tcp',
        `${address}:${port}: ${code}`,
        code === 'ETIMEDOUT' ? 'CSMS_TIMEOUT' : 'CSMS_UNREACHABLE',
      ),
    );
    return { checks, url: null };
  }

  if (url.protocol === 'https:') {
    try {
      const seen = await withTimeout(
        tlsProbe(address, host, port, peer.caCertificate),
        peer.timeoutMs,
        signal,
      );
      const detail = `${seen.subject}, valid until ${seen.validTo}`;
      if (seen.error) {
        checks.push(failed('tls', `${detail}: ${tlsReason(seen.error)}`, 'CSMS_TLS_FAILED'));
        return { checks, url: null };
      }
      checks.push({ step: 'tls', ok: true, detail });
    } catch (error) {
      checks.push(failed('tls', `handshake failed: ${codeOf(error)}`, 'CSMS_TLS_FAILED'));
      return { checks, url: null };
    }
  }
  return { checks, url };
}

/** A failed step from an AppError: its code and the values it names (never a credential). */
export function failedCheck(step: ConnectionCheck['step'], error: unknown): ConnectionCheck {
  if (error instanceof AppError) {
    const { name: _name, ...rest } = error.params;
    const detail = Object.entries(rest)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    return { step, ok: false, detail: detail || error.code, errorCode: error.code };
  }
  return { step, ok: false, detail: 'unexpected failure', errorCode: 'INTERNAL' };
}
