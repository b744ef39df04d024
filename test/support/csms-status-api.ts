// A company CSMS's station status API over real HTTP on 127.0.0.1 (what the BareCsms sees, behind a
// bearer token), and the minimal StationPresence connector a run uses to ask it. Real connectors
// (OCPI, SteVe, ...) come with the CSMS sync issue; this one exists only to test "confirmed".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { StationPresence, StationStatus } from '../../main/commissioning/presence.ts';
import type { BareCsms } from './bare-csms.ts';

export class CsmsStatusApi {
  readonly token = 'status-api-token-0001';
  /** Requests answered, for tests that check the connector asked. */
  requests = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(t: TestContext, company: BareCsms): Promise<CsmsStatusApi> {
    let api: CsmsStatusApi | null = null;
    const server = createServer((req, res) => {
      if (api) api.requests++;
      if (req.headers.authorization !== `Bearer ${api?.token}`) {
        res.writeHead(401).end();
        return;
      }
      const match = /^\/api\/stations\/([^/?]+)$/.exec(req.url ?? '');
      const identity = match?.[1] ? decodeURIComponent(match[1]) : null;
      const boot = identity ? company.lastBoot(identity) : null;
      if (!identity || boot === null) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown station"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ identity, connected: company.connected(identity), lastBootStatus: boot }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new CsmsStatusApi(server);
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The minimal connector: GET /api/stations/{identity} with the token. */
  presence(): StationPresence {
    const base = this.url;
    const token = this.token;
    return {
      name: `status API at ${base}`,
      async stationStatus(identity: string, signal: AbortSignal): Promise<StationStatus | null> {
        const res = await fetch(`${base}/api/stations/${encodeURIComponent(identity)}`, {
          headers: { authorization: `Bearer ${token}` },
          signal,
        });
        if (res.status === 404) return null;
        if (!res.ok) throw new Error(`status API answered ${res.status}`);
        const body = (await res.json()) as {
          connected: boolean;
          lastBootStatus: StationStatus['bootStatus'];
        };
        return { connected: body.connected, bootStatus: body.lastBootStatus, lastSeen: null };
      },
    };
  }
}
