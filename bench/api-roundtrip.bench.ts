// One api call through the browser shell's WebSocket and the router (validation, SQLite read,
// reply), against the floor of a bare ws echo round trip on the same loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { openCore } from '../main/core.ts';
import { MAX_FRAME_BYTES, startShellServer } from '../main/server/shell-server.ts';
import { report, stats } from './harness.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
/** Floor and figure take turns in blocks, so a neighbour's burst of load lands on both alike. */
const BLOCKS = 10;

const request = (id: number) => JSON.stringify({ type: 'call', id, method: 'sites.list', params: {} });

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  // The shell's server, like the echo, declines permessage-deflate (ws's default): a compressed answer
  // would cost more than it saves on loopback. A browser offers it; this client offers it too.
  if (ws.extensions !== '') throw new Error(`unexpected extensions negotiated: ${ws.extensions}`);
  return ws;
}

async function roundTrips(ws: WebSocket, ids: { next: number }, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const frame = request(ids.next++);
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(frame);
    });
    samples.push((performance.now() - t0) * 1000);
  }
  return samples;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  for (let i = 0; i < 20; i++)
    await core.router.call('sites.create', { name: `Site ${i}` }, core.context('cli'));
  const server = await startShellServer({ core, staticDir: dir });
  const shell = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);

  // The floor carries the same bytes over the same ws library in the same process layout: the same
  // request text in, and a text answer as long as the shell's answer out (a text frame, so the client
  // checks its UTF-8 as it does the shell's), with the shell server's frame limit. What is left between
  // the two is the tool's own work: parsing, routing, validating, reading, serializing.
  const answer = await new Promise<string>((resolve) => {
    shell.once('message', (data) => resolve(String(data)));
    shell.send(request(0));
  });
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_FRAME_BYTES });
  echo.on('connection', (ws) => ws.on('message', () => ws.send(answer)));
  await new Promise((resolve) => echo.on('listening', resolve));
  const bare = await connect(`ws://127.0.0.1:${(echo.address() as AddressInfo).port}`);

  const perBlock = Math.ceil(CALLS / BLOCKS);
  const ids = { next: 1 };
  const floorSamples: number[] = [];
  const figureSamples: number[] = [];
  // The first block of each warms the JIT and is not counted.
  for (let block = 0; block <= BLOCKS; block++) {
    const floorBlock = await roundTrips(bare, ids, perBlock);
    const figureBlock = await roundTrips(shell, ids, perBlock);
    if (block === 0) continue;
    floorSamples.push(...floorBlock);
    figureSamples.push(...figureBlock);
  }

  bare.close();
  shell.close();
  echo.close();
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  report({
    name: 'api call sites.list over the browser shell',
    unit: 'µs',
    figure: stats(figureSamples),
    floor: stats(floorSamples),
    floorName: `ws echo round trip, same frames (${request(1).length} B in, ${answer.length} B out)`,
  });
}
