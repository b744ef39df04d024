// One core per data folder: `wbc csms listen` in one terminal, other `wbc` commands in another use its
// CSMS and its boxes through the folder's local channel (real processes, a real Unix socket, a simulated
// box over a real WebSocket); stale and unsafe sockets, and a second listener, are refused or cleaned.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { listenEvents, listening, serving } from '../support/csms-listen.ts';
import { freePort } from '../support/free-port.ts';
import { startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

test('csms listen in one terminal, config get in another: same CSMS, the box stays connected', async (t) => {
  const dir = tempDir(t);
  const { cli, port } = await listening(t, dir);
  assert.ok(existsSync(join(dir, 'wbc.sock')));
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: `ws://127.0.0.1:${port}/ocpp`, identity: 'WB-2T' });
  await until(() => listenEvents(cli).some((e) => e.box?.identity === 'WB-2T' && e.box.boot), 20_000);

  for (let i = 0; i < 2; i++) {
    const get = await wbc([
      'config',
      'get',
      '--identity',
      'WB-2T',
      '--timeout',
      '20',
      '--json',
      '--data-dir',
      dir,
    ]);
    assert.equal(get.code, 0, get.stderr);
    assert.doesNotMatch(get.stderr, /CSMS_PORT_IN_USE/);
    const snapshot = JSON.parse(get.stdout) as { entries: Array<{ key: string }> };
    assert.ok(snapshot.entries.some((e) => e.key === 'HeartbeatInterval'));
  }

  const status = await wbc(['csms', 'status', '--json', '--data-dir', dir]);
  assert.equal(status.code, 0, status.stderr);
  const boxes = JSON.parse(status.stdout) as {
    running: boolean;
    port: number;
    boxes: Array<{ identity: string; state: string }>;
  };
  assert.equal(boxes.running, true);
  assert.equal(boxes.port, port);
  assert.deepEqual(
    boxes.boxes.filter((b) => b.identity === 'WB-2T').map((b) => b.state !== 'offline'),
    [true],
  );
  const trace = await wbc(['trace', 'export', '--identity', 'WB-2T', '--data-dir', dir]);
  assert.equal(trace.code, 0, trace.stderr);
  const kinds = trace.stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { kind: string }).kind);
  assert.equal(
    kinds.filter((k) => k === 'connected').length,
    1,
    'one connection: never dropped between commands',
  );
  assert.equal(kinds.filter((k) => k === 'disconnected').length, 0);

  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.equal(existsSync(join(dir, 'wbc.sock')), false, 'the socket is removed on a clean stop');
});

test('a second csms listen on the same data folder says one is already running there', async (t) => {
  const dir = tempDir(t);
  const { cli } = await listening(t, dir);
  const second = await wbc([
    'csms',
    'listen',
    '--host',
    '127.0.0.1',
    '--port',
    String(await freePort()),
    '--data-dir',
    dir,
  ]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /CORE_ALREADY_RUNNING: The tool already runs on the data folder/);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
});

test('a socket left by a killed core is found stale, removed, and the command runs on its own', async (t) => {
  const dir = tempDir(t);
  const { cli } = await listening(t, dir);
  cli.child.kill('SIGKILL');
  await cli.exited;
  assert.ok(existsSync(join(dir, 'wbc.sock')), 'kill -9 leaves the socket behind');
  const sites = await wbc(['sites', 'add', 'Depot', '--data-dir', dir]);
  assert.equal(sites.code, 0, sites.stderr);
  assert.equal(existsSync(join(dir, 'wbc.sock')), false);
  const again = await listening(t, dir);
  again.cli.child.kill('SIGTERM');
  assert.equal(await again.cli.exited, 0);
});

test('a socket in a folder others can write is refused: nothing is sent to it', async (t) => {
  const dir = tempDir(t);
  // An impostor listening on the socket path (in this process: it only has to accept, never speak).
  let accepted = 0;
  const impostor = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => impostor.listen(join(dir, 'wbc.sock'), () => resolve()));
  t.after(() => impostor.close());
  writeFileSync(join(dir, 'wbc.sock.token'), 'x', { mode: 0o600 });
  chmodSync(dir, 0o777);
  const run = await wbc(['sites', 'list', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /LOCAL_CHANNEL_UNSAFE/);
  assert.match(run.stderr, /mode 777/);
  assert.equal(accepted, 0);
  const listen = await wbc([
    'csms',
    'listen',
    '--host',
    '127.0.0.1',
    '--port',
    String(await freePort()),
    '--data-dir',
    dir,
  ]);
  assert.equal(listen.code, 1);
  assert.match(listen.stderr, /LOCAL_CHANNEL_UNSAFE/);
});

test('wbc commission beside a running csms listen commissions the box connected there', async (t) => {
  const dir = tempDir(t);
  const { BareCsms } = await import('../support/bare-csms.ts');
  const company = await BareCsms.start(t);
  const templateFile = join(dir, 'depot.json');
  writeFileSync(
    templateFile,
    JSON.stringify({
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 2,
    }),
  );
  const { cli, port } = await listening(t, dir);
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: `ws://127.0.0.1:${port}/ocpp`, identity: 'WB-2C' });
  await until(() => listenEvents(cli).some((e) => e.box?.identity === 'WB-2C' && e.box.boot), 20_000);
  const run = await wbc([
    'commission',
    '--identity',
    'WB-2C',
    '--template',
    templateFile,
    '--port',
    '9',
    '--data-dir',
    dir,
  ]);
  assert.doesNotMatch(run.stderr, /CSMS_PORT_IN_USE/);
  assert.match(run.stderr, /Using the tool already running/);
  assert.match(run.stderr, new RegExp(`listens on port ${port}: --port 9 is not used`));
  assert.match(run.stderr, /write the settings/);
  await company.waitFor('box at company', () => company.connected('WB-2C'), 20_000);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
});

test('wbc serve runs the core of its data folder: a second serve or csms listen there is told so', async (t) => {
  const dir = tempDir(t);
  const serve = await serving(t, dir);
  const second = await wbc(['csms', 'listen', '--port', String(await freePort()), '--data-dir', dir]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /CORE_ALREADY_RUNNING/);
  const added = await wbc(['sites', 'add', 'Depot', '--json', '--data-dir', dir]);
  assert.equal(added.code, 0, added.stderr);
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
  assert.equal(existsSync(join(dir, 'wbc.sock')), false);
});

test('wbc beside a running browser shell (wbc serve) uses its core over the local channel: its CSMS reads the box', async (t) => {
  const dir = tempDir(t);
  const serve = await serving(t, dir);
  const get = await wbcWaitingForBox(t, [
    'config',
    'get',
    '--identity',
    'WB-SHELL',
    '--host',
    '127.0.0.1',
    '--port',
    String(await freePort()),
    '--timeout',
    '60',
    '--data-dir',
    dir,
  ]);
  assert.match(get.stderr(), new RegExp(`Using the tool already running on ${dir}`));
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: get.url, identity: 'WB-SHELL' });
  assert.equal(await get.exited, 0, get.stderr());
  assert.match(get.stdout(), /HeartbeatInterval/);
  assert.doesNotMatch(get.stderr(), /CSMS_PORT_IN_USE|CORE_BUSY_ELSEWHERE/);
  // The box connected to the shell's core: its trace, written by that process, holds the connection.
  const trace = await wbc(['trace', 'export', '--identity', 'WB-SHELL', '--data-dir', dir]);
  assert.equal(trace.code, 0, trace.stderr);
  assert.match(trace.stdout, /"kind":"connected"/);
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
});

test('wbc cards push beside a running csms listen pushes through it to the box connected there', async (t) => {
  const dir = tempDir(t);
  const { cli, port } = await listening(t, dir);
  const box = await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: `ws://127.0.0.1:${port}/ocpp`,
    identity: 'WB-P',
  });
  assert.equal((await wbc(['groups', 'add', 'Fleet', '--data-dir', dir])).code, 0);
  // A card of the group, written to the same database by another program (the app, an import).
  const writer = openCore({ dataDir: dir, defaultLanguage: 'en' });
  const [fleet] = await callOk(writer, 'groups.list', {});
  await callOk(writer, 'cards.enroll', { uid: '04A1B2C3', groupId: fleet?.id ?? 0 });
  await writer.close();
  const push = await wbc(['cards', 'push', '--identity', 'WB-P', '--group', 'Fleet', '--data-dir', dir]);
  assert.equal(push.code, 0, push.stderr);
  assert.doesNotMatch(push.stderr, /CSMS_PORT_IN_USE|CORE_BUSY_ELSEWHERE/);
  assert.equal(box.localList().entries.length, 1);
  // The box stayed on the running CSMS: one connection, never dropped by the command.
  assert.ok(!listenEvents(cli).some((e) => e.box?.identity === 'WB-P' && e.box.state === 'offline'));
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
});
