// `npm start` on a machine where the desktop window cannot open (no display here, and no Electron
// binary): one line says why, then the same UI is served and the printed address answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp.ts';

const start = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));

test('npm start without a display says so in one line and serves the browser shell', async (t) => {
  const dir = tempDir(t);
  const env: NodeJS.ProcessEnv = { ...process.env, WBC_DATA_DIR: dir, LANG: 'C.UTF-8', LC_ALL: '' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [start, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  t.after(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const output = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (/ready: http/.test(out) && out.endsWith('\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`start exited ${code}: ${out}`)));
  });
  const lines = output.trim().split('\n');
  assert.match(
    lines[0] ?? '',
    /^The desktop window cannot start here \(no display\); serving the same app to your browser instead\.$/,
  );
  const url = output.match(/ready: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/)?.[1];
  assert.ok(url, output);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  process.kill(-(child.pid as number), 'SIGTERM');
  await exited;
});
