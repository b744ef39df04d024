// The local CSMS's own certificate authority, so a box already at security profile 2 or 3 (wss:// only)
// can connect to the laptop: made once, keys sealed in the vault, server certificates reissued per address.
import { createPrivateKey, X509Certificate as NodeCertificate, randomBytes, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import type { AuditAction } from '../store/audit-actions.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { CSMS_TLS_SETTINGS_KEY } from '../store/vault-reset.ts';
import type { CsmsTlsInfo } from './types.ts';

/** The vault purpose of the CA's and the server certificates' private keys: never revealed, never exported. */
export const TLS_KEY_PURPOSE = 'csms-tls-key';
const SETTINGS_KEY = CSMS_TLS_SETTINGS_KEY;
const LABELS = { ca: 'ca', ecdsa: 'server-ecdsa', rsa: 'server-rsa' } as const;

const DAY_MS = 86_400_000;
// Backdated: a box whose clock was never set (many start at their firmware's build date) would
// otherwise find the certificate "not yet valid" before the CSMS could ever tell it the time.
const NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const CA_YEARS = 20;
const SERVER_DAYS = 2 * 365;
/** A server certificate this close to its end is reissued at the next start. */
const RENEW_DAYS = 30;

type CryptoKey = webcrypto.CryptoKey;

const rsa = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

interface StoredTls {
  ca: string;
  ecdsa: string;
  rsa: string;
}

/** What https.createServer takes, and what the user is shown. */
export interface CsmsTls {
  /** Two pairs: ECDSA P-256 and RSA 2048. OCPP asks a box for ECDHE-ECDSA or plain RSA suites (either
   *  pair, 1.6 whitepaper / 2.0.1 A00); Node picks the certificate that fits what the box offers. */
  key: string[];
  cert: string[];
  info: CsmsTlsInfo;
}

export interface TlsDeps {
  store: Store;
  vault: Vault;
  actor: string;
}

type X509 = typeof import('@peculiar/x509');
let loaded: Promise<X509> | null = null;

/** @peculiar/x509 is loaded on first use (the CLI and shell start faster); it needs the Reflect polyfill. */
function x509(): Promise<X509> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    const module = await import('@peculiar/x509');
    // Node's webcrypto is the WebCrypto the library expects (the DOM and Node typings differ in detail).
    module.cryptoProvider.set(webcrypto as never);
    return module;
  })();
  return loaded;
}

/** SHA-256 of the certificate, as boxes and browsers show it: AB:CD:... */
export function fingerprint(pem: string): string {
  return new NodeCertificate(pem).fingerprint256;
}

function pem(der: ArrayBuffer, tag: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${tag}-----\n${lines.join('\n')}\n-----END ${tag}-----\n`;
}

function der(text: string): Buffer {
  return Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER, as RFC 5280 asks
  return bytes.toString('hex');
}

/** The names a box may dial the laptop by: its addresses, and this computer itself. */
export function subjectNames(addresses: string[]): string[] {
  const names = new Set([
    'localhost',
    '127.0.0.1',
    ...addresses.filter((a) => a !== '0.0.0.0' && a !== '::'),
  ]);
  return [...names];
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}

/** The SANs of a certificate as plain names ("localhost", "192.168.1.20"). */
export function namesIn(certificate: string): string[] {
  const text = new NodeCertificate(certificate).subjectAltName ?? '';
  return text
    .split(/,\s*/)
    .map((part) => part.replace(/^(DNS|IP Address):/, '').trim())
    .filter(Boolean);
}

function readStored(store: Store): StoredTls | null {
  const row = store.db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTINGS_KEY) as
    | { value: string }
    | undefined;
  if (!row) return null;
  try {
    const value = JSON.parse(row.value) as Partial<StoredTls>;
    if (typeof value.ca === 'string' && typeof value.ecdsa === 'string' && typeof value.rsa === 'string') {
      return { ca: value.ca, ecdsa: value.ecdsa, rsa: value.rsa };
    }
  } catch {
    // A damaged row is made anew below, like a missing one.
  }
  return null;
}

function secretId(vault: Vault, label: string): number | null {
  return vault.list().find((s) => s.purpose === TLS_KEY_PURPOSE && s.label === label)?.id ?? null;
}

/** The private key in PEM, lent from the vault; null when it is gone or cannot be opened. */
function keyOf(vault: Vault, label: string): string | null {
  const id = secretId(vault, label);
  if (id === null) return null;
  try {
    return vault.use(id, (value) => value);
  } catch {
    return null;
  }
}

/** Whether the key belongs to the certificate (a key replaced through the api, or from another pair, does not). */
function matches(certificate: string, key: string): boolean {
  try {
    return new NodeCertificate(certificate).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

function expiresSoon(certificate: string, now: number): boolean {
  return new Date(new NodeCertificate(certificate).validTo).getTime() - now < RENEW_DAYS * DAY_MS;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return pem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importCaKey(keyPem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', der(keyPem), rsa, false, ['sign']);
}

async function makeCa(lib: X509): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(rsa, true, ['sign', 'verify']);
  const name = `CN=Wallbox Commissioner local CSMS CA (${hostname().replace(/[,=+<>#;"\\]/g, ' ')}), O=Wallbox Commissioner`;
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore: NOT_BEFORE,
    notAfter: new Date(Date.now() + CA_YEARS * 365 * DAY_MS),
    signingAlgorithm: rsa,
    keys,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

async function makeServer(
  lib: X509,
  ca: { cert: string; key: string },
  kind: 'ecdsa' | 'rsa',
  names: string[],
): Promise<{ cert: string; key: string }> {
  const algorithm = kind === 'ecdsa' ? ecdsa : rsa;
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const caCert = new lib.X509Certificate(ca.cert);
  const usage =
    kind === 'ecdsa'
      ? lib.KeyUsageFlags.digitalSignature
      : lib.KeyUsageFlags.digitalSignature | lib.KeyUsageFlags.keyEncipherment;
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names.find((n) => n !== 'localhost' && n !== '127.0.0.1') ?? 'localhost'}, O=Wallbox Commissioner`,
    issuer: caCert.subject,
    notBefore: NOT_BEFORE,
    notAfter: new Date(Date.now() + SERVER_DAYS * DAY_MS),
    // Signed with the CA's RSA key: boxes that only speak RSA suites can still check it.
    signingAlgorithm: rsa,
    publicKey: keys.publicKey,
    signingKey: await importCaKey(ca.key),
    extensions: [
      new lib.BasicConstraintsExtension(false, undefined, true),
      new lib.KeyUsagesExtension(usage, true),
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
      new lib.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIp(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await lib.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

function info(stored: StoredTls): CsmsTlsInfo {
  const ca = new NodeCertificate(stored.ca);
  return {
    caCertificate: stored.ca.trim(),
    caFingerprint: ca.fingerprint256,
    caSubject: ca.subject.replace(/\n/g, ', '),
    caValidTo: new Date(ca.validTo).toISOString(),
    serverNames: namesIn(stored.ecdsa),
    serverFingerprint: fingerprint(stored.ecdsa),
  };
}

/** Writes certificates and keys in one transaction: the CA, its key and the server certificates match. */
function save(
  deps: TlsDeps,
  stored: StoredTls,
  keys: Partial<Record<keyof typeof LABELS, string>>,
  action: AuditAction,
): void {
  deps.store.write(() => {
    for (const [which, key] of Object.entries(keys)) {
      deps.vault.put(deps.actor, TLS_KEY_PURPOSE, LABELS[which as keyof typeof LABELS], key);
    }
    deps.store.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(SETTINGS_KEY, JSON.stringify(stored));
    recordAudit(deps.store, {
      actor: deps.actor,
      action,
      entity: 'settings',
      entityId: SETTINGS_KEY,
      after: { caFingerprint: fingerprint(stored.ca), serverNames: namesIn(stored.ecdsa) },
    });
  });
}

/** The stored CA with its key; a CA whose key is gone is refused, never silently replaced (boxes trust it). */
function storedCa(deps: TlsDeps, stored: StoredTls): { cert: string; key: string } {
  const key = keyOf(deps.vault, LABELS.ca);
  if (!key || !matches(stored.ca, key)) {
    throw new AppError('CSMS_CA_KEY_LOST', { fingerprint: fingerprint(stored.ca) });
  }
  return { cert: stored.ca, key };
}

/** The CA, made on first use (with server certificates for this computer only). */
export async function csmsCa(deps: TlsDeps): Promise<CsmsTlsInfo> {
  const stored = readStored(deps.store);
  if (stored) {
    storedCa(deps, stored);
    return info(stored);
  }
  return (await csmsTls(deps, [])).info;
}

/** A new CA in place of the stored one, only when the user asked for it (`wbc csms ca --renew --yes`):
 *  every box that trusted the old CA must be given the new one. */
export async function renewCsmsCa(deps: TlsDeps): Promise<CsmsTlsInfo> {
  return (await csmsTls(deps, [], { replaceCa: true })).info;
}

/**
 * The certificates for a CSMS listening on these addresses. The CA is kept for good (boxes trust it);
 * the server certificates are reissued from it when an address is not among their names or they run out.
 */
export async function csmsTls(
  deps: TlsDeps,
  addresses: string[],
  options: { replaceCa?: boolean } = {},
): Promise<CsmsTls> {
  const names = subjectNames(addresses);
  const stored = readStored(deps.store);
  // A stored CA whose key is gone (deleted, or sealed by another vault key) is refused here: a new CA
  // would lock out every box that trusts the old one. Only an explicit renewal replaces it.
  let ca = stored && !options.replaceCa ? storedCa(deps, stored) : null;
  const lib = await x509();
  let action: AuditAction = 'csms.tls.reissue';
  if (!ca) {
    ca = await makeCa(lib);
    action = stored ? 'csms.tls.renew' : 'csms.tls.create';
  }
  const now = Date.now();
  const current = {
    ecdsa: stored && stored.ca === ca.cert ? keyOf(deps.vault, LABELS.ecdsa) : null,
    rsa: stored && stored.ca === ca.cert ? keyOf(deps.vault, LABELS.rsa) : null,
  };
  const fits = (cert: string | undefined, key: string | null) =>
    cert !== undefined &&
    key !== null &&
    matches(cert, key) &&
    !expiresSoon(cert, now) &&
    names.every((n) => namesIn(cert).includes(n));
  if (stored && stored.ca === ca.cert && fits(stored.ecdsa, current.ecdsa) && fits(stored.rsa, current.rsa)) {
    return {
      key: [current.ecdsa as string, current.rsa as string],
      cert: [stored.ecdsa, stored.rsa],
      info: info(stored),
    };
  }
  const server = {
    ecdsa: await makeServer(lib, ca, 'ecdsa', names),
    rsa: await makeServer(lib, ca, 'rsa', names),
  };
  const next: StoredTls = { ca: ca.cert, ecdsa: server.ecdsa.cert, rsa: server.rsa.cert };
  save(
    deps,
    next,
    {
      ...(action !== 'csms.tls.reissue' ? { ca: ca.key } : {}),
      ecdsa: server.ecdsa.key,
      rsa: server.rsa.key,
    },
    action,
  );
  return { key: [server.ecdsa.key, server.rsa.key], cert: [next.ecdsa, next.rsa], info: info(next) };
}
