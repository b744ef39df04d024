// The network half of a connection test, as seen from the laptop: the URL, DNS, TCP, then TLS (the
// certificate's subject, expiry and whether it is for this host). The connector adds auth and API version.
import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect } from 'node:net';
import { checkServerIdentity, type PeerCertificate, rootCertificates, connect as tlsConnect } from 'node:tls';
import type { ConnectionCheck } from './connector.ts';

export interface NetworkCheckOptions {
  timeoutS: number;
  signal: AbortSignal;
  /** A company CA (PEM) the CSMS's certificate is issued by, trusted beside the system's. */
  caCertificate?: string | undefined;
}

function tcpCheck(host: string, port: number, timeoutS: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutS * 1000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.end();
      resolve(null);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

interface TlsSeen {
  error: string | null;
  cert: PeerCertificate | null;
}

function tlsCheck(
  host: string,
  address: string,
  port: number,
  options: NetworkCheckOptions,
): Promise<TlsSeen> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: address,
      port,
      servername: isIP(host) ? undefined : host,
      ...(options.caCertificate ? { ca: [...rootCertificates, options.caCertificate] } : {}),
      rejectUnauthorized: false,
    });
    socket.setTimeout(options.timeoutS * 1000, () => {
      socket.destroy();
      resolve({ error: 'timeout', cert: null });
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      let error: string | null = socket.authorized ? null : String(socket.authorizationError);
      if (!error && cert) {
        // Node checks the chain; the name is checked here so the step can say which host it was for.
        const mismatch = checkServerIdentity(host, cert);
        if (mismatch) error = (mismatch as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
      }
      socket.end();
      resolve({ error, cert: cert && Object.keys(cert).length > 0 ? cert : null });
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message, cert: null }),
    );
  });
}

function subjectOf(cert: PeerCertificate): string {
  const cn = cert.subject?.CN;
  return Array.isArray(cn) ? cn.join(',') : (cn ?? '?');
}

export async function networkChecks(
  baseUrl: string,
  options: NetworkCheckOptions,
): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  let url: URL;
  try {
    url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    checks.push({ step: 'url', ok: false, detail: baseUrl, errorCode: 'CSMS_UNREACHABLE' });
    return checks;
  }
  checks.push({ step: 'url', ok: true, detail: url.origin + url.pathname });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  let address = host;
  if (isIP(host)) checks.push({ step: 'dns', ok: true, detail: `${host} (address)` });
  else {
    try {
      address = (await lookup(host)).address;
      checks.push({ step: 'dns', ok: true, detail: `${host} → ${address}` });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
      checks.push({ step: 'dns', ok: false, detail: `${host}: ${code}`, errorCode: 'CSMS_UNREACHABLE' });
      return checks;
    }
  }
  if (options.signal.aborted) return checks;
  const tcp = await tcpCheck(address, port, options.timeoutS);
  if (tcp) {
    checks.push({
      step: 'tcp',
      ok: false,
      detail: `${address}:${port}: ${tcp}`,
      errorCode: tcp === 'timeout' ? 'CSMS_TIMEOUT' : 'CSMS_UNREACHABLE',
    });
    return checks;
  }
  checks.push({ step: 'tcp', ok: true, detail: `${address}:${port}` });
  if (url.protocol === 'https:') {
    const seen = await tlsCheck(host, address, port, options);
    const detail = seen.cert
      ? `${subjectOf(seen.cert)}, valid until ${new Date(seen.cert.valid_to).toISOString()}${seen.error ? `: ${seen.error}` : ''}`
      : (seen.error ?? '');
    if (seen.error) {
      checks.push({ step: 'tls', ok: false, detail, errorCode: 'CSMS_TLS_FAILED' });
      return checks;
    }
    checks.push({ step: 'tls', ok: true, detail });
  }
  return checks;
}
