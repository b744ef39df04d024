// Every WebSocket upgrade a box (or anyone on the LAN) sends is checked here before ocpp-rpc sees it:
// ocpp-rpc decodes the path without a guard, so one bad percent-escape would end the whole process.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Why a handshake was refused: a code the CLI, the log and a waiting run can tell apart. */
export type RefusalReason =
  | 'bad-request'
  | 'bad-path'
  | 'bad-identity'
  | 'bad-header'
  | 'bad-authorization'
  | 'no-identity'
  | 'no-password'
  | 'wrong-password'
  | 'throttled'
  | 'no-subprotocol'
  | 'lobby-full'
  | 'tls-failed'
  | 'fault';

/** The same in words, for the trace (technical, like the frames it sits between) and the log. */
export const refusalText: Record<RefusalReason, string> = {
  'bad-request': 'not a WebSocket GET with a path',
  'bad-path': 'the path does not decode (bad percent-escape)',
  'bad-identity': 'identity empty, over 48 characters, with a control character or a colon',
  'bad-header': 'malformed or repeated WebSocket header',
  'bad-authorization': 'malformed Authorization header',
  'no-identity': 'no identity after the path',
  'no-password': 'no password',
  'wrong-password': 'wrong password',
  throttled: 'too many failed logins: refused unchecked',
  'no-subprotocol': 'no supported OCPP subprotocol',
  'lobby-full': 'lobby full',
  'tls-failed': 'TLS handshake failed',
  fault: 'internal fault during the handshake',
};

export interface UpgradeCheck {
  identity: string;
  /** Everything before the identity, as ocpp-rpc will compute it. */
  endpoint: string;
}

export interface UpgradeRefusal {
  status: number;
  reason: RefusalReason;
  /** The identity when it could be read (printable), for the trace and the log. */
  identity: string | null;
}

const MAX_URL = 2048;
const MAX_HEADER = 1024;
/** OCPP 2.0.1 (SecurityCtrlr.Identity): at most 48 characters; 1.6 chargeBoxIdentity fits too. */
export const MAX_IDENTITY = 48;
/** C0 and C1 controls, DEL, Unicode format, line and paragraph separators, lone surrogates, private use. */
const unprintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
/** RFC 6455 / 7230: a subprotocol list is tokens separated by commas. */
const subprotocolList = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+( *, *[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;
const basicAuth = /^ *[Bb][Aa][Ss][Ii][Cc] +[A-Za-z0-9+/]+={0,2} *$/;

/** An identity a box may have: 1..48 printable characters, no ':' (the basic-auth user separator). */
export function identityProblem(identity: string): string | null {
  if (identity.length === 0) return 'empty';
  if (identity.length > MAX_IDENTITY) return 'too long';
  if (unprintable.test(identity)) return 'control character';
  if (identity.includes(':')) return "contains ':'";
  return null;
}

function header(value: string | string[] | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  // A header sent twice is not something a box does: refuse instead of guessing which one counts.
  if (Array.isArray(value)) return null;
  return value;
}

/** Checks an upgrade request the way ocpp-rpc will read it, without throwing on anything. */
export function checkUpgrade(request: {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}): UpgradeCheck | UpgradeRefusal {
  const refuse = (status: number, reason: RefusalReason, identity: string | null = null) => ({
    status,
    reason,
    identity,
  });
  const url = request.url ?? '';
  if (request.method !== 'GET' || !url.startsWith('/') || url.length > MAX_URL)
    return refuse(400, 'bad-request');
  let pathname: string;
  try {
    // The same parse ocpp-rpc does ('http://localhost' + url): it must not throw there either.
    pathname = new URL(`http://localhost${url}`).pathname;
  } catch {
    return refuse(400, 'bad-path');
  }
  const parts = pathname.split('/');
  const last = parts.pop() ?? '';
  let identity: string;
  try {
    identity = decodeURIComponent(last);
    // Every segment must decode too: a proxy or a later reader of the path must not trip either.
    for (const part of parts) decodeURIComponent(part);
  } catch {
    return refuse(400, 'bad-path');
  }
  if (identity === '') return refuse(404, 'no-identity');
  if (identityProblem(identity) !== null) return refuse(400, 'bad-identity');

  const headers = request.headers;
  const upgrade = header(headers.upgrade);
  if (typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket')
    return refuse(400, 'bad-header', identity);
  // RFC 6455: version 13 and a key of 16 random bytes in base64; nothing else is a WebSocket handshake.
  const key = header(headers['sec-websocket-key']);
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key.trim()))
    return refuse(400, 'bad-header', identity);
  if (header(headers['sec-websocket-version'])?.trim() !== '13') return refuse(400, 'bad-header', identity);
  const protocols = header(headers['sec-websocket-protocol']);
  if (protocols === null || (protocols !== undefined && !isSubprotocolList(protocols)))
    return refuse(400, 'bad-header', identity);
  const authorization = header(headers.authorization);
  if (
    authorization === null ||
    (authorization !== undefined && (authorization.length > MAX_HEADER || !basicAuth.test(authorization)))
  )
    return refuse(400, 'bad-authorization', identity);
  return { identity, endpoint: parts.join('/') || '/' };
}

function isSubprotocolList(value: string): boolean {
  return value.length <= MAX_HEADER && subprotocolList.test(value.trim());
}

export function isRefusal(check: UpgradeCheck | UpgradeRefusal): check is UpgradeRefusal {
  return 'status' in check;
}

/** Answers an upgrade that will not happen with a plain HTTP status and closes the socket. */
export function refuseSocket(
  socket: Duplex,
  status: number,
  extraHeaders: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}`,
    'Connection: close',
    'Content-Length: 0',
    ...Object.entries(extraHeaders).map(([k, v]) => `${k}: ${v}`),
  ];
  try {
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  } catch {
    // the peer is gone already
  }
  // A peer that never reads must not keep the socket: it is closed shortly after the answer.
  setTimeout(() => socket.destroy(), 1000).unref();
}
