// A CPO's OCPI 2.2.1 interface on loopback, as the specification defines it (versions, credentials, the
// Tokens receiver, the Locations sender with Link pagination), with faults a test can ask for.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Headers as received, without `authorization` (the test reads `tokens` for that). */
  headers: Record<string, string | string[] | undefined>;
  /** The decoded credentials token the request carried, or null. */
  token: string | null;
  body: unknown;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  /** Headers and half a body, then the connection is cut. */
  | { kind: 'cut' }
  | { kind: 'raw'; body: string };

export interface OcpiEvseFixture {
  uid: string;
  evse_id?: string;
  status: string;
  connectors: Array<{ id: string }>;
  last_updated: string;
}

export interface OcpiLocationFixture {
  id: string;
  evses: OcpiEvseFixture[];
}

export interface OcpiServerOptions {
  tls?: { key: string; cert: string };
  versions?: string[];
  /** Locations returned per page (X-Limit). Tokens are read base64-encoded only (2.2.1): a raw one is refused. */
  pageSize?: number;
  locations?: OcpiLocationFixture[];
  /** Every answer waits this long first (a CPO far away; for benchmarks against the latency floor). */
  latencyMs?: number;
}

export interface OcpiTestServer {
  versionsUrl: string;
  origin: string;
  tokenA: string;
  /** Token C once the handshake was made. */
  tokenC: string | null;
  /** What the tool posted as its credentials (token B, its versions URL, its roles). */
  posted: Record<string, unknown> | null;
  tokens: Map<string, Record<string, unknown>>;
  locations: OcpiLocationFixture[];
  requests: RecordedRequest[];
  /** The next request whose path starts with `pathPrefix` (any when omitted) meets this fault. */
  fault(fault: Fault, pathPrefix?: string): void;
  /** Gives a new token C, as a CPO does when it rotates credentials: the old one is refused from now on. */
  rotate(): string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const WHITELIST = new Set(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER']);
const TYPES = new Set(['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID']);

function envelope(data: unknown, statusCode = 1000, statusMessage = 'Success') {
  return JSON.stringify({
    data,
    status_code: statusCode,
    status_message: statusMessage,
    timestamp: new Date().toISOString(),
  });
}

/** The token in `Authorization: Token <base64>`; null when absent or not base64 of printable text. */
function decodeToken(header: string | undefined): string | null {
  const match = /^Token (.+)$/.exec(header ?? '');
  if (!match?.[1]) return null;
  const encoded = match[1].trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function validToken(body: Record<string, unknown>): string | null {
  for (const field of ['country_code', 'party_id', 'uid', 'type', 'contract_id', 'issuer', 'last_updated']) {
    if (typeof body[field] !== 'string' || body[field] === '') return `${field} missing`;
  }
  if (typeof body.valid !== 'boolean') return 'valid missing';
  if (!WHITELIST.has(String(body.whitelist))) return 'whitelist invalid';
  if (!TYPES.has(String(body.type))) return 'type invalid';
  if (String(body.uid).length > 36) return 'uid too long';
  if (String(body.country_code).length !== 2 || String(body.party_id).length !== 3) return 'party invalid';
  if (Number.isNaN(Date.parse(String(body.last_updated)))) return 'last_updated invalid';
  return null;
}

export async function startOcpiServer(options: OcpiServerOptions = {}): Promise<OcpiTestServer> {
  const versions = options.versions ?? ['2.1.1', '2.2.1'];
  const pageSize = options.pageSize ?? 50;
  const faults: Array<{ fault: Fault; prefix: string }> = [];
  let origin = '';

  const state: OcpiTestServer = {
    versionsUrl: '',
    origin: '',
    tokenA: randomBytes(12).toString('hex'),
    tokenC: null,
    posted: null,
    tokens: new Map(),
    locations: options.locations ?? [],
    requests: [],
    fault(fault, pathPrefix = '/') {
      faults.push({ fault, prefix: pathPrefix });
    },
    rotate() {
      state.tokenC = randomBytes(12).toString('hex');
      return state.tokenC;
    },
    close: () => Promise.resolve(),
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let raw = '';
    try {
      raw = await readBody(req);
    } catch {
      send(res, 413, envelope(null, 2000, 'too large'));
      return;
    }
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        send(res, 400, envelope(null, 2001, 'body is not JSON'));
        return;
      }
    }
    const token = decodeToken(req.headers.authorization);
    const { authorization: _auth, ...headers } = req.headers;
    state.requests.push({ method, path: `${path}${url.search}`, headers, token, body });

    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const index = faults.findIndex((f) => path.startsWith(f.prefix));
    if (index >= 0) {
      const fault = (faults.splice(index, 1)[0] as { fault: Fault }).fault;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"data": null, "status_');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      if (fault.kind === 'raw') {
        send(res, 200, fault.body);
        return;
      }
      if (fault.kind === 'status') {
        send(res, fault.status, fault.body ?? envelope(null, 3000, 'fault'), fault.headers);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (res.destroyed) return;
    }

    // Before the handshake only token A opens versions, details and credentials; after it only token C.
    const registered = state.tokenC !== null;
    const handshakePath =
      path === '/ocpi/versions' || path === '/ocpi/2.2.1' || path === '/ocpi/2.2.1/credentials';
    const allowed = registered ? token === state.tokenC : token === state.tokenA && handshakePath;
    if (!allowed) {
      send(res, 401, envelope(null, 2000, 'Unauthorized'));
      return;
    }

    if (method === 'GET' && path === '/ocpi/versions') {
      send(res, 200, envelope(versions.map((version) => ({ version, url: `${origin}/ocpi/${version}` }))));
      return;
    }
    if (method === 'GET' && path === '/ocpi/2.2.1') {
      send(
        res,
        200,
        envelope({
          version: '2.2.1',
          endpoints: [
            { identifier: 'credentials', role: 'RECEIVER', url: `${origin}/ocpi/2.2.1/credentials` },
            { identifier: 'locations', role: 'SENDER', url: `${origin}/ocpi/cpo/2.2.1/locations` },
            { identifier: 'tokens', role: 'RECEIVER', url: `${origin}/ocpi/cpo/2.2.1/tokens` },
          ],
        }),
      );
      return;
    }
    if (path === '/ocpi/2.2.1/credentials') {
      if (method !== 'POST') {
        send(res, 405, envelope(null, 2000, 'method not allowed'));
        return;
      }
      if (registered) {
        send(res, 405, envelope(null, 2000, 'already registered'));
        return;
      }
      const posted = body as Record<string, unknown> | null;
      const roles = Array.isArray(posted?.roles) ? (posted.roles as Array<Record<string, unknown>>) : [];
      if (
        typeof posted?.token !== 'string' ||
        typeof posted.url !== 'string' ||
        !roles.some((r) => r.role === 'EMSP' && typeof r.party_id === 'string')
      ) {
        send(res, 400, envelope(null, 2001, 'credentials incomplete'));
        return;
      }
      state.posted = posted;
      state.tokenC = randomBytes(12).toString('hex');
      send(
        res,
        200,
        envelope({
          token: state.tokenC,
          url: state.versionsUrl,
          roles: [
            { role: 'CPO', business_details: { name: 'Test CPO' }, party_id: 'CPO', country_code: 'NL' },
          ],
        }),
      );
      return;
    }

    const tokenPath = /^\/ocpi\/cpo\/2\.2\.1\/tokens\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
    if (tokenPath) {
      const [cc, pid, uid] = tokenPath.slice(1).map(decodeURIComponent) as [string, string, string];
      const key = `${cc}/${pid}/${uid}`;
      const type = url.searchParams.get('type') ?? 'RFID';
      const known = state.tokens.get(key);
      if (method === 'GET') {
        if (!known || known.type !== type) send(res, 404, envelope(null, 2004, 'Unknown Token'));
        else send(res, 200, envelope(known));
        return;
      }
      if (method === 'PUT') {
        const token = (body ?? {}) as Record<string, unknown>;
        const problem =
          validToken(token) ??
          (token.uid !== uid || token.country_code !== cc || token.party_id !== pid
            ? 'path and body differ'
            : null);
        if (problem) {
          send(res, 400, envelope(null, 2001, problem));
          return;
        }
        state.tokens.set(key, token);
        send(res, 200, envelope(null));
        return;
      }
      if (method === 'PATCH') {
        if (!known) {
          send(res, 404, envelope(null, 2004, 'Unknown Token'));
          return;
        }
        const patch = (body ?? {}) as Record<string, unknown>;
        if (typeof patch.last_updated !== 'string' || 'uid' in patch) {
          send(res, 400, envelope(null, 2001, 'PATCH needs last_updated and cannot change uid'));
          return;
        }
        state.tokens.set(key, { ...known, ...patch });
        send(res, 200, envelope(null));
        return;
      }
      // OCPI 2.2.1 has no DELETE for tokens.
      send(res, 405, envelope(null, 2000, 'method not allowed'));
      return;
    }

    if (method === 'GET' && path === '/ocpi/cpo/2.2.1/locations') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(pageSize, Number(url.searchParams.get('limit') ?? pageSize));
      const page = state.locations.slice(offset, offset + limit);
      const headers: Record<string, string> = {
        'x-total-count': String(state.locations.length),
        'x-limit': String(limit),
      };
      if (offset + limit < state.locations.length) {
        headers.link = `<${origin}/ocpi/cpo/2.2.1/locations?offset=${offset + limit}&limit=${limit}>; rel="next"`;
      }
      send(res, 200, envelope(page), headers);
      return;
    }
    send(res, 404, envelope(null, 2000, 'no such endpoint'));
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, envelope(null, 3000, 'test server failed'));
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.origin = origin;
  state.versionsUrl = `${origin}/ocpi/versions`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
