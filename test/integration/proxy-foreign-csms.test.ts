// Proxy mode between two OCPP stacks the tool has never seen: a CSMS built on ocpp-ts's OcppServer (its
// own WebSocket handling, subprotocol choice, identity parsing and basic-auth hook) and boxes on ocpp-ts
// and ocpp-rpc, over real WebSockets on loopback. What the CSMS hears must be what the box said.
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { OcppServer } from 'ocpp-ts';
import { WebSocket } from 'ws';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { callOk, testCore } from '../support/core.ts';
import { foreignBox16 } from '../support/foreign-box16.ts';
import { until } from '../support/until.ts';

interface ForeignCsms {
  url: string;
  /** Identity and Authorization header of every handshake the CSMS was asked for. */
  handshakes: Array<{ identity: string; authorization: string | undefined; protocol: string | undefined }>;
  boots: Array<{ identity: string; vendor: string }>;
  heartbeats: string[];
  client(identity: string): ReturnType<typeof clientOf>;
}

const clientOf = (server: OcppServer, identity: string) =>
  (server as unknown as { clients: Array<{ getCpId(): string; callRequest: OcppCall }> }).clients.find(
    (c) => c.getCpId() === identity,
  );
type OcppCall = (
  action: 'GetConfiguration',
  payload: { key?: string[] },
) => Promise<{
  configurationKey?: Array<{ key: string; value?: string; readonly: boolean }>;
}>;

/**
 * ocpp-ts's server listens on every address of the machine; tests reach loopback only, so its HTTP
 * server is made to listen on 127.0.0.1 (port 0). Nothing else of the stack is touched.
 */
async function foreignCsms(t: TestContext, refuse: (identity: string) => boolean): Promise<ForeignCsms> {
  const server = new OcppServer();
  const handshakes: ForeignCsms['handshakes'] = [];
  const boots: ForeignCsms['boots'] = [];
  const heartbeats: string[] = [];
  server.on('authorization', (identity: string, req: IncomingMessage, cb: (err?: Error) => void) => {
    handshakes.push({
      identity,
      authorization: req.headers.authorization,
      protocol: req.headers['sec-websocket-protocol'],
    });
    cb(refuse(identity) ? new Error('unknown box') : undefined);
  });
  server.on('connection', (client) => {
    client.on('error', () => {});
    client.on('BootNotification', (req, cb) => {
      boots.push({ identity: client.getCpId(), vendor: req.chargePointVendor });
      cb({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 });
    });
    client.on('Heartbeat', (_req, cb) => {
      heartbeats.push(client.getCpId());
      cb({ currentTime: new Date().toISOString() });
    });
    client.on('StatusNotification', (_req, cb) => cb({}));
  });
  const made = http.createServer;
  let listening: Server | undefined;
  http.createServer = ((...args: Parameters<typeof made>) => {
    const s = made(...args);
    const listen = s.listen.bind(s);
    s.listen = ((port: number) => listen(port, '127.0.0.1')) as typeof s.listen;
    listening = s;
    return s;
  }) as typeof made;
  try {
    server.listen(0);
  } finally {
    http.createServer = made;
  }
  const bound = listening;
  assert.ok(bound, 'ocpp-ts made its HTTP server');
  await until(() => bound.listening || undefined, 10_000);
  t.after(() => {
    for (const c of (server as unknown as { clients: Array<{ close?: () => void }> }).clients) c.close?.();
    bound.closeAllConnections();
    bound.close();
  });
  const port = (bound.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    handshakes,
    boots,
    heartbeats,
    client: (identity) => clientOf(server, identity),
  };
}

async function proxyTo(t: TestContext, upstream: string) {
  const core = testCore(t);
  const status = await callOk(core, 'proxy.start', { upstream, host: '127.0.0.1', port: 0 });
  return { core, url: `ws://127.0.0.1:${status.port}/ocpp` };
}

test('a foreign 1.6 box boots through the proxy at a foreign CSMS; the CSMS and the tool both read the box at once, each gets its own answer', async (t) => {
  const csms = await foreignCsms(t, () => false);
  const { core, url } = await proxyTo(t, csms.url);
  const box = await foreignBox16(t, { url, identity: 'WB-FOREIGN-BOTH' });
  await until(() => csms.boots.find((b) => b.identity === 'WB-FOREIGN-BOTH'), 10_000);
  assert.equal(box.connections.length, 1);
  const handshake = csms.handshakes.find((h) => h.identity === 'WB-FOREIGN-BOTH');
  assert.equal(handshake?.protocol, 'ocpp1.6', 'the CSMS was offered what the box offered');

  const upstream = await until(() => csms.client('WB-FOREIGN-BOTH'), 10_000);
  const [theirs, ours] = await Promise.all([
    upstream.callRequest('GetConfiguration', { key: ['HeartbeatInterval'] }),
    callOk(core, 'proxy.call', { identity: 'WB-FOREIGN-BOTH', action: 'GetConfiguration', payload: {} }),
  ]);
  assert.deepEqual(
    theirs.configurationKey?.map((k) => k.key),
    ['HeartbeatInterval'],
    'the CSMS got the answer to its own question',
  );
  assert.match(ours.messageId, /^wbc-/);
  const all = ours.result?.configurationKey as Array<{ key: string }> | undefined;
  assert.ok((all?.length ?? 0) > 1, "the tool got the box's whole configuration, not the CSMS's answer");

  const frames = core.ocpp.trace.list({ identity: 'WB-FOREIGN-BOTH', limit: 100 });
  assert.ok(frames.some((f) => f.side === 'tool' && f.action === 'GetConfiguration'));
  assert.ok(frames.some((f) => f.side !== 'tool' && f.action === 'BootNotification'));
});

test("a box's basic auth reaches a foreign CSMS as the box sent it; the CSMS's refusal reaches the box as 401", async (t) => {
  const csms = await foreignCsms(t, (identity) => identity === 'WB-FOREIGN-NO');
  const { url } = await proxyTo(t, csms.url);
  const box = bareBox(t, { url, identity: 'WB-FOREIGN-AUTH', password: 'box-secret-0123456789' });
  await box.connect();
  await boot16(box);
  await box.call('Heartbeat', {});
  assert.deepEqual(csms.heartbeats, ['WB-FOREIGN-AUTH']);
  const seen = csms.handshakes.find((h) => h.identity === 'WB-FOREIGN-AUTH');
  assert.equal(
    seen?.authorization,
    `Basic ${Buffer.from('WB-FOREIGN-AUTH:box-secret-0123456789').toString('base64')}`,
  );

  const status = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`${url}/WB-FOREIGN-NO`, ['ocpp1.6'], {
      headers: {
        Authorization: `Basic ${Buffer.from('WB-FOREIGN-NO:wrong-password-000').toString('base64')}`,
      },
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => resolve(0));
  });
  assert.equal(status, 401, 'the refused box hears the CSMS refuse it');
  assert.ok(
    csms.handshakes.some((h) => h.identity === 'WB-FOREIGN-NO'),
    'the CSMS itself refused it',
  );
});
