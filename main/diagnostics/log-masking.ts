// Credentials in a log a box uploaded (or the tool's own log), in every shape firmware writes them: name=value
// and name: value, quoted JSON (spaces, escaped quotes, a frame logged inside a string), XML elements, URLs
// with user:password@, Authorization headers, and the OCPP frames that carry a key (1.6 ChangeConfiguration
// {key, value}, 2.0.1 SetVariables {variable: {name}, attributeValue}). The name stays, so support sees what
// was there; the value becomes ***.
import { MASK } from '../log/redact.ts';
import { type JsonNode, jsonObjectsIn, type Span } from './embedded-json.ts';

/** The words a credential's name ends with (`wifi_psk`, `client_secret`, `mqtt_pass`, `BasicAuthPassword`). */
const credentialWord =
  'pass|passwd|password|passwort|passphrase|pwd|psk|secret|token|api[_-]?key|auth[_-]?key|authorizationkey|session[_-]?id|credentials?';
/** A whole name (a JSON member, an XML element, an OCPP key) that says credential; `HeartbeatInterval`,
 *  `tokenType` and `SessionTimeout` do not end with such a word and stay readable. */
const credentialName = new RegExp(`^[A-Za-z0-9_.@:-]*?(?:${credentialWord})\\d*(?:\\[[^\\]]*\\])?$`, 'i');
const isCredentialName = (name: string) => credentialName.test(name);

/** In running text: a value after a name that says credential, as firmware writes it (`wifi_psk=…`,
 *  `client_secret: …`, `access_token=…&`, `"mqtt_pass":"…"`, `Passwort: …`). */
const credentialValue = new RegExp(
  `\\b([A-Za-z0-9_.-]*?(?:${credentialWord})\\d*)("?\\s*[:=]\\s*"?)(?!\\*\\*\\*)([^\\s"'&;,]+)`,
  'gi',
);
/** A Cookie or Set-Cookie header: the whole value is the session. */
const cookieHeader = /^(\s*(?:set-)?cookie\s*:\s*)(?!\*\*\*).+$/gim;
/** An Authorization header on its own line: everything after the scheme (Basic, Bearer, Digest …). */
const authorizationLine =
  /^(\s*(?:proxy-)?authorization\s*:\s*)(?:([A-Za-z][\w-]*)([ \t]+))?(?!\*\*\*)(\S.*)$/gim;
/** An Authorization header inside other text: the credential after its scheme (Digest: to the line's end). */
const authorizationInline =
  /(\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?)(?:(digest)(\s+)(?!\*\*\*)([^\r\n]+)|(basic|bearer|token|apikey|negotiate|ntlm)(\s+)(?!\*\*\*)([^\s"',}\\]+))/gi;
/** scheme://user:password@host: the password, up to the last @ before the host (a raw @ in it included). */
const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)(?!\*\*\*@)([^\s/"'<>?#]+)@/gi;
/** `password="two words"`, `psk='x'`, `pass: 'a b'`, `{'token': 'a b'}` (XML attributes, ini and YAML files,
 *  Python's dicts): the quoted value whole. */
const quotedAttribute = new RegExp(
  `\\b([A-Za-z0-9_.-]*?(?:${credentialWord})\\d*)(["']?\\s*[=:]\\s*)(["'])(?!\\*\\*\\*\\3)([^"'\\r\\n]*)\\3`,
  'gi',
);
/** <Password>…</Password>, <ns:AuthorizationKey>…</ns:AuthorizationKey>, CDATA too. */
const xmlElement = /<((?:[\w.-]+:)?([\w.-]+))(\s[^<>]*)?>((?:[^<]|<!\[CDATA\[[\s\S]*?\]\]>)*)<\/\1\s*>/g;
/** OCPP 1.5 (SOAP) ChangeConfiguration: <key>AuthorizationKey</key><value>…</value>. */
const xmlKeyValue = /(<((?:[\w.-]+:)?key)>\s*([^<]*?)\s*<\/\2>\s*<((?:[\w.-]+:)?value)>)([^<]*)(<\/\4>)/gi;

/** Where a string's content must become MASK; for an Authorization value, after its scheme word. */
function maskSpan(node: JsonNode, spans: Span[], keepScheme = false): void {
  if (node.kind !== 'string' || node.raw === MASK) return;
  const scheme = keepScheme ? /^[A-Za-z][\w-]*\s+/.exec(node.raw)?.[0].length : undefined;
  const start = node.span.start + (scheme ?? 0);
  if (start < node.span.end) spans.push({ start, end: node.span.end });
}

const member = (node: JsonNode, name: string): JsonNode | undefined =>
  node.kind === 'object' ? node.members.find((m) => m.name === name)?.value : undefined;
const stringOf = (node: JsonNode | undefined): string | undefined =>
  node?.kind === 'string' ? node.raw.replaceAll('\\', '') : undefined;

/** The credentials of one JSON value: members named as credentials, OCPP key/value pairs and variables;
 *  a string that holds JSON of its own (a frame logged as a field) is read for its credentials too. */
function collect(text: string, node: JsonNode, spans: Span[]): void {
  if (node.kind === 'array') for (const item of node.items) collect(text, item, spans);
  if (node.kind === 'string')
    for (const inner of jsonObjectsIn(text, node.span.start, node.span.end)) collect(text, inner, spans);
  if (node.kind !== 'object') return;
  const key = stringOf(member(node, 'key'));
  const variable = stringOf(member(member(node, 'variable') ?? { kind: 'other' }, 'name'));
  for (const { name, value } of node.members) {
    if (value.kind === 'string' && isCredentialName(name)) maskSpan(value, spans);
    else if (value.kind === 'string' && /^(?:proxy-)?authorization$/i.test(name))
      maskSpan(value, spans, true);
    // 1.6 ChangeConfiguration / GetConfiguration: {"key":"AuthorizationKey","value":"…"}
    else if (name === 'value' && key !== undefined && isCredentialName(key)) maskSpan(value, spans);
    // 2.0.1 SetVariables / GetVariables: {"variable":{"name":"BasicAuthPassword"},"attributeValue":"…"}
    else if (name === 'attributeValue' && variable !== undefined && isCredentialName(variable))
      maskSpan(value, spans);
    // 2.0.1 NotifyReport: {"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"value":"…"}]}
    else if (name === 'variableAttribute' && variable !== undefined && isCredentialName(variable)) {
      if (value.kind === 'array')
        for (const item of value.items) maskSpan(member(item, 'value') ?? { kind: 'other' }, spans);
    } else collect(text, value, spans);
  }
}

/** A word any credential a JSON value could hold is named by (`"key":"AuthorizationKey"` included). */
const credentialHint = /pass|pwd|psk|secret|token|key|auth|session|credential/i;

/**
 * The stretches of text worth reading as JSON: lines, or several when an object runs over them (counted by
 * braces, so a stray one only makes a stretch longer), that hold a `{` and a word a credential is named by.
 * A log of meter values and heartbeats is passed over, not parsed.
 */
function* jsonStretches(text: string): Generator<[number, number]> {
  let start = 0;
  let depth = 0;
  let brace = false;
  for (let at = 0; at <= text.length; at++) {
    const code = at < text.length ? text.charCodeAt(at) : 10;
    if (code === 123) {
      depth++;
      brace = true;
    } else if (code === 125 && depth > 0) depth--;
    else if (code === 10 && (depth === 0 || at === text.length)) {
      if (brace && credentialHint.test(text.slice(start, at))) yield [start, at];
      start = at + 1;
      brace = false;
    }
  }
}

/** Every span replaced by MASK once (spans found twice, or inside another, are one). */
function applySpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + MASK;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * The shapes that need reading, not a pattern: done before redact() and the name=value pass, which would
 * otherwise cut a quoted value at its first space or escaped quote and leave the rest standing.
 */
export function maskCredentialShapes(text: string): string {
  const spans: Span[] = [];
  for (const [start, end] of jsonStretches(text))
    for (const node of jsonObjectsIn(text, start, end)) collect(text, node, spans);
  return applySpans(text, spans)
    .replace(xmlKeyValue, (whole, head: string, _tag, key: string, _value, _content, tail: string) =>
      isCredentialName(key) ? `${head}${MASK}${tail}` : whole,
    )
    .replace(
      xmlElement,
      (whole, tag: string, name: string, attributes: string | undefined, content: string) =>
        isCredentialName(name) && content.trim() !== MASK
          ? `<${tag}${attributes ?? ''}>${MASK}</${tag}>`
          : whole,
    )
    .replace(urlPassword, (_whole, head: string) => `${head}${MASK}@`)
    .replace(
      authorizationLine,
      (_whole, head: string, scheme: string | undefined, gap: string | undefined) =>
        scheme ? `${head}${scheme}${gap}${MASK}` : `${head}${MASK}`,
    )
    .replace(
      authorizationInline,
      (
        _whole,
        head: string,
        digest?: string,
        digestGap?: string,
        _d?: string,
        scheme?: string,
        gap?: string,
      ) => (digest ? `${head}${digest}${digestGap}${MASK}` : `${head}${scheme}${gap}${MASK}`),
    )
    .replace(
      quotedAttribute,
      (_whole, name: string, between: string, quote: string) => `${name}${between}${quote}${MASK}${quote}`,
    );
}

/** The name=value and header forms of running text, after redact(): the value to its first separator. */
export function maskCredentialWords(text: string): string {
  return text
    .replace(cookieHeader, (_line, head: string) => `${head}${MASK}`)
    .replace(credentialValue, (_whole, name: string, between: string) => `${name}${between}${MASK}`);
}
