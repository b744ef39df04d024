// The local channel's wire as a `wbc` command or an intruder meets it: a real core, a real Unix socket and
// WebSocket frames; the token, the size limit, clean closes (1000 from a command, 1001 when the core goes).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { openCore } from '../../main/core.ts';
import { channelPaths, openLocalChannel } from '../../main/server/local-channel.ts';
import { connectLocalChannel } from '../../main/server/local-channel-client.ts';
import { adoptLegacyFolder } from '../../main/store/legacy-folder.ts';
import {
  keyFilePath,
  sealedKeyFilePath,
  VAULT_KEY_BYTES,
  type VaultKeyProvider,
} from '../../main/store/vault-key.ts';
import { wbc } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

function rawClient(dataDir: string, token: string): WebSocket {
  const { address } = channelPaths(dataDir);
  return new WebSocket(`ws://localhost/api?token=${encodeURIComponent(token)}`, {
    createConnection: () => connect(address),
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

test('a command calls through the channel, hears events, and closes cleanly; the core going away says 1001', async (t) => {
  const core = testCore(t);
  const channel = await openLocalChannel(core);
  t.after(() => channel.close());
  const client = await connectLocalChannel(core.dataDir, 'en');
  assert.ok(client);
  const heard: string[] = [];
  client.subscribe((event) => heard.push(event));
  const reply = await client.call('sites.create', { name: 'Depot' });
  assert.equal(reply.ok, true);
  await until(() => heard.includes('data.changed'));
  assert.equal(channel.connections(), 1);
  await client.close();
  await until(() => channel.connections() === 0);

  const token = readFileSync(channelPaths(core.dataDir).token, 'utf8');
  const raw = rawClient(core.dataDir, token);
  await new Promise((resolve) => raw.once('open', resolve));
  const code = closed(raw);
  await channel.close();
  assert.equal(await code, 1001);
  assert.equal(existsSync(channelPaths(core.dataDir).address), false);
});

test('a wrong token is refused before any call; a frame over the limit closes that connection only', async (t) => {
  const core = testCore(t);
  const channel = await openLocalChannel(core, { maxFrameBytes: 64 * 1024 });
  t.after(() => channel.close());
  const intruder = rawClient(core.dataDir, 'not-the-token');
  const status = await new Promise<number>((resolve) =>
    intruder.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
  );
  assert.equal(status, 401);

  const token = readFileSync(channelPaths(core.dataDir).token, 'utf8');
  const big = rawClient(core.dataDir, token);
  big.on('error', () => undefined);
  await new Promise((resolve) => big.once('open', resolve));
  const code = closed(big);
  big.send(
    JSON.stringify({ type: 'call', id: 1, method: 'sites.create', params: { name: 'x'.repeat(100_000) } }),
  );
  assert.equal(await code, 1009);

  const client = await connectLocalChannel(core.dataDir, 'en');
  assert.ok(client);
  const bad = rawClient(core.dataDir, token);
  await new Promise((resolve) => bad.once('open', resolve));
  const answer = new Promise<string>((resolve) => bad.once('message', (data) => resolve(data.toString())));
  bad.send('not json');
  assert.match(await answer, /"id":-1.*BAD_REQUEST/);
  bad.close(1000);
  assert.equal((await client.call('sites.list', {})).ok, true, 'the core still answers');
  await client.close();
});

test('wbc on a folder whose key the desktop sealed says the app must be running, and changes nothing', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'vault.key.sealed'), 'sealed by safeStorage', { mode: 0o600 });
  const run = await wbc(['sites', 'list', '--data-dir', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /VAULT_KEY_SEALED/);
  assert.match(run.stderr, /Start the desktop app/);
  assert.equal(existsSync(join(dir, 'vault.key')), false, 'no second key made beside the sealed one');
  assert.equal(existsSync(join(dir, 'commissioner.db')), false);
});

test('wbc on a folder whose key the desktop sealed goes through the running desktop core; once it is closed, it says so', async (t) => {
  const dir = tempDir(t);
  const sealedFile = sealedKeyFilePath(dir);
  // The desktop's core as electron/main.ts opens it. Electron's safeStorage cannot run here (no Electron
  // binary), so this in-process stand-in keeps the key in the sealed file: no wire exists to test instead.
  const sealed: VaultKeyProvider = {
    kind: 'safeStorage',
    location: sealedFile,
    loadKey: () => (existsSync(sealedFile) ? readFileSync(sealedFile) : null),
    createKey: () => {
      const key = randomBytes(VAULT_KEY_BYTES);
      writeFileSync(sealedFile, key, { mode: 0o600, flag: 'wx' });
      return key;
    },
  };
  const desktop = openCore({ dataDir: dir, keyProvider: sealed, defaultLanguage: 'en' });
  const channel = await openLocalChannel(desktop);
  await callOk(desktop, 'sites.create', { name: 'Depot' });
  await callOk(desktop, 'secrets.put', { purpose: 'csms-basic-auth', label: 'x', value: 'a-password-0001' });
  assert.ok(existsSync(sealedFile), 'the desktop sealed its key');

  const through = await wbc(['sites', 'list', '--json', '--data-dir', dir]);
  assert.equal(through.code, 0, through.stderr);
  assert.match(through.stdout, /Depot/);
  assert.doesNotMatch(through.stderr, /VAULT_KEY_SEALED/);
  assert.equal(existsSync(keyFilePath(dir)), false, 'wbc made no key of its own beside the sealed one');

  await channel.close();
  await desktop.close();
  const alone = await wbc(['sites', 'list', '--data-dir', dir]);
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /VAULT_KEY_SEALED/);
  assert.match(alone.stderr, /Start the desktop app and run the command again/);
});

test("the desktop's old userData folder is moved into the one data folder once, never over another", (t) => {
  const root = tempDir(t);
  const legacy = join(root, 'userData');
  const dataDir = join(root, 'data');
  mkdirSync(join(legacy, 'logs'), { recursive: true });
  writeFileSync(join(legacy, 'commissioner.db'), 'db');
  writeFileSync(join(legacy, 'vault.key.sealed'), 'key');
  writeFileSync(join(legacy, 'Preferences'), 'electron');
  assert.equal(adoptLegacyFolder(legacy, dataDir), 'moved');
  assert.equal(readFileSync(join(dataDir, 'commissioner.db'), 'utf8'), 'db');
  assert.equal(readFileSync(join(dataDir, 'vault.key.sealed'), 'utf8'), 'key');
  assert.ok(existsSync(join(dataDir, 'logs')));
  assert.ok(existsSync(join(legacy, 'Preferences')), "Electron's own files stay");
  writeFileSync(join(legacy, 'commissioner.db'), 'another');
  assert.equal(adoptLegacyFolder(legacy, dataDir), 'both');
  assert.equal(readFileSync(join(dataDir, 'commissioner.db'), 'utf8'), 'db', 'nothing overwritten');
});
