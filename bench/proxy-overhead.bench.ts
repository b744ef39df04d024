// Proxy mode's cost per frame: an OCPP-J round trip (a box's Heartbeat and its answer, two frames) from an
// ocpp-rpc box to an ocpp-rpc CSMS through the tool's proxy (relay and trace into SQLite), against the
// floor of the same round trip on a direct connection, both on loopback in the same run. Goal: at most 1.5x.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { openCore } from '../main/core.ts';
import { report, stats } from './harness.ts';

/** Round trips per connection; six connections each way, taken in turns. */
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);

/** Microseconds per frame: each round trip is a call and its result. */
async function perFrame(endpoint: string, identity: string): Promise<number[]> {
  const box = new RPCClient({
    endpoint,
    identity,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
  } as ConstructorParameters<typeof RPCClient>[0]);
  await box.connect();
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await box.call('Heartbeat', {});
    samples.push(((performance.now() - t0) * 1000) / 2);
  }
  await box.close({ code: 1000 });
  return samples.slice(Math.floor(CALLS / 10)); // the first tenth warms the JIT
}

export async function run(): Promise<void> {
  const csms = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  csms.on('client', (client: { handle(m: string, h: () => unknown): void }) =>
    client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() })),
  );
  const http = await csms.listen(0, '127.0.0.1');
  const upstream = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ocpp`;

  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  const status = await core.proxy.start({ upstream, host: '127.0.0.1', port: 0 });
  const proxied = `ws://127.0.0.1:${status.port}/ocpp`;

  // Interleaved halves, so a slower moment of the machine falls on both sides alike.
  const direct: number[] = [];
  const relayed: number[] = [];
  for (let round = 0; round < 6; round++) {
    direct.push(...(await perFrame(upstream, `BENCH-D${round}`)));
    relayed.push(...(await perFrame(proxied, `BENCH-P${round}`)));
  }
  await core.proxy.stop();
  await core.close();
  await csms.close({ force: true });
  rmSync(dir, { recursive: true, force: true });
  report({
    name: 'proxy overhead per frame (Heartbeat round trip through the proxy, traced)',
    unit: 'µs',
    figure: stats(relayed),
    floor: stats(direct),
    floorName: 'the same round trip on a direct connection',
  });
}
