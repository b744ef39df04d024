// Masks secrets before anything is logged, traced, audited or exported: passwords in URLs, auth headers,
// and the OCPP keys that carry credentials (AuthorizationKey, BasicAuthPassword). One place for every writer.

export const MASK = '***';

/** Anything redact() or redactValue() could mask shows one of these; text without them is returned as is.
 *  (authoriz|authkey, password|passwd) share their start, so a card list's many a's and p's cost one try each. */
const mayHoldSecret = /auth(?:oriz|key)|passw(?:ord|d)|secret|api[_-]?key|token|:\/\/[^"\s/]*@|PRIVATE KEY/i;

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
  // Every pattern needs a ':' or '=' (or a PEM header): most values (idTags, numbers) have none.
  if (!/[:=]|BEGIN/.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

const secretKeyNames = new Set(['authorizationkey', 'basicauthpassword', 'ocpp_authkey', 'password']);

function isSecretName(value: unknown): boolean {
  return typeof value === 'string' && secretKeyNames.has(value.toLowerCase());
}

function maskString(value: string): string {
  return redact(value);
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return maskString(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // 1.6 ChangeConfiguration / GetConfiguration: { key: 'AuthorizationKey', value: '...' }
  const secretKeyValue = isSecretName(record.key);
  // 2.0.1 SetVariables / GetVariables / NotifyReport: { variable: { name: 'BasicAuthPassword' }, attributeValue | variableAttribute }
  const variable = record.variable as { name?: unknown } | undefined;
  const secretVariable = isSecretName(variable?.name);
  for (const [name, field] of Object.entries(record)) {
    if (isSecretName(name) && typeof field === 'string') out[name] = MASK;
    else if (secretKeyValue && name === 'value' && typeof field === 'string') out[name] = MASK;
    else if (secretVariable && name === 'attributeValue' && typeof field === 'string') out[name] = MASK;
    else if (secretVariable && name === 'variableAttribute' && Array.isArray(field)) {
      out[name] = field.map((attribute) =>
        attribute && typeof attribute === 'object' && 'value' in attribute
          ? { ...attribute, value: MASK }
          : attribute,
      );
    } else out[name] = walk(field);
  }
  return out;
}

/** A copy of any JSON value (an OCPP frame, an audit record) with every credential masked. */
export function redactValue<T>(value: T): T {
  return walk(value) as T;
}

/** OCPP field names that only look like a credential to the scan above (card lists, 2.0.1 tokens): nothing
 *  under them is masked by name, so a frame is scanned without them. Quoted, so values are still scanned. */
const harmlessNames = new Set([
  '"localAuthorizationList"',
  '"idToken"',
  '"idTokenInfo"',
  '"groupIdToken"',
  '"idTagInfo"',
]);

/** Where a hit of mayHoldSecret sits inside a harmless name: for each hit (lower case), the names that
 *  hold it and at which offset. idTagInfo holds none, so it is never looked at. */
const namesHolding = new Map<string, Array<{ name: string; offset: number }>>();
for (const name of harmlessNames) {
  const scan = new RegExp(mayHoldSecret.source, 'gi');
  for (let hit = scan.exec(name); hit; hit = scan.exec(name)) {
    const key = hit[0].toLowerCase();
    namesHolding.set(key, [...(namesHolding.get(key) ?? []), { name, offset: hit.index }]);
  }
}
const secretHits = new RegExp(mayHoldSecret.source, 'gi');

/**
 * One pass over the frame: each hit of mayHoldSecret is skipped when it lies inside a harmless name spelled
 * exactly as listed (names taken left to right, never overlapping), as when the names were cut out before
 * a second scan; any other hit means the frame may hold a secret. A 250-card list is read once instead of
 * twice, and not copied without its names first.
 */
function mayHoldSecretOutsideNames(raw: string): boolean {
  let namesEnd = 0;
  secretHits.lastIndex = 0;
  for (let hit = secretHits.exec(raw); hit; hit = secretHits.exec(raw)) {
    const at = hit.index;
    const inside = namesHolding
      .get(hit[0].toLowerCase())
      ?.find(({ name, offset }) => at - offset >= namesEnd && raw.startsWith(name, at - offset));
    if (!inside) return true;
    namesEnd = at - inside.offset + inside.name.length;
    secretHits.lastIndex = namesEnd;
  }
  return false;
}

/** What each alternative of mayHoldSecret starts with (in any case): a hit can only begin where one of these
 *  does. Each is looked for on its own, a plain word the scan skips along to instead of trying every start. */
const anchors = ['auth', 'passw', 'secret', 'api', 'token', '://', 'private key'];
const anchorScans = anchors.map((anchor) => new RegExp(anchor, 'gi'));
/** For each anchor, the harmless names that hold it and at which offset. */
const namesHoldingAnchor = anchors.map((anchor) =>
  [...harmlessNames].flatMap((name) => {
    const found: Array<{ name: string; offset: number }> = [];
    const lower = name.toLowerCase();
    for (let at = lower.indexOf(anchor); at >= 0; at = lower.indexOf(anchor, at + 1))
      found.push({ name, offset: at });
    return found;
  }),
);

/**
 * The same answer as mayHoldSecretOutsideNames, quicker for a card list: when every place a hit could begin
 * lies inside a harmless name (left to right, never overlapping), no hit lies outside one; any other place
 * is left to the full scan.
 */
function mayHoldSecretOutsideNamesQuick(raw: string): boolean {
  const spots: number[] = [];
  anchorScans.forEach((scan, index) => {
    scan.lastIndex = 0;
    for (let found = scan.exec(raw); found; found = scan.exec(raw)) spots.push(found.index * 8 + index);
  });
  if (spots.length === 0) return false;
  spots.sort((a, b) => a - b);
  let namesEnd = 0;
  for (const spot of spots) {
    const at = Math.floor(spot / 8);
    const inside = namesHoldingAnchor[spot % 8]?.find(
      ({ name, offset }) => at - offset >= namesEnd && raw.startsWith(name, at - offset),
    );
    if (!inside) return mayHoldSecretOutsideNames(raw);
    namesEnd = at - inside.offset + inside.name.length;
  }
  return false;
}

/** Both scans, for the test that holds them to the same answer. */
export const secretScans = { full: mayHoldSecretOutsideNames, quick: mayHoldSecretOutsideNamesQuick };

/**
 * Text that can hold no credential, alone or with the JSON around it: printable ASCII without a quote,
 * backslash, '/', '@' or '=' (so no escape, no URL, no `name=value`), and none of the words mayHoldSecret
 * looks for (which every pattern above needs). Hex digits alone (a card's UID) spell none of those words.
 */
export function isPlainText(text: string): boolean {
  return hexDigits.test(text) || (!unsafeCharacter.test(text) && !mayHoldSecret.test(text));
}
const hexDigits = /^[0-9A-Fa-f]*$/;
/** Control characters and non-ASCII, '"', '/', '=', '@', '\\'. */
const unsafeCharacter = /[^\x20-\x7e]|["/=@\\]/;

/** isPlainText with a memory of the last text, for one field of a list: its statuses, groups and token
 *  types repeat from one card to the next (the same text is then compared, not read again). */
export function plainTextCheck(): (text: string) => boolean {
  let last: string | undefined;
  let lastPlain = false;
  return (text) => {
    if (text !== last) {
      last = text;
      lastPlain = isPlainText(text);
    }
    return lastPlain;
  };
}

/**
 * Payloads the tool builds itself (a card list's SendLocalList) whose every text passed isPlainText and
 * whose field names are among those the scan steps over or hold no word it looks for. The text of such a
 * call is what every scan returns unchanged: no pattern can match outside the texts (it needs a word, a '/',
 * '=' or '@' the structure does not have, and quotes end every word), none inside one. So it is kept as it
 * is, without reading 15 KB per part. Only the builders add to it; a payload is not changed after.
 */
export const plainPayloads = new WeakSet<object>();

/** The same for a raw frame as it came off the socket; text that is not JSON is masked as text. `sent` is
 *  the [2,id,action,payload] array the text was made from (trace.ts parsedSent), when the tool sent it. */
export function redactRawFrame(raw: string, sent?: unknown): string {
  if (Array.isArray(sent) && plainCall(sent)) return raw;
  // Most frames (status, meter values, card lists) carry nothing to mask: one scan decides. A frame with a
  // JSON escape (\u0070assword) hides names from that scan, so it is always parsed and masked by name.
  if (!raw.includes('\\u') && !mayHoldSecretOutsideNamesQuick(raw)) return raw;
  try {
    return JSON.stringify(redactValue(JSON.parse(raw) as unknown));
  } catch {
    return maskString(raw);
  }
}

/** A call the tool made of a plain payload, with a plain message id and action. */
function plainCall(sent: unknown[]): boolean {
  const [type, messageId, action, payload] = sent;
  return (
    sent.length === 4 &&
    type === 2 &&
    typeof payload === 'object' &&
    payload !== null &&
    plainPayloads.has(payload) &&
    typeof messageId === 'string' &&
    isPlainText(messageId) &&
    typeof action === 'string' &&
    isPlainText(action)
  );
}
