// One data folder for every face of an installation: the same path function chooses it for the desktop,
// the browser shell and `wbc`, on Linux, macOS and Windows. Pure path logic and a source scan: no wire.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../../main/store/paths.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the data folder on Linux, macOS and Windows, and the flag and WBC_DATA_DIR before it', () => {
  const home = { linux: '/home/ana', darwin: '/Users/ana', win32: 'C:\\Users\\ana' };
  assert.equal(
    resolveDataDir({ env: {}, platform: 'linux', home: home.linux }),
    '/home/ana/.local/share/wallbox-commissioner',
  );
  assert.equal(
    resolveDataDir({ env: { XDG_DATA_HOME: '/data/ana' }, platform: 'linux', home: home.linux }),
    '/data/ana/wallbox-commissioner',
  );
  assert.equal(
    resolveDataDir({ env: {}, platform: 'darwin', home: home.darwin }),
    '/Users/ana/Library/Application Support/wallbox-commissioner',
  );
  assert.equal(
    resolveDataDir({
      env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' },
      platform: 'win32',
      home: home.win32,
    }),
    'C:\\Users\\ana\\AppData\\Roaming\\wallbox-commissioner',
  );
  assert.equal(
    resolveDataDir({ env: {}, platform: 'win32', home: home.win32 }),
    'C:\\Users\\ana\\AppData\\Roaming\\wallbox-commissioner',
  );
  // The flag wins over the environment, the environment over the platform's folder, on every platform.
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.equal(resolveDataDir({ flag: '/srv/a', env: { WBC_DATA_DIR: '/srv/b' }, platform }), '/srv/a');
    assert.equal(resolveDataDir({ env: { WBC_DATA_DIR: '/srv/b' }, platform }), '/srv/b');
  }
});

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

test('every face takes its data folder from resolveDataDir, and nothing else composes one', () => {
  const sources = [...files(join(root, 'main')), ...files(join(root, 'electron'))].map((file) => ({
    file: relative(root, file),
    text: readFileSync(file, 'utf8'),
  }));
  // Where a core is opened for a face: the desktop, and the CLI (which also runs the browser shell).
  const openers = sources.filter((s) => /\bopenCore\(\{/.test(s.text)).map((s) => s.file);
  assert.deepEqual(openers.sort(), ['electron/main.ts', 'main/cli/context.ts']);
  for (const file of openers) {
    const text = sources.find((s) => s.file === file)?.text ?? '';
    assert.match(text, /resolveDataDir\(/, `${file} takes the folder from resolveDataDir`);
  }
  // No other module knows the platform folders or the app folder's name.
  const composing = sources
    .filter((s) => s.file !== 'main/store/paths.ts')
    .filter((s) => /Application Support|XDG_DATA_HOME|'AppData'|APP_FOLDER|\.local[/'", ]+share/.test(s.text))
    .map((s) => s.file);
  assert.deepEqual(composing, []);
  // Electron's own per-app folder is only read to move an old installation's data into the one folder.
  const desktop = sources.find((s) => s.file === 'electron/main.ts')?.text ?? '';
  const userData = [...desktop.matchAll(/.*getPath\('userData'\).*/g)].map((m) => m[0].trim());
  assert.equal(userData.length, 1);
  assert.match(userData[0] ?? '', /adoptLegacyFolder\(app\.getPath\('userData'\), dataDir\)/);
});
