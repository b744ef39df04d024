// The two ends of the proxy benchmark: an ocpp-rpc CSMS that answers Heartbeats and an ocpp-rpc box timing
// its Heartbeat round trips; used in the benchmark's own process and in a process of their own.

import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RPCClient, RPCServer } from 'ocpp-rpc';

/** A CSMS on loopback answering every Heartbeat; its address without the identity. */
export async function heartbeatCsms(): Promise<{ url: string; close: () => Promise<void> }> {
  const csms = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  csms.on('client', (client: { handle(m: string, h: () => unknown): void }) =>
    client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() })),
  );
  const http = await csms.listen(0, '127.0.0.1');
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ocpp`,
    close: () => csms.close({ force: true }),
  };
}

/** Microseconds per frame of `calls` Heartbeat round trips (a call and its result, two frames) from one box
 *  connection; the first tenth warms the JIT and is left out. */
export async function heartbeatFrames(endpoint: string, identity: string, calls: number): Promise<number[]> {
  const box = new RPCClient({
    endpoint,
    identity,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
  } as ConstructorParameters<typeof RPCClient>[0]);
  await box.connect();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await box.call('Heartbeat', {});
    samples.push(((performance.now() - t0) * 1000) / 2);
  }
  await box.close({ code: 1000 });
  return samples.slice(Math.floor(calls / 10));
}
