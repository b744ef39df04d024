// The local CSMS against a hostile LAN: fuzzed handshakes over raw TCP and TLS sockets (bad escapes,
// control characters, broken headers), oversized and deeply nested frames, a bounded trace and lobby.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import WebSocket from 'ws';
import type { CsmsRefusal } from '../../main/ocpp/local-csms.ts';
import type { OcppService } from '../../main/ocpp/service.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { callOk, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { basic, handshakeStatus, rawExchange, upgradeRequest } from '../support/raw-http.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'shared-csms-password-2026';

async function csms(t: TestContext, options: Parameters<OcppService['start']>[0] = {}) {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, ...options });
  const refusals: CsmsRefusal[] = [];
  core.ocpp.on('refused', (r: CsmsRefusal) => refusals.push(r));
  return { core, port: core.ocpp.csms.port, url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`, refusals };
}

/** A small seeded generator, so a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const badPaths = [
  '/ocpp/%E0',
  '/ocpp/%',
  '/ocpp/%ZZ',
  '/ocpp/%C0%AF',
  '/ocpp/%FF',
  '/ocpp%E0/WB-1',
  '/%/WB-1',
  '/ocpp/WB%1B%5B2J',
  '/ocpp/WB%0A1',
  '/ocpp/WB%00',
  '/ocpp/WB%7F',
  '/ocpp/WB%C2%9B2J',
  '/ocpp/WB%E2%80%AE',
  `/ocpp/${'A'.repeat(49)}`,
  '/ocpp/a%3Ab',
  '/ocpp/',
  '/ocpp',
  `/ocpp/${'x'.repeat(5000)}`,
  ':99999',
  '*',
  'http://127.0.0.1/ocpp/WB-1',
];

/** Requests of every kind a stranger might send; none of them may open a socket or stop the CSMS. */
function fuzzRequests(withAuthFailures: boolean): Array<string | Buffer> {
  const requests: Array<string | Buffer> = badPaths.map((p) =>
    upgradeRequest(p, { Authorization: basic('WB-1', PASSWORD) }),
  );
  const good = '/ocpp/WB-FUZZ';
  const headerCases: Array<Record<string, string | undefined>> = [
    { 'Sec-WebSocket-Protocol': 'ocpp1.6;;;' },
    { 'Sec-WebSocket-Protocol': 'ocpp1.6,'.repeat(600) },
    { 'Sec-WebSocket-Protocol': '' },
    { 'Sec-WebSocket-Key': undefined },
    { 'Sec-WebSocket-Key': 'x'.repeat(300) },
    { 'Sec-WebSocket-Version': '8' },
    { Upgrade: 'h2c' },
    { Authorization: 'Basic !!!' },
    { Authorization: 'Bearer abc' },
    { Authorization: `Basic ${'A'.repeat(4000)}` },
    { Authorization: basic('WB-FUZZ', PASSWORD), 'X-Big': 'y'.repeat(20_000) },
  ];
  if (withAuthFailures) {
    headerCases.push(
      { Authorization: basic('WB-FUZZ', '') },
      { Authorization: basic('someone-else', PASSWORD) },
      { Authorization: basic('WB-FUZZ', 'wrong-password-wrong') },
      { Authorization: undefined },
    );
  }
  for (const headers of headerCases)
    requests.push(upgradeRequest(good, { Authorization: basic('WB-FUZZ', PASSWORD), ...headers }));
  requests.push(upgradeRequest(good, { Authorization: basic('WB-FUZZ', PASSWORD) }, 'POST'));
  requests.push('GARBAGE\r\n\r\n');
  requests.push(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00]));
  requests.push(
    Buffer.concat([
      Buffer.from('GET /ocpp/WB\xff\xfe HTTP/1.1\r\n', 'latin1'),
      Buffer.from('Upgrade: websocket\r\n\r\n'),
    ]),
  );
  // Paths made of escapes, broken and whole, in a seeded random mix.
  const next = random(8);
  const pieces = [
    '%',
    '%E0',
    '%C0%AF',
    '%ZZ',
    '%F0%9F',
    'A',
    '%2F',
    '%00',
    '%3A',
    '..',
    '%25',
    '%FF%FE',
    '%1B',
    '%7F',
    'é',
  ];
  for (let i = 0; i < 150; i++) {
    let path = '/ocpp/';
    const n = 1 + Math.floor(next() * 6);
    for (let j = 0; j < n; j++) path += pieces[Math.floor(next() * pieces.length)];
    requests.push(
      upgradeRequest(encodeURI(path).replace(/%25/g, '%'), { Authorization: basic('WB-1', PASSWORD) }),
    );
  }
  return requests;
}

test('fuzzed handshakes over ws:// never stop the CSMS: each is refused with an HTTP status, said in the log, and a good box still gets in', async (t) => {
  const { core, port, url, refusals } = await csms(t, {
    password: () => PASSWORD,
    // This test is about parsing, not guessing: the throttle (its own test) would end it early.
    throttle: { freeFailures: 10_000 },
  });
  for (const request of fuzzRequests(true)) {
    const answer = await rawExchange(port, request);
    assert.doesNotMatch(
      answer,
      /^HTTP\/1\.1 101/,
      `opened: ${JSON.stringify(String(request).slice(0, 400))}`,
    );
    assert.notEqual(answer, 'timeout', `no answer to: ${String(request).slice(0, 120)}`);
  }
  // The first of them ended the process before the fix; now the CSMS is up and a good box gets in.
  assert.equal(core.ocpp.status().running, true);
  const box = bareBox(t, { url, identity: 'WB-GOOD', password: PASSWORD });
  await box.connect();
  assert.equal(((await boot16(box)) as { status: string }).status, 'Pending');
  // Nothing with a control character got in, nor into the stations table.
  assert.deepEqual(
    core.ocpp.status().boxes.map((b) => b.identity),
    ['WB-GOOD'],
  );
  for (const station of await callOk(core, 'stations.list', {}))
    assert.doesNotMatch(station.identity, /\p{Cc}/u);
  // Each refusal is an event (the CLI prints it), a trace row and a log line.
  const reasons = new Set(refusals.map((r) => r.reason));
  for (const reason of [
    'bad-path',
    'bad-identity',
    'bad-header',
    'bad-authorization',
    'wrong-password',
    'no-password',
  ])
    assert.ok(reasons.has(reason), `a refusal for ${reason}`);
  const badPath = refusals.find((r) => r.reason === 'bad-path');
  assert.equal(badPath?.remoteAddress, '127.0.0.1');
  assert.match(badPath?.at ?? '', /^\d{4}-\d\d-\d\dT/);
  core.ocpp.trace.flush();
  assert.ok(
    core.ocpp.trace.list({ limit: 5000 }).some((f) => f.kind === 'refused' && /bad-path/.test(f.frame)),
  );
  const log = readFileSync(join(core.dataDir, 'logs', 'core.log'), 'utf8');
  assert.match(log, /refused a connection.*"reason":"bad-path"/);
  assert.doesNotMatch(log, new RegExp(PASSWORD));
});

test('fuzzed handshakes over wss:// with a password set never stop the CSMS; a good box still gets in', async (t) => {
  const core = testCore(t);
  const secret = await callOk(core, 'secrets.put', {
    purpose: 'csms-basic-auth',
    label: 'local-csms',
    value: PASSWORD,
  });
  const status = await callOk(core, 'csms.start', {
    host: '127.0.0.1',
    port: await freePort(),
    admitUnexpected: true,
    tls: true,
    passwordSecretId: secret.id,
  });
  const port = status.port ?? 0;
  for (const request of fuzzRequests(false)) {
    const answer = await rawExchange(port, request, { tls: true });
    assert.doesNotMatch(answer, /^HTTP\/1\.1 101/, `opened: ${String(request).slice(0, 120)}`);
  }
  // Plain text to the TLS port is a failed TLS handshake, not a fault.
  await rawExchange(port, upgradeRequest('/ocpp/%E0'));
  assert.equal(core.ocpp.status().running, true);
  // The fuzz's logins without the right password throttled its address (127.0.0.1): the good box
  // comes from another loopback address, as a real box has its own.
  const tlsBox = (localAddress: string) =>
    handshakeStatus(`wss://127.0.0.1:${port}/ocpp/WB-TLS-GOOD`, {
      authorization: basic('WB-TLS-GOOD', PASSWORD),
      ca: status.tls?.caCertificate ?? '',
      localAddress,
    });
  assert.equal(await tlsBox('127.0.0.1'), 429);
  assert.equal(await tlsBox('127.0.0.2'), 101);
});

test('a box sending a 5 MB frame is cut off with a trace line; the database does not grow by it and the box may come back', async (t) => {
  const { core, url } = await csms(t);
  const size = () => {
    core.ocpp.trace.flush();
    const file = core.store.file;
    const wal = `${file}-wal`;
    let bytes = statSync(file).size;
    try {
      bytes += statSync(wal).size;
    } catch {
      // no WAL file
    }
    return bytes;
  };
  const ws = new WebSocket(`${url}/WB-BIG`, ['ocpp1.6']);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const before = size();
  // Either the CSMS cuts the box off, or it took the frame and answers it (what it did before).
  const outcome = new Promise<string>((resolve) => {
    ws.once('close', (code) => resolve(`closed ${code}`));
    ws.once('message', () => resolve('answered'));
  });
  ws.on('error', () => undefined);
  ws.send(JSON.stringify([2, 'big-1', 'DataTransfer', { vendorId: 'X', data: 'x'.repeat(5 * 1024 * 1024) }]));
  assert.equal(await outcome, 'closed 1009', 'closed as too big (RFC 6455 1009)');
  const cut = await until(() =>
    core.ocpp.trace.list({ identity: 'WB-BIG', limit: 50 }).find((f) => f.kind === 'frame-too-large'),
  );
  assert.match(cut.frame, /"maxBytes":1048576/);
  const traced = core.store.db
    .prepare("SELECT COALESCE(SUM(length(frame)), 0) AS n FROM trace_frames WHERE identity = 'WB-BIG'")
    .get() as { n: number };
  assert.ok(traced.n < 10_000, `the frame is not in the trace (${traced.n} characters)`);
  assert.ok(size() - before < 1024 * 1024, 'the database did not grow by the frame');
  // The CSMS is still there for the same box (a firmware bug is not a ban).
  assert.equal(await handshakeStatus(`${url}/WB-BIG`), 101);
});

test('the trace stays within its bounds per box and in total, oldest first, and says it was pruned', async (t) => {
  const { core, url } = await csms(t);
  // The bounds come from the settings (small here, megabytes by default).
  core.store.db
    .prepare("INSERT INTO settings (key, value) VALUES ('trace.limits', ?)")
    .run(JSON.stringify({ maxBoxBytes: 40_000, maxTotalBytes: 100_000 }));
  const pruned: string[] = [];
  core.ocpp.trace.subscribe((f) => {
    if (f.kind === 'pruned') pruned.push(f.frame);
  });
  for (const identity of ['WB-T1', 'WB-T2', 'WB-T3', 'WB-T4']) {
    const box = bareBox(t, { url, identity });
    await box.connect();
    for (let i = 0; i < 20; i++)
      await box.call('DataTransfer', { vendorId: 'Noise', messageId: `n${i}`, data: 'z'.repeat(3000) });
    await box.close();
  }
  core.ocpp.trace.flush();
  const perBox = core.store.db
    .prepare('SELECT identity, SUM(length(CAST(frame AS BLOB))) AS n FROM trace_frames GROUP BY identity')
    .all() as Array<{ identity: string; n: number }>;
  for (const row of perBox) assert.ok(row.n <= 40_000 + 4000, `${row.identity} holds ${row.n} bytes`);
  const total = perBox.reduce((sum, r) => sum + r.n, 0);
  assert.ok(total <= 100_000 + 4000, `the trace holds ${total} bytes`);
  // The newest frames are kept: the last DataTransfer of the last box is there.
  assert.ok(core.ocpp.trace.list({ identity: 'WB-T4', limit: 500 }).some((f) => f.frame.includes('"n19"')));
  assert.ok(pruned.some((p) => /"reason":"box"/.test(p)));
  assert.ok(pruned.some((p) => /"reason":"total"/.test(p)));
});

test('a frame nested 10,000 levels deep is answered with an error and the box stays; error replies carry no schema internals', async (t) => {
  const { core, url } = await csms(t);
  const ws = new WebSocket(`${url}/WB-DEEP`, ['ocpp1.6']);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const answers = new Map<string, unknown[]>();
  ws.on('message', (m) => {
    const frame = JSON.parse(String(m)) as unknown[];
    answers.set(String(frame[1]), frame);
  });
  let closedCode: number | null = null;
  ws.on('close', (code) => {
    closedCode = code;
  });
  ws.send(`[2,"deep","Heartbeat",${'['.repeat(10_000)}${']'.repeat(10_000)}]`);
  ws.send(JSON.stringify([2, 'bad-boot', 'BootNotification', { chargePointVendor: 5 }]));
  ws.send(JSON.stringify([2, 'hb', 'Heartbeat', {}]));
  const heartbeat = await until(() => answers.get('hb'));
  assert.equal(heartbeat[0], 3, 'the box is still served after the deep frame');
  assert.equal(closedCode, null);
  const deep = await until(() => answers.get('deep'));
  assert.equal(deep[0], 4);
  const badBoot = await until(() => answers.get('bad-boot'));
  assert.equal(badBoot[0], 4);
  assert.deepEqual(badBoot[4], {}, 'no schema path, keyword or echoed data in the reply');
  assert.doesNotMatch(JSON.stringify([deep, badBoot]), /schemaPath|instancePath|"data"/);
  assert.equal(core.ocpp.csms.box('WB-DEEP')?.state, 'connected');
  ws.close();
});

test("the trace's message id and action columns are redacted and cut to size", async (t) => {
  const { core, url } = await csms(t);
  const ws = new WebSocket(`${url}/WB-IDS`, ['ocpp1.6']);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const answered = new Promise((resolve) => ws.once('message', resolve));
  ws.send(JSON.stringify([2, 'password=hunter2hunter2', 'X-token=hunter3hunter3', {}]));
  await answered;
  ws.send(JSON.stringify([2, 'm'.repeat(500), 'Heartbeat', {}]));
  await until(
    () =>
      core.ocpp.trace.list({ identity: 'WB-IDS', limit: 50 }).filter((f) => f.direction === 'out').length >=
      2,
  );
  const rows = core.store.db
    .prepare("SELECT message_id, action, frame FROM trace_frames WHERE identity = 'WB-IDS'")
    .all() as Array<{ message_id: string | null; action: string | null; frame: string }>;
  const all = JSON.stringify(rows);
  assert.doesNotMatch(all, /hunter2hunter2|hunter3hunter3/);
  for (const row of rows) assert.ok((row.message_id ?? '').length <= 65, 'message id cut to size');
  ws.close();
});

test('lobby boxes get no stations row until admitted; the lobby is capped, the box offline longest makes room', async (t) => {
  const { core, url, refusals } = await csms(t, { admitUnexpected: false, expected: [], maxLobby: 3 });
  const stations = () =>
    core.store.db.prepare('SELECT identity FROM stations').all() as Array<{ identity: string }>;
  for (let i = 0; i < 6; i++) {
    const box = bareBox(t, { url, identity: `WB-L${i}` });
    await box.connect();
    await boot16(box);
    await until(() => core.ocpp.csms.box(`WB-L${i}`)?.boot);
    await box.close();
    await until(() => core.ocpp.csms.box(`WB-L${i}`)?.state === 'offline');
  }
  assert.deepEqual(stations(), [], 'strangers are not written to the stations table');
  const lobby = core.ocpp.status().boxes.filter((b) => !b.admitted);
  assert.equal(lobby.length, 3);
  assert.deepEqual(
    lobby.map((b) => b.identity),
    ['WB-L3', 'WB-L4', 'WB-L5'],
    'the oldest were forgotten',
  );
  // Three strangers online fill the lobby: a fourth is refused while nobody can make room.
  const online = [];
  for (const identity of ['WB-L3', 'WB-L4', 'WB-L5']) {
    const box = bareBox(t, { url, identity });
    await box.connect();
    online.push(box);
  }
  assert.equal(await handshakeStatus(`${url}/WB-L9`), 503);
  assert.ok(refusals.some((r) => r.reason === 'lobby-full' && r.identity === 'WB-L9'));
  // Admitted, a booted box is recorded as a station.
  const first = online[0];
  await boot16(first as NonNullable<typeof first>);
  await until(() => core.ocpp.csms.box('WB-L3')?.state === 'connected');
  await callOk(core, 'boxes.admit', { identity: 'WB-L3' });
  await until(() => stations().some((s) => s.identity === 'WB-L3'));
});

test('frames older than the kept age are pruned, and the trace says so', async (t) => {
  const { core } = await csms(t);
  const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
  core.store.db
    .prepare(
      "INSERT INTO trace_frames (at, identity, direction, kind, action, message_id, frame) VALUES (?, 'WB-OLD', 'in', 'call', 'Heartbeat', 'h1', '[2,\"h1\",\"Heartbeat\",{}]')",
    )
    .run(old);
  core.store.db
    .prepare("INSERT INTO settings (key, value) VALUES ('trace.limits', ?)")
    .run(JSON.stringify({ maxAgeDays: 30 }));
  core.ocpp.trace.event('(test)', 'marker');
  core.ocpp.trace.flush();
  core.ocpp.trace.flush();
  const rows = core.ocpp.trace.list({ limit: 100 });
  assert.equal(rows.filter((f) => f.identity === 'WB-OLD').length, 0);
  assert.ok(
    rows.some((f) => f.kind === 'pruned' && /"reason":"age"/.test(f.frame) && /"frames":1/.test(f.frame)),
  );
});

test('a stream of new identities leaves at most 100 boxes in the lobby and no stations rows', async (t) => {
  const { core, url } = await csms(t, { admitUnexpected: false, expected: ['WB-KNOWN'] });
  for (let i = 0; i < 150; i++) {
    const identity = `WB-STRANGER-${i}`;
    assert.equal(await handshakeStatus(`${url}/${identity}`), 101);
    await until(() => core.ocpp.csms.box(identity)?.state === 'offline');
  }
  const boxes = core.ocpp.status().boxes;
  assert.equal(boxes.length, 100);
  assert.ok(
    boxes.some((b) => b.identity === 'WB-STRANGER-149'),
    'the newest are kept',
  );
  assert.ok(!boxes.some((b) => b.identity === 'WB-STRANGER-0'), 'the oldest were forgotten');
  assert.equal((core.store.db.prepare('SELECT COUNT(*) AS n FROM stations').get() as { n: number }).n, 0);
});
