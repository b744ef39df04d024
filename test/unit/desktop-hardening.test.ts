// The desktop app's hardening that can be checked without an Electron binary (none can run here):
// the fuses as electron-builder itself reads and validates its config, and the app:// answers the
// window's handler gives, called in Node with real files. The window itself runs only on a user's machine.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { APP_INDEX_URL, appProtocolResponse, isAppIndex, isAppUrl } from '../../main/server/app-protocol.ts';
import { contentSecurityPolicy } from '../../main/server/security-headers.ts';
import { tempDir } from '../support/temp.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('electron-builder reads fuses that close run-as-node, NODE_OPTIONS, inspect and code outside a checked asar', async () => {
  const config = await getConfig(root, null, null);
  // electron-builder's own schema check: a misspelt fuse would throw here, not be ignored.
  await validateConfiguration(config, { isEnabled: false, add() {} } as never);
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

test('the window is loaded from app://wbc/, not file://, and only that page may call the api', () => {
  const main = readFileSync(join(root, 'electron/main.ts'), 'utf8');
  assert.doesNotMatch(main, /loadFile\(|pathToFileURL/);
  assert.match(main, /loadURL\(APP_INDEX_URL\)/);
  assert.match(main, /protocol\.handle\(APP_SCHEME/);
  assert.equal(APP_INDEX_URL, 'app://wbc/index.html');
  assert.ok(isAppIndex('app://wbc/index.html'));
  assert.ok(isAppIndex('app://wbc/index.html#/cards'));
  assert.ok(isAppUrl('app://wbc/assets/main.js'));
  for (const url of [
    'file:///opt/app/renderer/index.html',
    'app://evil/index.html',
    'app://user@wbc/index.html',
    'https://wbc/index.html',
    'not a url',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
  assert.equal(isAppIndex('app://wbc/assets/other.html'), false);
});

test('app:// serves the renderer with the CSP, and nothing outside its folder or for another host', async (t) => {
  const dir = tempDir(t);
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(renderer, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not for the page');

  const index = appProtocolResponse(renderer, { url: APP_INDEX_URL, method: 'GET' });
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-security-policy'), contentSecurityPolicy);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cache-control'), 'no-store');
  assert.equal(await index.text(), '<!doctype html><title>app</title>');
  const script = appProtocolResponse(renderer, { url: 'app://wbc/assets/main.js', method: 'GET' });
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');

  for (const url of [
    'app://wbc/../secret.txt',
    'app://wbc/%2e%2e/secret.txt',
    'app://wbc/assets/..%2f..%2fsecret.txt',
    'app://wbc/%2e%2e%5csecret.txt',
    'app://wbc/%00index.html',
    'app://wbc/%E0',
    'app://wbc/assets',
    'app://other/index.html',
  ]) {
    const answer = appProtocolResponse(renderer, { url, method: 'GET' });
    assert.equal(answer.status, 404, url);
    assert.doesNotMatch(await answer.text(), /not for the page/, url);
  }
  assert.equal(appProtocolResponse(renderer, { url: APP_INDEX_URL, method: 'POST' }).status, 404);
});
