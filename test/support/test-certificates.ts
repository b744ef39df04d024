// Certificates for CSMS test servers on loopback: a test CA, and server certificates that are good,
// expired or for another host, made with @peculiar/x509 as main/ocpp/tls.ts makes the local CSMS's.
import { randomBytes, webcrypto } from 'node:crypto';

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

type X509 = typeof import('@peculiar/x509');
let loaded: Promise<X509> | null = null;

function x509(): Promise<X509> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    const module = await import('@peculiar/x509');
    module.cryptoProvider.set(webcrypto as never);
    return module;
  })();
  return loaded;
}

function pem(der: ArrayBuffer, tag: string): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${tag}-----\n${lines.join('\n')}\n-----END ${tag}-----\n`;
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

export interface TestCa {
  cert: string;
  keys: webcrypto.CryptoKeyPair;
}

export async function testCa(): Promise<TestCa> {
  const lib = await x509();
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Test CSMS CA',
    notBefore: new Date(Date.now() - 30 * DAY_MS),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    signingAlgorithm: ecdsa,
    keys,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert: cert.toString('pem'), keys };
}

/** A server certificate for `names` (IP addresses or DNS names), valid in the window given. */
export async function serverCertificate(
  ca: TestCa,
  names: string[],
  window: { notBefore: Date; notAfter: Date } = {
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 90 * DAY_MS),
  },
): Promise<{ cert: string; key: string }> {
  const lib = await x509();
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0] ?? 'localhost'}`,
    issuer: new lib.X509Certificate(ca.cert).subject,
    notBefore: window.notBefore,
    notAfter: window.notAfter,
    signingAlgorithm: ecdsa,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new lib.BasicConstraintsExtension(false, undefined, true),
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
      new lib.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: /^[\d.]+$/.test(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
    ],
  });
  return {
    cert: cert.toString('pem'),
    key: pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}
