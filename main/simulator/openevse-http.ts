// A simulated OpenEVSE WiFi module's HTTP API on loopback (GET/POST /config, basic auth when a password is
// set), for tests and `wbc simulate openevse`; it can answer slowly to stand in for a box that hangs.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpSimOptions {
  /** Basic-auth user and password of the box's web UI; no password: no auth. */
  username?: string;
  password?: string;
  firmware?: string;
  version?: string;
}

export class OpenEvseHttpSimulator {
  readonly config: Record<string, string | number | boolean> = {
    firmware: '8.2.3',
    version: '5.1.2',
    hostname: 'openevse-a1b2',
    buildenv: 'openevse_wifi_v1',
    ocpp_enabled: false,
    ocpp_server: '',
    ocpp_chargeBoxId: '',
    ocpp_authkey: '',
    ocpp_idtag: 'DefaultIdTag',
  };
  /** Delays every answer by this many ms (a hanging box). */
  delayMs = 0;
  /** Fields it answers "done" for but does not keep (firmware that ignores a setting it does not know). */
  readonly ignores = new Set<string>();
  /** Every POST /config body as received (the tests check nothing was sent). */
  readonly posts: Record<string, unknown>[] = [];
  readonly #options: HttpSimOptions;
  #server: Server | null = null;

  constructor(options: HttpSimOptions = {}) {
    this.#options = options;
    if (options.firmware) this.config.firmware = options.firmware;
    if (options.version) this.config.version = options.version;
  }

  /** Listens on 127.0.0.1 (port 0: any free one); resolves with the base URL. */
  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #authorised(req: IncomingMessage): boolean {
    if (!this.#options.password) return true;
    const expected = Buffer.from(`${this.#options.username ?? 'admin'}:${this.#options.password}`).toString(
      'base64',
    );
    return req.headers.authorization === `Basic ${expected}`;
  }

  async #handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (res.destroyed) return;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!this.#authorised(req))
      return send(401, { msg: 'unauthorized' }, { 'www-authenticate': 'Basic realm="openevse"' });
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/config') return send(404, { msg: 'not found' });
    if (req.method === 'GET') {
      // The firmware hides secrets when it hands out its config.
      const shown = { ...this.config, ocpp_authkey: this.config.ocpp_authkey ? '_DUMMY_PASSWORD' : '' };
      return send(200, shown);
    }
    if (req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, { msg: 'bad json' });
      }
      if (typeof body !== 'object' || body === null) return send(400, { msg: 'bad json' });
      this.posts.push(body as Record<string, unknown>);
      let changed = false;
      for (const [key, value] of Object.entries(body)) {
        if (!(key in this.config) || key === 'firmware' || key === 'version' || this.ignores.has(key))
          continue;
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
        if (this.config[key] !== value) changed = true;
        this.config[key] = value;
      }
      return send(200, { msg: changed ? 'done' : 'no change' });
    }
    return send(405, { msg: 'method not allowed' });
  }
}
