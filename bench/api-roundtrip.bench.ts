// One api call through the browser shell's WebSocket and the router (validation, SQLite read,
// reply), against the floor of a bare ws echo round trip on the same loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { openCore } from '../main/core.ts';
import { startShellServer } from '../main/server/shell-server.ts';
import { report, stats } from './harness.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);

async function roundTrips(url: string, frame: (id: number) => string): Promise<number[]> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const samples: number[] = [];
  for (let id = 1; id <= CALLS; id++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(frame(id));
    });
    samples.push((performance.now() - t0) * 1000);
  }
  ws.close();
  return samples.slice(Math.floor(CALLS / 10)); // the first tenth warms the JIT
}

export async function run(): Promise<void> {
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  echo.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  await new Promise((resolve) => echo.on('listening', resolve));
  const floor = stats(
    await roundTrips(`ws://127.0.0.1:${(echo.address() as AddressInfo).port}`, (id) =>
      JSON.stringify({ id }),
    ),
  );
  echo.close();

  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  for (let i = 0; i < 20; i++)
    await core.router.call('sites.create', { name: `Site ${i}` }, core.context('cli'));
  const server = await startShellServer({ core, staticDir: dir });
  const figure = stats(
    await roundTrips(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, (id) =>
      JSON.stringify({ type: 'call', id, method: 'sites.list', params: {} }),
    ),
  );
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  report({
    name: 'api call sites.list over the browser shell',
    unit: 'µs',
    figure,
    floor,
    floorName: 'bare ws echo round trip',
  });
}
