// A SteVe stand-in over real HTTP on loopback: /api/v1/ocppTags with HTTP basic auth, its status codes
// and error body ({timestamp, status, error, message, path}), plus faults on demand for the sync tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface SteveTag {
  ocppTagPk: number;
  idTag: string;
  parentIdTag: string | null;
  expiryDate: string | null;
  maxActiveTransactionCount: number;
  note: string | null;
}

/** The tags by primary key, with an index by idTag kept on every set and delete (a test may set some). */
class SteveTags extends Map<number, SteveTag> {
  readonly #byIdTag = new Map<string, number>();
  override set(pk: number, tag: SteveTag): this {
    const before = this.get(pk);
    if (before) this.#byIdTag.delete(before.idTag);
    this.#byIdTag.set(tag.idTag, pk);
    return super.set(pk, tag);
  }
  override delete(pk: number): boolean {
    const before = this.get(pk);
    if (before) this.#byIdTag.delete(before.idTag);
    return super.delete(pk);
  }
  byIdTag(idTag: string): SteveTag | undefined {
    const pk = this.#byIdTag.get(idTag);
    return pk === undefined ? undefined : this.get(pk);
  }
}

/** One fault answered instead of the real thing, to requests matching `on`. */
export type SteveFault =
  | { kind: 'status'; status: 500 | 503 }
  | { kind: 'rate-limit'; retryAfterS: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'slow'; ms: number };

export interface SteveServer {
  readonly url: string;
  readonly tags: Map<number, SteveTag>;
  /** Every write that took effect: POST (create) and PUT (update), by idTag. */
  readonly writes: Array<{ method: 'POST' | 'PUT'; idTag: string }>;
  readonly requests: Array<{ method: string; path: string; authorization: string | null }>;
  setPassword(password: string): void;
  /** Every answer comes this much later (a slow CSMS, or one a test kills a client against). */
  setDelay(ms: number): void;
  /** The next `count` requests (of `on`: writes only, or any) get the fault. */
  fault(fault: SteveFault, count?: number, on?: 'write' | 'any'): void;
  /** The CSMS goes down (port closed, connections cut) and, with up(), comes back on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Someone set card 04C0FFEE up at SteVe before the tool, in group OTHER (its blocked parent tag, pk 900)
 * with the note "Boss car" (pk 901): the conflict the sync tests and the Sync page's browser test decide.
 */
export function holdCardElsewhere(steve: SteveServer): void {
  steve.tags.set(900, {
    ocppTagPk: 900,
    idTag: 'OTHER',
    parentIdTag: null,
    expiryDate: null,
    maxActiveTransactionCount: 0,
    note: null,
  });
  steve.tags.set(901, {
    ocppTagPk: 901,
    idTag: '04C0FFEE',
    parentIdTag: 'OTHER',
    expiryDate: null,
    maxActiveTransactionCount: -1,
    note: 'Boss car',
  });
}

export async function startSteveServer(
  t: { after(fn: () => Promise<void> | void): void },
  options: { user?: string; password?: string; tls?: { cert: string; key: string } } = {},
): Promise<SteveServer> {
  const user = options.user ?? 'api';
  let password = options.password ?? 'steve-api-secret';
  const tags = new SteveTags();
  const writes: SteveServer['writes'] = [];
  const requests: SteveServer['requests'] = [];
  const faults: Array<{ fault: SteveFault; on: 'write' | 'any' }> = [];
  let nextPk = 1;
  let delayMs = 0;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (
    res: ServerResponse,
    path: string,
    status: number,
    reason: string,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    send(res, status, { timestamp: new Date().toISOString(), status, error: reason, message, path }, headers);

  const byIdTag = (idTag: string) => tags.byIdTag(idTag);

  function readForm(body: unknown): { form: Omit<SteveTag, 'ocppTagPk'> } | { problem: string } {
    const b = body as Partial<SteveTag> | null;
    if (!b || typeof b.idTag !== 'string' || b.idTag.trim() === '' || b.idTag.length > 255)
      return { problem: 'idTag: must not be empty' };
    if (b.expiryDate != null && (typeof b.expiryDate !== 'string' || Number.isNaN(Date.parse(b.expiryDate))))
      return { problem: 'expiryDate: cannot be parsed' };
    if (b.parentIdTag != null && !byIdTag(b.parentIdTag))
      return { problem: `parentIdTag '${b.parentIdTag}' does not exist` };
    return {
      form: {
        idTag: b.idTag,
        parentIdTag: b.parentIdTag ?? null,
        expiryDate: b.expiryDate ?? null,
        maxActiveTransactionCount:
          typeof b.maxActiveTransactionCount === 'number' ? b.maxActiveTransactionCount : -1,
        note: b.note ?? null,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push({ method, path: `${path}${url.search}`, authorization: req.headers.authorization ?? null });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const isWrite = method !== 'GET';
    const at = faults.findIndex((f) => f.on === 'any' || isWrite);
    if (at >= 0) {
      const fault = (faults.splice(at, 1)[0] as { fault: SteveFault }).fault;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ocppTagPk": 1, "idTag": ');
        return;
      }
      if (fault.kind === 'rate-limit') {
        error(res, path, 429, 'Too Many Requests', 'slow down', { 'retry-after': String(fault.retryAfterS) });
        return;
      }
      if (fault.kind === 'status') {
        error(
          res,
          path,
          fault.status,
          fault.status === 503 ? 'Service Unavailable' : 'Internal Server Error',
          'fault',
        );
        return;
      }
      await new Promise((r) => setTimeout(r, fault.ms));
    }
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.setHeader('www-authenticate', 'Basic realm="SteVe"');
      error(res, path, 401, 'Unauthorized', 'Full authentication is required to access this resource');
      return;
    }
    // SteVe runs under its context path /steve.
    const prefix = '/steve/api/v1/ocppTags';
    if (!path.startsWith(prefix)) return error(res, path, 404, 'Not Found', 'No endpoint');
    const pkPart = path.slice(prefix.length).replace(/^\//, '');
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return error(res, path, 400, 'Bad Request', 'JSON parse error');
      }
    }
    if (pkPart === '') {
      if (method === 'GET') {
        const idTag = url.searchParams.get('idTag');
        return send(
          res,
          200,
          idTag === null ? [...tags.values()] : [byIdTag(idTag)].filter((tag) => tag !== undefined),
        );
      }
      if (method === 'POST') {
        const read = readForm(body);
        if ('problem' in read) return error(res, path, 400, 'Bad Request', read.problem);
        if (byIdTag(read.form.idTag))
          return error(
            res,
            path,
            422,
            'Unprocessable Entity',
            `A user with idTag '${read.form.idTag}' already exists.`,
          );
        const tag = { ocppTagPk: nextPk++, ...read.form };
        tags.set(tag.ocppTagPk, tag);
        writes.push({ method: 'POST', idTag: tag.idTag });
        return send(res, 201, tag);
      }
      return error(res, path, 405, 'Method Not Allowed', `Request method '${method}' is not supported`);
    }
    const pk = Number(pkPart);
    const tag = Number.isInteger(pk) ? tags.get(pk) : undefined;
    if (!tag) return error(res, path, 404, 'Not Found', `Could not find ocppTag with id ${pkPart}`);
    if (method === 'GET') return send(res, 200, tag);
    if (method === 'PUT') {
      const read = readForm(body);
      if ('problem' in read) return error(res, path, 400, 'Bad Request', read.problem);
      const updated = { ...read.form, ocppTagPk: pk, idTag: tag.idTag };
      tags.set(pk, updated);
      writes.push({ method: 'PUT', idTag: tag.idTag });
      return send(res, 200, updated);
    }
    if (method === 'DELETE') {
      tags.delete(pk);
      return send(res, 200, tag);
    }
    return error(res, path, 405, 'Method Not Allowed', `Request method '${method}' is not supported`);
  }

  const makeServer = () => {
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        handle(req, res, raw).catch((e) =>
          error(res, req.url ?? '', 500, 'Internal Server Error', String(e)),
        );
      });
    };
    const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };

  let server: Server = makeServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let running = true;

  const down = async () => {
    if (!running) return;
    running = false;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(down);

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/steve`,
    tags,
    writes,
    requests,
    setPassword: (next) => {
      password = next;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    fault: (fault, count = 1, on = 'write') => {
      for (let i = 0; i < count; i++) faults.push({ fault, on });
    },
    down,
    up: async () => {
      if (running) return;
      server = makeServer();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      running = true;
    },
    close: down,
  };
}
