// The certificates a CSMS installs on the box (InstallCertificate): a few are kept, anything that is not
// a PEM certificate is refused. A 1.6 box needs a CSMS root before it may go to security profile 2.

const pemPattern = /^\s*-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$/;

export function looksLikePem(text: string): boolean {
  return pemPattern.test(text);
}

export class CertificateStore {
  readonly #max: number;
  readonly #items: Array<{ type: string; pem: string }> = [];

  constructor(max: number) {
    this.#max = max;
  }

  get count(): number {
    return this.#items.length;
  }

  install(type: string, pem: string): 'Accepted' | 'Rejected' | 'Failed' {
    if (!looksLikePem(pem)) return 'Rejected';
    if (this.#items.some((c) => c.type === type && c.pem.trim() === pem.trim())) return 'Accepted';
    if (this.#items.length >= this.#max) return 'Failed';
    this.#items.push({ type, pem });
    return 'Accepted';
  }

  has(type: string): boolean {
    return this.#items.some((c) => c.type === type);
  }

  /** The certificates of a type, as installed (what the box trusts when it dials wss://). */
  pems(type: string): string[] {
    return this.#items.filter((c) => c.type === type).map((c) => c.pem);
  }
}
