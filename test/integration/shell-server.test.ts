// The browser shell over a real socket on loopback: the api only for the page it served (token,
// Origin, Host), typed answers to garbage frames, events pushed, and no file outside the UI folder.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { isLoopbackHost } from '../../main/server/access.ts';
import { startShellServer } from '../../main/server/shell-server.ts';
import { wbc } from '../support/cli.ts';
import { testCore } from '../support/core.ts';
import { openSocket, testShell } from '../support/shell.ts';
import { tempDir } from '../support/temp.ts';

function apiUrl(port: number, token: string | null): string {
  return `ws://127.0.0.1:${port}/api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

function get(
  port: number,
  path: string,
  host?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the printed URL carries a token and binds to loopback', async (t) => {
  const { server } = await testShell(t);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
});

test('a socket without the token is refused with 401', async (t) => {
  const { server } = await testShell(t);
  assert.deepEqual(await openSocket(apiUrl(server.port, null)), { refused: 401 });
});

test('a socket with a wrong token is refused with 401', async (t) => {
  const { server } = await testShell(t);
  const wrong = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
  assert.deepEqual(await openSocket(apiUrl(server.port, wrong)), { refused: 401 });
  assert.deepEqual(await openSocket(apiUrl(server.port, 'short')), { refused: 401 });
});

test('a socket from another web page (Origin) is refused even with the right token', async (t) => {
  const { server } = await testShell(t);
  for (const origin of [
    'http://evil.example',
    `http://127.0.0.1:${server.port + 1}`,
    'null',
    `https://127.0.0.1:${server.port}`,
  ]) {
    assert.deepEqual(
      await openSocket(apiUrl(server.port, server.token), { origin }),
      { refused: 403 },
      origin,
    );
  }
});

test('a request naming another Host (DNS rebinding) is refused, for the page and the socket', async (t) => {
  const { server } = await testShell(t);
  const page = await get(server.port, '/', `rebind.example:${server.port}`);
  assert.equal(page.status, 403);
  const socket = await openSocket(apiUrl(server.port, server.token), {
    host: `rebind.example:${server.port}`,
  });
  assert.deepEqual(socket, { refused: 403 });
});

test("the page's own origin with the token gets the api", async (t) => {
  const { server } = await testShell(t);
  const opened = await openSocket(apiUrl(server.port, server.token), {
    origin: `http://127.0.0.1:${server.port}`,
  });
  assert.ok('client' in opened);
  const reply = await opened.client.call('app.info', {});
  assert.equal(reply.ok, true);
  opened.client.ws.close();
});

test('garbage and wrong argument types get typed errors and the socket stays usable', async (t) => {
  const { server } = await testShell(t);
  const opened = await openSocket(apiUrl(server.port, server.token));
  assert.ok('client' in opened);
  const { client } = opened;
  client.send('{not json');
  const garbage = await client.next();
  assert.equal(garbage.type === 'reply' && !garbage.reply.ok && garbage.reply.error.code, 'BAD_REQUEST');
  client.send(JSON.stringify({ type: 'call', id: 'x', method: 'app.info' }));
  const noId = await client.next();
  assert.equal(noId.type === 'reply' && !noId.reply.ok && noId.reply.error.code, 'BAD_REQUEST');
  const wrongTypes = await client.call('sites.create', { name: ['a'] });
  assert.equal(!wrongTypes.ok && wrongTypes.error.code, 'VALIDATION_FAILED');
  const fine = await client.call('sites.list', {});
  assert.deepEqual(fine, { ok: true, result: [] });
  client.ws.close();
});

test('the sites list a page reads over the socket follows every change, its own, another page’s and a wbc command’s', async (t) => {
  // The list is written as text once while nothing changed (main/store/shared-result.ts): never an old text.
  const dir = tempDir(t);
  const { server } = await testShell(t, { core: testCore(t, { dataDir: dir }) });
  const pages = await Promise.all([1, 2].map(() => openSocket(apiUrl(server.port, server.token))));
  const [mine, other] = pages.map((opened) => {
    assert.ok('client' in opened);
    return opened.client;
  });
  assert.ok(mine && other);
  const listed = async () => {
    const reply = await mine.call('sites.list', {});
    assert.ok(reply.ok);
    return (reply.result as Array<{ name: string }>).map((s) => s.name);
  };
  assert.deepEqual(await listed(), []);
  assert.ok((await mine.call('sites.create', { name: 'Depot' })).ok);
  assert.deepEqual(await listed(), ['Depot']);
  assert.deepEqual(await listed(), ['Depot'], 'asked again, the same');
  assert.ok((await other.call('sites.create', { name: 'Garage Nord' })).ok);
  assert.deepEqual(await listed(), ['Depot', 'Garage Nord']);
  const renamed = await wbc(['--data-dir', dir, 'sites', 'rename', 'Depot', 'Depot Süd']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.deepEqual(await listed(), ['Depot Süd', 'Garage Nord']);
  mine.ws.close();
  other.ws.close();
});

test('a change made by one face is pushed as an event to every open page', async (t) => {
  const { core, server } = await testShell(t);
  const opened = await openSocket(apiUrl(server.port, server.token));
  assert.ok('client' in opened);
  await core.router.call('groups.create', { name: 'Fleet' }, core.context('cli'));
  assert.deepEqual(await opened.client.next(), {
    type: 'event',
    event: 'data.changed',
    payload: { entity: 'group' },
  });
  opened.client.ws.close();
});

test('static files: the UI with its CSP, nothing outside the folder, no writes', async (t) => {
  const { server } = await testShell(t);
  const index = await get(server.port, '/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
  assert.equal(index.headers['x-frame-options'], 'DENY');
  for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2fvault.key', '/%00']) {
    assert.equal((await get(server.port, path)).status, 404, path);
  }
});

test('a host beyond this computer is refused before anything listens, unless the user allows it', async (t) => {
  const core = testCore(t);
  for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
    await assert.rejects(
      startShellServer({ core, staticDir: tempDir(t), host }),
      (error: { code?: string; params?: { host?: string } }) =>
        error.code === 'SHELL_HOST_NOT_LOOPBACK' && error.params?.host === host,
    );
  }
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])
    assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'box.example']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('wbc serve --host 0.0.0.0 refuses plain HTTP on the LAN and names --allow-remote', async (t) => {
  const run = await wbc(['serve', '--host', '0.0.0.0', '--data-dir', tempDir(t)]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /SHELL_HOST_NOT_LOOPBACK/);
  assert.match(run.stderr, /plain HTTP/);
  assert.match(run.stderr, /--allow-remote/);
});
