// Browser shell cold start: from spawning `wbc serve` to the first api answer over its WebSocket,
// against the floor of spawning a bare node http server and getting its first answer.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { repeat, report, stats } from './harness.ts';

const wbc = fileURLToPath(new URL('../bin/wbc.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0 && out.slice(0, nl).trim().endsWith('}')) resolve(out.slice(0, nl));
      else if (out.includes('}\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function shellStart(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [wbc, 'serve', '--json', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = JSON.parse(await firstLine(child)) as { url: string; port: number };
  const token = new URL(ready.url).searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://127.0.0.1:${ready.port}/api?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', params: {} })));
    ws.on('message', () => resolve());
    ws.on('error', reject);
  });
  const elapsed = performance.now() - t0;
  ws.close();
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

const bareServer = `
  const http = require('node:http');
  const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

async function bareStart(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', bareServer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { port } = JSON.parse(await firstLine(child)) as { port: number };
  await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const elapsed = performance.now() - t0;
  await stop(child);
  return elapsed;
}

export async function run(): Promise<void> {
  // What users run: the bundled core (npm start and npm test build it; here it is built fresh).
  spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-core.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
  await shellStart(); // warm the file cache once, as a second start on a laptop would be
  const floor = stats(await repeat(RUNS, bareStart));
  const figure = stats(await repeat(RUNS, shellStart));
  report({
    name: 'browser shell cold start to first api answer',
    unit: 'ms',
    figure,
    floor,
    floorName: 'bare node http server start to first answer',
  });
}
