// A CitrineOS 1.8 stand-in over real HTTP on loopback: its REST data API (password, boot) with Fastify's
// error body, and a minimal Hasura GraphQL endpoint answering the operations the connector sends, with
// Hasura's error shape {errors:[{message, extensions:{code}}]}.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CitrineStation {
  id: string;
  tenantId: number;
  isOnline: boolean;
  protocol: string | null;
  chargePointVendor: string | null;
  chargePointModel: string | null;
  chargePointSerialNumber: string | null;
  firmwareVersion: string | null;
  updatedAt: string;
}

export interface CitrineAuthorization {
  id: number;
  idToken: string;
  idTokenType: string;
  tenantId: number;
  status: string;
  cacheExpiryDateTime: string | null;
  groupAuthorizationId: number | null;
  customData: Record<string, unknown> | null;
}

export interface CitrineServer {
  readonly url: string;
  readonly stations: Map<string, CitrineStation>;
  readonly authorizations: Map<number, CitrineAuthorization>;
  readonly passwords: Map<string, string>;
  readonly boots: Map<string, { status: string; lastBootTime: string }>;
  readonly operations: string[];
  /** The box dialled in and booted (what CitrineOS records when it does). */
  connect(id: string, status: 'Accepted' | 'Pending' | 'Rejected'): void;
}

const PASSWORD = /^[A-Za-z0-9*\-_=:+|@.]{16,40}$/;

export async function startCitrineServer(
  t: { after(fn: () => Promise<void> | void): void },
  options: { adminSecret: string },
): Promise<CitrineServer> {
  const stations = new Map<string, CitrineStation>();
  const authorizations = new Map<number, CitrineAuthorization>();
  const passwords = new Map<string, string>();
  const boots = new Map<string, { status: string; lastBootTime: string }>();
  const operations: string[] = [];
  let nextId = 1;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fastifyError = (res: ServerResponse, statusCode: number, message: string) =>
    send(res, statusCode, { statusCode, error: statusCode === 404 ? 'Not Found' : 'Bad Request', message });
  const hasuraError = (res: ServerResponse, code: string, message: string) =>
    send(res, 200, { errors: [{ message, extensions: { code, path: '$' } }] });

  function graphql(
    res: ServerResponse,
    req: IncomingMessage,
    body: { query?: string; variables?: Record<string, unknown> },
  ) {
    if (req.headers['x-hasura-admin-secret'] !== options.adminSecret) {
      return hasuraError(res, 'access-denied', 'invalid x-hasura-admin-secret/x-hasura-access-key');
    }
    const op = body.query?.match(/^\s*(query|mutation)\s+(\w+)/)?.[2] ?? '';
    operations.push(op);
    const v: unknown = body.variables ?? {};
    const pick = (a: CitrineAuthorization) => ({
      id: a.id,
      idToken: a.idToken,
      status: a.status,
      cacheExpiryDateTime: a.cacheExpiryDateTime,
      groupAuthorizationId: a.groupAuthorizationId,
      customData: a.customData,
    });
    switch (op) {
      case 'Probe':
        return send(res, 200, {
          data: { ChargingStations: [...stations.values()].slice(0, 1).map((s) => ({ id: s.id })) },
        });
      case 'FindAuthorization': {
        const { idToken, type, tenantId } = v as { idToken: string; type: string; tenantId: number };
        const rows = [...authorizations.values()].filter(
          (a) => a.idToken === idToken && a.idTokenType === type && a.tenantId === tenantId,
        );
        return send(res, 200, { data: { Authorizations: rows.map(pick) } });
      }
      case 'Group': {
        const a = authorizations.get((v as { id: number }).id);
        return send(res, 200, { data: { Authorizations_by_pk: a ? { idToken: a.idToken } : null } });
      }
      case 'InsertAuthorization': {
        const o = (v as { object: Omit<CitrineAuthorization, 'id'> }).object;
        if (
          [...authorizations.values()].some((a) => a.idToken === o.idToken && a.idTokenType === o.idTokenType)
        ) {
          return hasuraError(
            res,
            'constraint-violation',
            'Uniqueness violation. duplicate key value violates unique constraint',
          );
        }
        if (o.groupAuthorizationId != null && !authorizations.has(o.groupAuthorizationId)) {
          return hasuraError(res, 'constraint-violation', 'Foreign key violation. groupAuthorizationId');
        }
        const row: CitrineAuthorization = {
          id: nextId++,
          idToken: o.idToken,
          idTokenType: o.idTokenType,
          tenantId: o.tenantId,
          status: o.status,
          cacheExpiryDateTime: o.cacheExpiryDateTime ?? null,
          groupAuthorizationId: o.groupAuthorizationId ?? null,
          customData: o.customData ?? null,
        };
        authorizations.set(row.id, row);
        return send(res, 200, { data: { insert_Authorizations_one: { id: row.id } } });
      }
      case 'UpdateAuthorization': {
        const { id, set } = v as { id: number; set: Partial<CitrineAuthorization> };
        const row = authorizations.get(id);
        if (!row) return send(res, 200, { data: { update_Authorizations_by_pk: null } });
        authorizations.set(id, { ...row, ...set, id });
        return send(res, 200, { data: { update_Authorizations_by_pk: { id } } });
      }
      case 'RegisterStation': {
        const o = (v as { object: Omit<CitrineStation, 'updatedAt'> }).object;
        if (!body.query?.includes('constraint: ChargingStations_pkey')) {
          return hasuraError(res, 'constraint-violation', 'Uniqueness violation. ChargingStations_pkey');
        }
        const before = stations.get(o.id);
        stations.set(o.id, {
          ...o,
          isOnline: before?.isOnline ?? false,
          updatedAt: new Date().toISOString(),
        });
        return send(res, 200, { data: { insert_ChargingStations_one: { id: o.id } } });
      }
      case 'Station': {
        const s = stations.get((v as { id: string }).id);
        return send(res, 200, {
          data: { ChargingStations_by_pk: s ? { isOnline: s.isOnline, updatedAt: s.updatedAt } : null },
        });
      }
      default:
        return hasuraError(
          res,
          'validation-failed',
          `operation ${op || '?'} not found in type: 'query_root'`,
        );
    }
  }

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return fastifyError(res, 400, 'Body is not valid JSON');
      }
      if (req.method === 'POST' && url.pathname === '/v1/graphql') return graphql(res, req, body);
      if (req.method === 'POST' && url.pathname === '/data/configuration/password') {
        const { stationId, password, setOnCharger } = body as {
          stationId?: string;
          password?: string;
          setOnCharger?: boolean;
        };
        if (typeof stationId !== 'string' || typeof setOnCharger !== 'boolean')
          return fastifyError(res, 400, "body must have required property 'stationId'");
        if (typeof password !== 'string' || !PASSWORD.test(password))
          return fastifyError(res, 400, 'body/password must match pattern');
        if (!stations.has(stationId))
          return fastifyError(res, 404, `Charging station ${stationId} not found`);
        passwords.set(stationId, password);
        return send(res, 200, { success: true });
      }
      if (req.method === 'GET' && url.pathname === '/data/configuration/boot') {
        const boot = boots.get(url.searchParams.get('stationId') ?? '');
        return boot ? send(res, 200, boot) : fastifyError(res, 404, 'Boot not found');
      }
      return fastifyError(res, 404, `Route ${req.method}:${url.pathname} not found`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stations,
    authorizations,
    passwords,
    boots,
    operations,
    connect(id, status) {
      const s = stations.get(id);
      if (s) stations.set(id, { ...s, isOnline: true, updatedAt: new Date().toISOString() });
      boots.set(id, { status, lastBootTime: new Date().toISOString() });
    },
  };
}
