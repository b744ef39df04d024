// Proxy mode over real WebSockets on loopback: boxes (bare ocpp-rpc clients, the project's simulator, the
// ocpp-ts stacks of foreign-box16/201) dial the tool, the tool relays to a real ocpp-rpc CSMS (bare-csms).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { foreignBox16 } from '../support/foreign-box16.ts';
import { foreignBox201 } from '../support/foreign-box201.ts';
import { startedSimBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

type Core = ReturnType<typeof testCore>;

async function proxyTo(t: Parameters<typeof testCore>[0], upstream: string) {
  const core = testCore(t);
  const status = await callOk(core, 'proxy.start', { upstream, host: '127.0.0.1', port: 0 });
  return { core, url: `ws://127.0.0.1:${status.port}/ocpp`, port: status.port ?? 0 };
}

/** The core's log as text ('' before its first line). */
function logText(core: Core): string {
  const file = join(core.dataDir, 'logs', 'core.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function traced(core: Core, identity: string) {
  return core.ocpp.trace.list({ identity, limit: 1000 });
}

/** The HTTP status a raw WebSocket handshake is answered with (101 when it opens). */
function handshakeStatus(url: string, protocols: string[], headers: Record<string, string> = {}) {
  return new Promise<number>((resolve) => {
    const socket = new WebSocket(url, protocols, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close(1000);
    });
    socket.on('error', () => resolve(0));
  });
}

test('every frame goes both ways byte for byte and is traced with its side', async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const box = bareBox(t, { url, identity: 'WB-RELAY', protocols: ['ocpp1.6'] });
  const boxFrames: Array<{ message: string; outbound: boolean }> = [];
  box.on('message', (event: { message: unknown; outbound: boolean }) =>
    boxFrames.push({ message: String(event.message), outbound: event.outbound }),
  );
  box.handle('GetConfiguration', async () => ({
    configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
  }));
  await box.connect();
  const boot = (await boot16(box)) as { status: string };
  assert.equal(boot.status, 'Accepted');
  await box.call('Heartbeat', {});
  const answer = await csms.call('WB-RELAY', 'GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.deepEqual(answer.configurationKey, [{ key: 'HeartbeatInterval', readonly: false, value: '300' }]);

  // What the box sent is what the CSMS received, in order, byte for byte; and the other way round.
  const sentByBox = boxFrames.filter((f) => f.outbound).map((f) => f.message);
  const receivedByCsms = csms.frames.filter((f) => !f.outbound).map((f) => f.message);
  assert.deepEqual(receivedByCsms, sentByBox);
  const sentByCsms = csms.frames.filter((f) => f.outbound).map((f) => f.message);
  const receivedByBox = boxFrames.filter((f) => !f.outbound).map((f) => f.message);
  assert.deepEqual(receivedByBox, sentByCsms);
  assert.equal(sentByBox.length, 3);

  const frames = traced(core, 'WB-RELAY').filter((f) => f.direction !== 'event');
  assert.deepEqual(
    frames.map((f) => [f.direction, f.side, f.kind, f.action]),
    [
      ['in', 'box', 'call', 'BootNotification'],
      ['out', 'csms', 'result', 'BootNotification'],
      ['in', 'box', 'call', 'Heartbeat'],
      ['out', 'csms', 'result', 'Heartbeat'],
      ['out', 'csms', 'call', 'GetConfiguration'],
      ['in', 'box', 'result', 'GetConfiguration'],
    ],
  );
  const status = await callOk(core, 'proxy.status', {});
  assert.equal(status.boxes[0]?.bootStatus, 'Accepted');
  assert.equal(status.boxes[0]?.protocol, 'ocpp1.6');
});

test('the subprotocol is negotiated end to end: offered upstream as the box offered, answered as upstream chose', async (t) => {
  const csms = await BareCsms.start(t, { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
  const { url } = await proxyTo(t, csms.url('/ocpp'));
  const box = bareBox(t, { url, identity: 'WB-PROTO', protocols: ['ocpp1.6', 'ocpp2.0.1'] });
  await box.connect();
  assert.equal(box.protocol, 'ocpp2.0.1');
  const [handshake] = csms.handshakes;
  assert.deepEqual(handshake?.offered, ['ocpp1.6', 'ocpp2.0.1']);
  assert.equal(handshake?.protocol, 'ocpp2.0.1');
  // The identity is appended once, to the CSMS's own path.
  assert.equal(handshake?.endpoint, '/ocpp');
  assert.equal(handshake?.identity, 'WB-PROTO');

  // A box offering only what the CSMS does not speak is refused with the CSMS's answer, not half-connected.
  assert.equal(await handshakeStatus(`${url}/WB-21`, ['ocpp2.1']), 400);
  assert.equal(csms.handshakes.length, 1);
});

test("the box's basic auth reaches the CSMS unchanged; the CSMS's refusal reaches the box with its status", async (t) => {
  const csms = await BareCsms.start(t, { password: () => 'the-company-password-1' });
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const good = bareBox(t, { url, identity: 'WB-AUTH', password: 'the-company-password-1' });
  await good.connect();
  assert.equal(csms.handshakes[0]?.password, 'the-company-password-1');

  const basic = (password: string) => ({
    Authorization: `Basic ${Buffer.from(`WB-AUTH2:${password}`).toString('base64')}`,
  });
  assert.equal(await handshakeStatus(`${url}/WB-AUTH2`, ['ocpp1.6'], basic('a-wrong-password-22')), 401);
  assert.equal(await handshakeStatus(`${url}/WB-AUTH2`, ['ocpp1.6']), 401);
  // Neither the right nor the wrong password is in the trace or the log.
  core.ocpp.trace.flush();
  const all = JSON.stringify(core.ocpp.trace.list({ limit: 1000 }));
  const log = logText(core);
  for (const secret of ['the-company-password-1', 'a-wrong-password-22']) {
    assert.ok(!all.includes(secret), 'trace');
    assert.ok(!log.includes(secret), 'log');
  }
  const refused = traced(core, 'WB-AUTH2').filter((f) => f.kind === 'refused');
  assert.equal(refused.length, 2);
  assert.match(refused[0]?.frame ?? '', /"status":401/);
});

test('an unreachable CSMS is a 502 for the box, and a guarded door stays guarded', async (t) => {
  const csms = await BareCsms.start(t);
  const gone = csms.url('/ocpp');
  await csms.close();
  const { core, url } = await proxyTo(t, gone);
  assert.equal(await handshakeStatus(`${url}/WB-NOWHERE`, ['ocpp1.6']), 502);
  // The local CSMS's handshake guard answers before anything is dialled.
  assert.equal(await handshakeStatus(`${url}/WB%ZZ`, ['ocpp1.6']), 400);
  assert.equal(await handshakeStatus(`${url}/`, ['ocpp1.6']), 404);
  const refusals = traced(core, 'WB-NOWHERE').filter((f) => f.kind === 'refused');
  assert.match(refusals[0]?.frame ?? '', /upstream-unreachable/);
});

test('a CSMS that drops is reported and dialled again; the box stays connected and its next call gets through', async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const events: string[] = [];
  core.proxy.on('event', (e: { type: string; side?: string }) =>
    events.push(`${e.type}${e.side ? `:${e.side}` : ''}`),
  );
  const box = bareBox(t, { url, identity: 'WB-DROP' });
  let boxClosed = false;
  box.on('close', () => {
    boxClosed = true;
  });
  await box.connect();
  await boot16(box);
  await csms.client('WB-DROP').close({ code: 1012, reason: 'restart' });
  await until(() => csms.handshakes.length === 2);
  const heartbeat = (await box.call('Heartbeat', {})) as { currentTime?: string };
  assert.ok(heartbeat.currentTime);
  assert.equal(boxClosed, false);
  assert.deepEqual(events, ['connected', 'boot', 'dropped:csms', 'reconnected']);
  const kinds = traced(core, 'WB-DROP').map((f) => f.kind);
  assert.ok(kinds.includes('csms-closed') && kinds.includes('csms-reconnected'));
  const log = logText(core);
  assert.match(log, /the CSMS closed its connection/);
});

test('a CSMS gone for good: the box is closed with 1001 and reconnects by itself; a box that leaves closes the CSMS side', async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const leaving = bareBox(t, { url, identity: 'WB-LEAVE' });
  await leaving.connect();
  await leaving.close({ code: 1000, reason: 'bye' });
  await until(() => csms.closes.find((c) => c.identity === 'WB-LEAVE'));
  assert.equal(csms.closes.find((c) => c.identity === 'WB-LEAVE')?.code, 1000);
  assert.ok(traced(core, 'WB-LEAVE').some((f) => f.kind === 'box-closed' && f.side === 'box'));

  const box = bareBox(t, { url, identity: 'WB-GONE' });
  const closed = new Promise<number>((resolve) => box.on('close', (e: { code: number }) => resolve(e.code)));
  await box.connect();
  await csms.close();
  assert.equal(await closed, 1001);
  assert.ok(traced(core, 'WB-GONE').some((f) => f.kind === 'csms-gave-up'));
});

test("frames the CSMS rejects are relayed as they are, and the CSMS's error reaches the box unchanged", async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const box = bareBox(t, { url, identity: 'WB-BAD' });
  await box.connect();
  await boot16(box);
  // A StatusNotification without its required fields: the strict CSMS answers a CALLERROR.
  await assert.rejects(box.call('StatusNotification', { connectorId: 1 }));
  const [error] = csms.frames.filter((f) => f.outbound && f.message.startsWith('[4,'));
  assert.ok(error, 'the CSMS answered with a CALLERROR');
  // Not OCPP-J at all: relayed too, and the CSMS (not the tool) judges it.
  const raw = '{"not":"an ocpp frame"}';
  box.sendRaw(raw);
  await csms.waitFor('bad frame at the CSMS', () => csms.badFrames.find((f) => f.kind === 'bad'));
  assert.ok(csms.frames.some((f) => !f.outbound && f.message === raw));
  const kinds = traced(core, 'WB-BAD').map((f) => `${f.direction}:${f.kind}`);
  assert.ok(kinds.includes('out:error'));
  assert.ok(kinds.includes('in:malformed'));
  // The relay goes on.
  assert.ok(((await box.call('Heartbeat', {})) as { currentTime?: string }).currentTime);
});

test("the tool's own read-only calls get ids of their own, are marked as the tool's, and their answers stay with the tool", async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const box = bareBox(t, { url, identity: 'WB-OWN' });
  const seenIds: string[] = [];
  box.handle('GetConfiguration', async ({ messageId }) => {
    seenIds.push(messageId ?? '');
    return { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] };
  });
  await box.connect();
  await boot16(box);
  // The CSMS and the tool ask at the same time, many times over.
  const results = await Promise.all(
    Array.from({ length: 5 }, () => [
      csms.call('WB-OWN', 'GetConfiguration', {}),
      callOk(core, 'proxy.call', { identity: 'WB-OWN', action: 'GetConfiguration', payload: {} }),
    ]).flat(),
  );
  assert.equal(results.length, 10);
  const own = results.filter((r): r is typeof r & { messageId: string } => 'messageId' in r);
  assert.equal(own.length, 5);
  for (const r of own) assert.match(String(r.messageId), /^wbc-[0-9a-f]{32}$/);
  assert.equal(new Set(seenIds).size, 10, 'no id was used twice');
  // None of the tool's calls nor their answers reached the CSMS.
  for (const f of csms.frames) assert.ok(!f.message.includes('wbc-'), f.message);
  const toolFrames = traced(core, 'WB-OWN').filter((f) => f.side === 'tool');
  assert.equal(toolFrames.length, 10);
  assert.ok(toolFrames.every((f) => f.messageId?.startsWith('wbc-')));

  // Anything that could change the box is refused before a frame leaves, with a typed error.
  const refused = await callRaw(core, 'proxy.call', {
    identity: 'WB-OWN',
    action: 'ChangeConfiguration',
    payload: { key: 'HeartbeatInterval', value: '1' },
  });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'PROXY_CALL_NOT_READ_ONLY');
  const v201 = await callRaw(core, 'proxy.call', { identity: 'WB-OWN', action: 'GetVariables', payload: {} });
  assert.equal(!v201.ok && v201.error.code, 'PROXY_CALL_NOT_READ_ONLY');
  const nobody = await callRaw(core, 'proxy.call', {
    identity: 'WB-NOBODY',
    action: 'TriggerMessage',
    payload: {},
  });
  assert.equal(!nobody.ok && nobody.error.code, 'PROXY_BOX_NOT_RELAYED');
});

test("a box's answer to the tool's own call stays with the tool when it is cut off or writes the id in JSON escapes", async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  // A raw WebSocket box: it answers the tool's calls with frames no OCPP library would send.
  const answers = [
    (id: string) => `[3,"${id}",{"configurationKey":[`,
    (id: string) => JSON.stringify([3, id, { configurationKey: [] }]).replace('wbc-', 'wbc\\u002d'),
  ];
  const box = new WebSocket(`${url}/WB-RAW`, ['ocpp1.6']);
  t.after(() => box.terminate());
  box.on('message', (data) => {
    const [type, id] = JSON.parse(String(data)) as [number, string];
    const answer = answers.shift();
    if (type === 2 && answer) box.send(answer(id));
  });
  await new Promise((resolve, reject) => {
    box.once('open', resolve);
    box.once('error', reject);
  });
  const call = () =>
    callOk(core, 'proxy.call', { identity: 'WB-RAW', action: 'GetConfiguration', payload: {}, timeoutS: 20 });
  const cut = await call();
  assert.deepEqual(cut.error?.code, 'FormatViolation', "a cut-off answer is the tool's, told as not OCPP-J");
  const escaped = await call();
  assert.deepEqual(escaped.result, { configurationKey: [] }, 'the same id, one character escaped');
  for (const f of csms.frames) assert.ok(!f.message.includes('wbc'), f.message);
  const own = traced(core, 'WB-RAW').filter((f) => f.side === 'tool');
  assert.deepEqual(
    own.map((f) => `${f.direction}:${f.kind}`),
    ['out:call', 'in:malformed', 'out:call', 'in:result'],
  );
});

test('secrets the CSMS sends the box (a new AuthorizationKey) pass through but never reach the trace or the log', async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  const box = bareBox(t, { url, identity: 'WB-KEY' });
  let received = '';
  box.handle('ChangeConfiguration', async ({ params }) => {
    received = String(params?.value);
    return { status: 'Accepted' };
  });
  await box.connect();
  const secret = 'a-brand-new-authorization-key-77';
  await csms.call('WB-KEY', 'ChangeConfiguration', { key: 'AuthorizationKey', value: secret });
  assert.equal(received, secret);
  core.ocpp.trace.flush();
  assert.ok(!JSON.stringify(core.ocpp.trace.list({ limit: 1000 })).includes(secret));
  assert.ok(!logText(core).includes(secret));
});

test('the project simulator and foreign OCPP stacks (1.6 and 2.0.1) boot through the proxy and answer their CSMS', async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-SIM' });
  await foreignBox16(t, { url, identity: 'WB-F16' });
  await foreignBox201(t, { url, identity: 'WB-F201' });
  for (const identity of ['WB-SIM', 'WB-F16', 'WB-F201'])
    await until(
      () => core.proxy.status().boxes.find((b) => b.identity === identity)?.bootStatus === 'Accepted',
      10_000,
    );
  const config = await csms.call('WB-F16', 'GetConfiguration', { key: ['ChargePointId'] });
  assert.deepEqual(config.configurationKey, [{ key: 'ChargePointId', readonly: true, value: 'WB-F16' }]);
  const variables = await callOk(core, 'proxy.call', {
    identity: 'WB-F201',
    action: 'GetVariables',
    payload: { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] },
  });
  assert.ok(variables.result, JSON.stringify(variables));
  const own = await callOk(core, 'proxy.call', {
    identity: 'WB-SIM',
    action: 'TriggerMessage',
    payload: { requestedMessage: 'Heartbeat' },
  });
  assert.equal((own.result as { status?: string }).status, 'Accepted');
  // The box's Heartbeat that the trigger asked for goes to its CSMS, as the box meant it.
  await csms.waitFor('triggered heartbeat', () => csms.calls('WB-SIM', 'Heartbeat').length > 0);
});

test("the local CSMS's guards hold at the proxy too: a frame over the limit, repeated wrong passwords, a second socket", async (t) => {
  const csms = await BareCsms.start(t, { password: () => 'the-company-password-1' });
  const core = testCore(t);
  const status = await core.proxy.start({
    upstream: csms.url('/ocpp'),
    host: '127.0.0.1',
    port: 0,
    maxFrameBytes: 64 * 1024,
  });
  const url = `ws://127.0.0.1:${status.port}/ocpp`;
  const box = bareBox(t, { url, identity: 'WB-BIG', password: 'the-company-password-1' });
  const closed = new Promise<number>((resolve) => box.on('close', (e: { code: number }) => resolve(e.code)));
  await box.connect();
  box.sendRaw(`[2,"1","DataTransfer",{"vendorId":"x","data":"${'A'.repeat(100 * 1024)}"}]`);
  assert.equal(await closed, 1009);
  await until(() => csms.closes.find((c) => c.identity === 'WB-BIG'));
  assert.equal(csms.closes.find((c) => c.identity === 'WB-BIG')?.code, 1001);
  assert.ok(!csms.frames.some((f) => f.message.includes('DataTransfer')), 'the frame never reached the CSMS');
  assert.ok(traced(core, 'WB-BIG').some((f) => f.kind === 'frame-too-large' && f.side === 'box'));

  // The same identity again: the newer socket is the box now, the older one is closed with 4000.
  const first = bareBox(t, { url, identity: 'WB-TWICE', password: 'the-company-password-1' });
  const firstClosed = new Promise<number>((resolve) =>
    first.on('close', (e: { code: number }) => resolve(e.code)),
  );
  await first.connect();
  const second = bareBox(t, { url, identity: 'WB-TWICE', password: 'the-company-password-1' });
  await second.connect();
  assert.equal(await firstClosed, 4000);
  assert.equal(((await boot16(second)) as { status: string }).status, 'Accepted');

  // Wrong passwords are the CSMS's to judge; past the free ones the proxy answers 429 without dialling.
  const basic = { Authorization: `Basic ${Buffer.from('WB-GUESS:not-the-password-000').toString('base64')}` };
  for (let i = 0; i < 6; i++) assert.equal(await handshakeStatus(`${url}/WB-GUESS`, ['ocpp1.6'], basic), 401);
  const dialled = csms.tried.length;
  assert.equal(await handshakeStatus(`${url}/WB-GUESS`, ['ocpp1.6'], basic), 429);
  assert.equal(csms.tried.length, dialled);
  assert.equal(csms.tried.filter((identity) => identity === 'WB-GUESS').length, 6);
  // Counted per address too (as at the local CSMS): another identity from there waits as well.
  assert.equal(await handshakeStatus(`${url}/WB-OTHER`, ['ocpp1.6'], basic), 429);
});

test("a 2.0.1 box's report for the tool's own GetBaseReport is answered by the tool and never reaches the CSMS", async (t) => {
  const csms = await BareCsms.start(t);
  const { core, url } = await proxyTo(t, csms.url('/ocpp'));
  await startedSimBox(t, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-REPORT' });
  await until(() => core.proxy.status().boxes[0]?.bootStatus === 'Accepted', 10_000);
  const answer = await callOk(core, 'proxy.call', {
    identity: 'WB-REPORT',
    action: 'GetBaseReport',
    payload: { requestId: 424242, reportBase: 'FullInventory' },
  });
  assert.equal((answer.result as { status?: string }).status, 'Accepted');
  await until(() => {
    const parts = traced(core, 'WB-REPORT').filter((f) => f.action === 'NotifyReport' && f.kind === 'call');
    return parts.length > 0 && parts.some((f) => !f.frame.includes('"tbc":true')) ? parts : undefined;
  }, 10_000);
  const parts = traced(core, 'WB-REPORT').filter((f) => f.action === 'NotifyReport');
  assert.ok(
    parts.every((f) => f.side === 'tool'),
    'the parts and their answers are marked as the tool’s',
  );
  assert.equal(csms.calls('WB-REPORT', 'NotifyReport').length, 0);
  // The CSMS's own session goes on as before.
  const own = await csms.call('WB-REPORT', 'GetVariables', {
    getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }],
  });
  assert.ok(Array.isArray(own.getVariableResult));
});

test("a box at security profile 2 dials the proxy on wss:// with the tool's CA and stays at its profile", async (t) => {
  const password = 'company-profile2-password-01';
  const csms = await BareCsms.start(t, { password: () => password });
  const core = testCore(t);
  const status = await callOk(core, 'proxy.start', {
    upstream: csms.url('/ocpp'),
    host: '127.0.0.1',
    port: 0,
    tls: true,
  });
  assert.ok(status.tls);
  assert.match(status.urls[0] ?? '', /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
  const endpoint = `wss://127.0.0.1:${status.port}/ocpp`;
  await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint,
    identity: 'WB-TLS',
    password,
    securityProfile: 2,
    trustedCertificates: [status.tls.caCertificate],
  });
  await until(() => core.proxy.status().boxes[0]?.bootStatus === 'Accepted', 10_000);
  assert.equal(csms.handshakes[0]?.password, password);
  // A box that does not trust the tool's CA gets no further than TLS, and that is said.
  const stranger = new WebSocket(`${endpoint}/WB-STRANGER`, ['ocpp1.6']);
  stranger.on('error', () => undefined);
  await until(() =>
    traced(core, '(none)').some((f) => f.kind === 'refused' && f.frame.includes('tls-failed')),
  );
  assert.equal(csms.tried.includes('WB-STRANGER'), false);
});

test('a CSMS connection that died without a close (no pong) is dropped and dialled again; the box stays', async (t) => {
  // A raw WebSocket peer that takes the box but never answers a ping, as a line that went dead would.
  const silent = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    autoPong: false,
    handleProtocols: () => 'ocpp1.6',
  });
  t.after(() => silent.close());
  await new Promise((resolve) => silent.once('listening', resolve));
  let connections = 0;
  silent.on('connection', () => {
    connections += 1;
  });
  const core = testCore(t);
  const status = await core.proxy.start({
    upstream: `ws://127.0.0.1:${(silent.address() as { port: number }).port}/ocpp`,
    host: '127.0.0.1',
    port: 0,
    pingIntervalMs: 100,
    reconnectDelaysMs: [50, 50, 50],
  });
  const box = bareBox(t, { url: `ws://127.0.0.1:${status.port}/ocpp`, identity: 'WB-SILENT' });
  let boxClosed = false;
  box.on('close', () => {
    boxClosed = true;
  });
  await box.connect();
  await until(() => connections >= 2, 10_000);
  assert.equal(boxClosed, false);
  assert.ok(traced(core, 'WB-SILENT').some((f) => f.kind === 'csms-closed' && f.side === 'csms'));
});
