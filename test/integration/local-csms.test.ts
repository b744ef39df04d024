// The tool's local CSMS over real WebSockets on loopback: subprotocols, lobby and admission, one
// identity on two sockets, basic auth, Pending at boot, malformed frames, silent and wrong answers, redaction.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { AppError } from '../../main/api/errors.ts';
import type { OcppService } from '../../main/ocpp/service.ts';
import { type BareBox, bareBox, boot16 } from '../support/bare-box.ts';
import { callOk, testCore } from '../support/core.ts';
import { until } from '../support/until.ts';

async function csms(t: Parameters<typeof testCore>[0], options: Parameters<OcppService['start']>[0] = {}) {
  const core = testCore(t);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, ...options });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  return { core, url };
}

export function closed(box: BareBox): Promise<{ code?: number }> {
  return new Promise((resolve) => box.once('close', resolve));
}

test('a box that offers no supported OCPP version is connected without a subprotocol and closed', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-OLD', protocols: ['ocpp1.5'] });
  // The handshake completes without a subprotocol (OCPP-J 1.6 section 3.1); the ws client gives up on that.
  await assert.rejects(box.connect(), /no subprotocol/);
  const refused = await until(() =>
    core.ocpp.trace.list({ identity: 'WB-OLD', limit: 10 }).find((f) => f.kind === 'refused'),
  );
  assert.match(refused?.frame ?? '', /no supported OCPP subprotocol.*ocpp1\.5/);
  assert.equal(core.ocpp.status().boxes.length, 0);
});

test('a URL without an identity is refused before the upgrade', async (t) => {
  const { url } = await csms(t);
  const box = bareBox(t, { url: url.replace(/\/ocpp$/, ''), identity: 'ocpp' });
  await assert.rejects(box.connect(), /Not Found/);
});

test('an unexpected box waits in the lobby until admitted; nothing is sent to it before', async (t) => {
  const { core, url } = await csms(t, { admitUnexpected: false, expected: ['WB-KNOWN'] });
  const box = bareBox(t, { url, identity: 'WB-STRANGER' });
  let calls = 0;
  box.handle(async () => {
    calls++;
    return { configurationKey: [], unknownKey: [] };
  });
  await box.connect();
  const answer = (await boot16(box)) as { status: string };
  assert.equal(answer.status, 'Pending');
  const info = await until(() => core.ocpp.status().boxes.find((b) => b.identity === 'WB-STRANGER'));
  assert.equal(info.admitted, false);
  await assert.rejects(callOk(core, 'config.read', { identity: 'WB-STRANGER' }), /BOX_NOT_ADMITTED/);
  assert.equal(calls, 0);
  assert.equal((await callOk(core, 'boxes.admit', { identity: 'WB-STRANGER' })).admitted, true);
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-STRANGER' });
  assert.deepEqual(snapshot.entries, []);
  assert.equal(calls, 1);
});

test('a second socket with the same identity replaces the first, which is closed and recorded', async (t) => {
  const { core, url } = await csms(t);
  const first = bareBox(t, { url, identity: 'WB-TWIN' });
  await first.connect();
  const firstClosed = closed(first);
  const second = bareBox(t, { url, identity: 'WB-TWIN' });
  second.handle('GetConfiguration', async () => ({
    configurationKey: [{ key: 'Who', readonly: true, value: 'second' }],
  }));
  await second.connect();
  assert.equal((await firstClosed).code, 4000);
  const snapshot = await callOk(core, 'config.read', { identity: 'WB-TWIN' });
  assert.equal(snapshot.entries[0]?.value, 'second');
  assert.ok(core.ocpp.trace.list({ identity: 'WB-TWIN', limit: 50 }).some((f) => f.kind === 'replaced'));
  assert.equal(core.ocpp.status().boxes.filter((b) => b.identity === 'WB-TWIN').length, 1);
});

test('with a password set, a box without it or with a wrong one is refused; the right one gets in', async (t) => {
  const { core, url } = await csms(t, { password: () => 'a-strong-password-2026' });
  await assert.rejects(bareBox(t, { url, identity: 'WB-A' }).connect(), /Unauthorized/);
  await assert.rejects(
    bareBox(t, { url, identity: 'WB-A', password: 'guess-guess-guess' }).connect(),
    /Unauthorized/,
  );
  const box = bareBox(t, { url, identity: 'WB-A', password: 'a-strong-password-2026' });
  await box.connect();
  const frames = JSON.stringify(core.ocpp.trace.list({ limit: 100 }));
  assert.doesNotMatch(frames, /guess-guess|a-strong-password/);
});

test('boot is answered Pending and the box is recorded as a station with an audit row', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-0001', strict: true });
  await box.connect();
  const answer = (await boot16(box)) as { status: string; interval: number };
  assert.equal(answer.status, 'Pending');
  assert.ok(answer.interval > 0);
  const listed = await until(() => {
    const rows = core.store.db
      .prepare("SELECT vendor, ocpp_version FROM stations WHERE identity = 'WB-0001'")
      .all();
    return rows.length > 0 ? rows : undefined;
  });
  assert.deepEqual(listed, [{ vendor: 'TestVendor', ocpp_version: '1.6' }]);
  const audit = await callOk(core, 'audit.list', { entity: 'station' });
  assert.equal(audit[0]?.action, 'station.discovered');
});

test('malformed frames from a box are traced and answered, and the box stays connected', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-GARBLE' });
  await box.connect();
  const ws = (box as unknown as { _ws: { send(data: string): void } })._ws;
  ws.send('this is not json');
  ws.send('[2,"m1","Heartbeat",{"unexpected":true}]');
  await until(
    () =>
      core.ocpp.trace.list({ identity: 'WB-GARBLE', limit: 50 }).filter((f) => f.direction === 'in').length >=
      2,
  );
  const answer = (await box.call('Heartbeat', {})) as { currentTime: string };
  assert.ok(Date.parse(answer.currentTime) > 0);
  const kinds = core.ocpp.trace.list({ identity: 'WB-GARBLE', limit: 50 }).map((f) => f.kind);
  assert.ok(kinds.includes('malformed'));
  assert.ok(kinds.includes('error'), 'the schema-violating call got a CALLERROR');
});

test('a box that never answers gives BOX_NO_ANSWER naming the action', async (t) => {
  const { core, url } = await csms(t, { callTimeoutMs: 300 });
  const box = bareBox(t, { url, identity: 'WB-MUTE' });
  box.handle('GetConfiguration', async () => new Promise(() => undefined));
  await box.connect();
  const reply = await core.router.call('config.read', { identity: 'WB-MUTE' }, core.context('cli'));
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'BOX_NO_ANSWER');
  if (!reply.ok) assert.match(reply.error.message, /WB-MUTE did not answer GetConfiguration/);
});

test('an answer that violates the OCPP schema gives BOX_BAD_ANSWER', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-ODD' });
  box.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 42 }] }));
  await box.connect();
  const reply = await core.router.call('config.read', { identity: 'WB-ODD' }, core.context('cli'));
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'BOX_BAD_ANSWER');
});

test('a box that disconnects mid-call gives BOX_OFFLINE, and is shown offline', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-GONE' });
  box.handle('GetConfiguration', async () => {
    await box.close({ force: true });
    return new Promise(() => undefined);
  });
  await box.connect();
  const reply = await core.router.call('config.read', { identity: 'WB-GONE' }, core.context('cli'));
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'BOX_OFFLINE');
  await until(() => core.ocpp.status().boxes.find((b) => b.identity === 'WB-GONE' && b.state === 'offline'));
});

test('credentials written to a box are masked in the trace, the export and the audit log', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-KEY' });
  box.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
  await box.connect();
  const key = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';
  const results = await callOk(core, 'config.set', {
    identity: 'WB-KEY',
    changes: [
      { key: 'AuthorizationKey', value: key },
      { key: 'Cst_BackendUrl', value: 'wss://ops:hunter2hunter2@csms.example/ocpp' },
    ],
  });
  assert.deepEqual(
    results.map((r) => r.status),
    ['Accepted', 'Accepted'],
  );
  const everything = [
    JSON.stringify(core.ocpp.trace.list({ limit: 100 })),
    [...core.ocpp.trace.exportJsonLines()].join('\n'),
    JSON.stringify(await callOk(core, 'audit.list', {})),
  ].join('\n');
  assert.doesNotMatch(everything, new RegExp(key));
  assert.doesNotMatch(everything, /hunter2/);
  assert.match(everything, /AuthorizationKey/);
});

test('a port already in use gives CSMS_PORT_IN_USE with the port', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const core = testCore(t);
  await assert.rejects(core.ocpp.start({ host: '127.0.0.1', port }), (error: AppError) => {
    assert.equal(error.code, 'CSMS_PORT_IN_USE');
    assert.equal(error.params.port, port);
    return true;
  });
  assert.equal(core.ocpp.status().running, false);
});

test('a box whose URL has another path before its identity (copied from a vendor manual) is taken', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, {
    url: url.replace(/\/ocpp$/, '/steve/websocket/CentralSystemService'),
    identity: 'WB-PATH',
  });
  await box.connect();
  await boot16(box);
  await core.ocpp.csms.waitFor('WB-PATH', { timeoutMs: 5_000, booted: true });
  assert.equal(core.ocpp.csms.box('WB-PATH')?.state, 'connected');
});

test('stopping the CSMS tells each connected box it is going away (1001), not a dropped line (1006)', async (t) => {
  const { core, url } = await csms(t);
  const box = bareBox(t, { url, identity: 'WB-BYE' });
  await box.connect();
  await boot16(box);
  const gone = closed(box);
  await core.ocpp.stop();
  assert.equal((await gone).code, 1001);
});
