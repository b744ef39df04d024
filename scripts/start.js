#!/usr/bin/env node
// `npm start`: builds the UI, then opens the desktop window; where no Electron runtime can start (binary
// missing and not downloadable, or no display) it says so in one line and serves the same UI to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const lang = (process.env.LC_ALL || process.env.LANG || '').slice(0, 2) === 'de' ? 'de' : 'en';
const catalog = {
  ...JSON.parse(readFileSync(join(root, 'locales/en.json'), 'utf8')),
  ...JSON.parse(readFileSync(join(root, `locales/${lang}.json`), 'utf8')),
};
const t = (key, params = {}) => catalog[key].replace(/\{(\w+)\}/g, (_, name) => params[name]);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The Electron binary, if it is installed or can be downloaded now (quietly, within a minute). */
function electronBinary() {
  const pkg = join(root, 'node_modules/electron');
  const binary = () => {
    const pathFile = join(pkg, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const file = join(pkg, 'dist', readFileSync(pathFile, 'utf8'));
    return existsSync(file) ? file : null;
  };
  if (binary()) return binary();
  if (!existsSync(join(pkg, 'install.js'))) return null;
  spawnSync(process.execPath, [join(pkg, 'install.js')], { cwd: pkg, stdio: 'ignore', timeout: 60_000 });
  return binary();
}

const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electron = hasDisplay ? electronBinary() : null;

if (electron) {
  run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
  const child = spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  run(process.execPath, [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'vite.renderer.config.ts',
    '--logLevel',
    'error',
  ]);
  run(process.execPath, [join(root, 'scripts/build-core.mjs')]);
  const reason = hasDisplay ? t('start.reason.binary') : t('start.reason.display');
  process.stdout.write(`${t('start.noElectron', { reason })}\n`);
  const child = spawn(process.execPath, [join(root, 'bin/wbc.js'), 'serve', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
