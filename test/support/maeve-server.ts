// MaEVe's manager API (/api/v0) on loopback, as its sources define it (manager/api/api-spec.yaml and the Go
// handlers): stations by security profile and password hash, OCPI-shaped tokens, {status, error} failures.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MaeveStation {
  securityProfile: number;
  base64SHA256Password?: string;
  invalidUsernameAllowed: boolean;
}

export interface MaeveLogLine {
  method: string;
  path: string;
  /** The body as the server received it, as a real access log with bodies would keep it. */
  body: string;
}

export interface MaeveTestServer {
  baseUrl: string;
  stations: Map<string, MaeveStation>;
  tokens: Map<string, Record<string, unknown>>;
  log: MaeveLogLine[];
  /** The next request answers with this HTTP status and MaEVe's error shape. */
  failNext(status: number, error?: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

// The eMAID pattern MaEVe's ocpp.NormalizeEmaid searches for (unanchored, as in its Go source). MaEVe then
// stores the id upper-cased with a check digit appended; this server keeps it as sent (the tool never reads it).
const EMAID = /([A-Za-z]{2})(-?)([A-Za-z0-9]{3})(-?)([A-Za-z0-9]{9})(-?)([A-Za-z0-9])?/;
const TYPES = new Set(['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID']);
const CACHE = new Set(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER']);

function status(res: ServerResponse, code: number, error?: string) {
  const text = { 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' }[code] ?? 'Error';
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: text, ...(error ? { error } : {}) }));
}

function json(res: ServerResponse, code: number, value: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function tokenProblem(t: Record<string, unknown>): string | null {
  if (typeof t.countryCode !== 'string' || t.countryCode.length !== 2) return 'countryCode: length must be 2';
  if (typeof t.partyId !== 'string' || t.partyId.length !== 3) return 'partyId: length must be 3';
  if (!TYPES.has(String(t.type))) return 'type: value is not one of the allowed values';
  if (typeof t.uid !== 'string' || t.uid.length > 36) return 'uid: maximum string length is 36';
  if (typeof t.contractId !== 'string' || !EMAID.test(t.contractId)) return 'contractId: invalid eMAID';
  if (typeof t.issuer !== 'string') return 'issuer: property "issuer" is missing';
  if (typeof t.valid !== 'boolean') return 'valid: property "valid" is missing';
  if (!CACHE.has(String(t.cacheMode))) return 'cacheMode: value is not one of the allowed values';
  if (t.groupId !== undefined && (typeof t.groupId !== 'string' || t.groupId.length > 36)) return 'groupId';
  return null;
}

export async function startMaeveServer(): Promise<MaeveTestServer> {
  let forced: { status: number; error?: string; headers?: Record<string, string> } | null = null;
  const state: MaeveTestServer = {
    baseUrl: '',
    stations: new Map(),
    tokens: new Map(),
    log: [],
    failNext(code, error, headers) {
      forced = { status: code, ...(error ? { error } : {}), ...(headers ? { headers } : {}) };
    },
    close: () => Promise.resolve(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    state.log.push({ method, path: `${url.pathname}${url.search}`, body: raw });
    if (forced) {
      const { status: code, error, headers } = forced;
      forced = null;
      if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      status(res, code, error);
      return;
    }
    if (!url.pathname.startsWith('/api/v0/')) return status(res, 404);
    const path = url.pathname.slice('/api/v0'.length);
    let body: Record<string, unknown> = {};
    if (method === 'POST') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch (error) {
        status(res, 400, String(error));
        return;
      }
    }

    const cs = /^\/cs\/([^/]+)(\/auth)?$/.exec(path);
    if (cs) {
      const id = decodeURIComponent(cs[1] ?? '');
      if (id.length > 64) return status(res, 400, 'csId: maximum string length is 64');
      if (method === 'POST' && !cs[2]) {
        const profile = body.securityProfile;
        if (typeof profile !== 'number' || !Number.isInteger(profile)) {
          return status(res, 400, 'securityProfile: property "securityProfile" is missing');
        }
        if (profile < 0 || profile > 127) {
          return status(res, 400, `security profile value ${profile} is out of valid range`);
        }
        const hash = body.base64SHA256Password;
        if (hash !== undefined && (typeof hash !== 'string' || hash.length > 64)) {
          return status(res, 400, 'base64SHA256Password: maximum string length is 64');
        }
        state.stations.set(id, {
          securityProfile: profile,
          ...(typeof hash === 'string' ? { base64SHA256Password: hash } : {}),
          invalidUsernameAllowed: body.invalidUsernameAllowed === true,
        });
        res.writeHead(201).end();
        return;
      }
      if (method === 'GET' && cs[2]) {
        const station = state.stations.get(id);
        if (!station) return status(res, 404);
        return json(res, 200, station);
      }
      return status(res, 404);
    }

    if (path === '/token' && method === 'POST') {
      const problem = tokenProblem(body);
      if (problem) return status(res, 400, problem);
      const { lastUpdated: _ignored, ...rest } = body;
      state.tokens.set(String(body.uid), {
        ...rest,
        lastUpdated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      res.writeHead(201).end();
      return;
    }
    if (path === '/token' && method === 'GET') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20));
      return json(res, 200, [...state.tokens.values()].slice(offset, offset + limit));
    }
    const token = /^\/token\/([^/]+)$/.exec(path);
    if (token && method === 'GET') {
      const found = state.tokens.get(decodeURIComponent(token[1] ?? ''));
      return found ? json(res, 200, found) : status(res, 404);
    }
    status(res, 404);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) status(res, 500, String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}/api/v0`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
