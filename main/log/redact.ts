// Masks secrets in any text before it is logged, traced or exported: passwords in URLs, basic-auth
// and token headers, and the OCPP keys that carry credentials. One place, so every writer uses it.

const MASK = '***';

const patterns: Array<[RegExp, string]> = [
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${MASK}@`],
  // Authorization: Basic xxx / Bearer xxx / Token xxx
  [/(\bauthorization\b["']?\s*[:=]\s*["']?(?:basic|bearer|token)\s+)[^\s"',}]+/gi, `$1${MASK}`],
  // "AuthorizationKey": "..." , BasicAuthPassword=..., password: ... , token=...
  [
    /(\b(?:authorizationkey|basicauthpassword|password|passwd|secret|api[_-]?key|token|ocpp_authkey)\b["']?\s*[:=]\s*["']?)[^"'\s,}&]+/gi,
    `$1${MASK}`,
  ],
  // PEM private keys
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    `-----PRIVATE KEY ${MASK}-----`,
  ],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
