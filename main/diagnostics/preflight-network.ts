// Pre-flight checks of the company CSMS endpoint as seen from the laptop: the URL the box will dial, its name
// in DNS, a TCP connection and (wss) the TLS chain and expiry. Each is bounded by a timeout and says what it saw.
import { lookup } from 'node:dns/promises';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { rootCertificates, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { PreflightFinding } from './preflight-types.ts';

export interface Endpoint {
  scheme: 'ws' | 'wss';
  host: string;
  port: number;
  /** What the box dials: the endpoint with its identity appended once, percent-encoded. */
  dialed: string;
}

const DAY = 86_400_000;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The URL the box will dial, from the CSMS endpoint and its identity; null endpoint when it cannot be dialed. */
export function urlCheck(
  url: string,
  identity: string,
): { finding: PreflightFinding; endpoint: Endpoint | null } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // Shown without what may be a credential: a user:password@ part or a query (?token=...).
    const masked = url.replace(/\/\/[^/@]*@/, '//***@').replace(/[?#].*$/, '');
    return {
      finding: { check: 'url', status: 'fail', outcome: 'invalid', params: { url: masked } },
      endpoint: null,
    };
  }
  // The address as findings show it: never the user, password or query it may carry.
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'ws' && scheme !== 'wss')
    return {
      finding: { check: 'url', status: 'fail', outcome: 'scheme', params: { url: shown, scheme } },
      endpoint: null,
    };
  if (parsed.username || parsed.password)
    return {
      finding: {
        check: 'url',
        status: 'fail',
        outcome: 'user',
        params: { url: shown },
      },
      endpoint: null,
    };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : scheme === 'wss' ? 443 : 80;
  const base = `${scheme}://${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  const encoded = encodeURIComponent(identity);
  const endpoint: Endpoint = { scheme, host, port, dialed: `${base}/${encoded}` };
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  if (last !== undefined && (last === encoded || safeDecode(last) === identity))
    return {
      finding: {
        check: 'url',
        status: 'fail',
        outcome: 'identityTwice',
        params: { url: shown, dialed: endpoint.dialed },
      },
      endpoint,
    };
  if (parsed.search || parsed.hash)
    return { finding: { check: 'url', status: 'warn', outcome: 'query', params: { url: shown } }, endpoint };
  return {
    finding: {
      check: 'url',
      status: 'ok',
      outcome: 'ok',
      params: { dialed: endpoint.dialed, scheme, host, port, path: parsed.pathname || '/' },
    },
    endpoint,
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function dnsCheck(endpoint: Endpoint, timeoutMs: number): Promise<PreflightFinding> {
  const host = endpoint.host;
  if (isIP(host)) return { check: 'dns', status: 'ok', outcome: 'literal', params: { host } };
  return withTimeout(
    lookup(host, { all: true }).then(
      (addresses): PreflightFinding => ({
        check: 'dns',
        status: 'ok',
        outcome: 'ok',
        params: { host, addresses: addresses.map((a) => a.address).join(', ') },
      }),
      (error: NodeJS.ErrnoException): PreflightFinding => ({
        check: 'dns',
        status: 'fail',
        outcome: 'unresolved',
        params: { host, reason: error.code ?? 'unknown' },
      }),
    ),
    timeoutMs,
    () => ({ check: 'dns', status: 'fail', outcome: 'timeout', params: { host, seconds: timeoutMs / 1000 } }),
  );
}

/**
 * One bounded connection attempt: `ready` words what the open socket shows; a timeout or an error fails the
 * check (`errorOutcome` names the error). The socket is always closed.
 */
function probe<S extends Socket>(
  check: 'tcp' | 'tls',
  endpoint: Endpoint,
  timeoutMs: number,
  open: () => S,
  readyEvent: 'connect' | 'secureConnect',
  ready: (socket: S) => PreflightFinding,
  errorOutcome: (error: NodeJS.ErrnoException) => string,
): Promise<PreflightFinding> {
  const { host, port } = endpoint;
  return new Promise((resolve) => {
    const socket = open();
    const done = (finding: PreflightFinding) => {
      socket.destroy();
      resolve(finding);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ check, status: 'fail', outcome: 'timeout', params: { host, port, seconds: timeoutMs / 1000 } }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({
        check,
        status: 'fail',
        outcome: errorOutcome(error),
        params: { host, port, reason: error.code ?? error.message },
      }),
    );
    socket.once(readyEvent, () => done(ready(socket)));
  });
}

export function tcpCheck(endpoint: Endpoint, timeoutMs: number): Promise<PreflightFinding> {
  const { host, port } = endpoint;
  return probe(
    'tcp',
    endpoint,
    timeoutMs,
    () => tcpConnect({ host, port }),
    'connect',
    () => ({ check: 'tcp', status: 'ok', outcome: 'ok', params: { host, port } }),
    (error) => (error.code === 'ECONNREFUSED' ? 'refused' : 'error'),
  );
}

/** The TLS chain as the laptop sees it (system roots plus `trusted`), and how long the certificate stays valid. */
export function tlsCheck(
  endpoint: Endpoint,
  timeoutMs: number,
  trusted: string[] = [],
): Promise<PreflightFinding> {
  const { host } = endpoint;
  const open = () =>
    tlsConnect({
      host,
      port: endpoint.port,
      servername: isIP(host) ? undefined : host,
      ca: [...rootCertificates, ...trusted],
      rejectUnauthorized: false,
    });
  return probe(
    'tls',
    endpoint,
    timeoutMs,
    open,
    'secureConnect',
    certificateFinding(host),
    () => 'handshake',
  );
}

/** What the server's certificate says once the handshake is done: trusted, expired, or expiring soon. */
function certificateFinding(host: string) {
  return (socket: TLSSocket): PreflightFinding => {
    const cert = socket.getPeerCertificate();
    const validTo = cert?.valid_to ? new Date(cert.valid_to).toISOString().slice(0, 10) : '?';
    const reason = socket.authorizationError;
    const code =
      reason instanceof Error ? ((reason as NodeJS.ErrnoException).code ?? reason.message) : reason;
    if (code === 'CERT_HAS_EXPIRED')
      return { check: 'tls', status: 'fail', outcome: 'expired', params: { host, validTo } };
    if (code)
      return {
        check: 'tls',
        status: 'fail',
        outcome: 'untrusted',
        params: { host, reason: String(code) },
      };
    const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / DAY);
    if (days < 30)
      return {
        check: 'tls',
        status: 'warn',
        outcome: 'expiresSoon',
        params: { host, validTo, days },
      };
    return { check: 'tls', status: 'ok', outcome: 'ok', params: { host, validTo, days } };
  };
}
