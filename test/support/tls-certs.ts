// Certificates for TLS tests, made on the spot with @peculiar/x509 (as main/ocpp/tls.ts does): a company
// CA, and server certificates signed by it that are valid, expired, or for another host.
import { webcrypto } from 'node:crypto';

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

async function lib() {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  return x509;
}

async function pemKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export interface TestCa {
  cert: string;
  /** A server certificate for `name` (an IP or DNS name), valid from..until. */
  issue(name: string, validity?: { from: Date; until: Date }): Promise<{ cert: string; key: string }>;
}

export async function testCa(): Promise<TestCa> {
  const x509 = await lib();
  const caKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Company CA',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ecdsa,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  let serial = 2;
  return {
    cert: ca.toString('pem'),
    async issue(
      name,
      validity = { from: new Date(Date.now() - DAY), until: new Date(Date.now() + 30 * DAY) },
    ) {
      const keys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
      const ip = /^\d+\.\d+\.\d+\.\d+$/.test(name);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        subject: `CN=${name}`,
        issuer: ca.subject,
        notBefore: validity.from,
        notAfter: validity.until,
        signingAlgorithm: ecdsa,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: name }]),
        ],
      });
      return { cert: cert.toString('pem'), key: await pemKey(keys.privateKey) };
    },
  };
}
