// A car park: N simulated 2.0.1 boxes (200 by default) commissioned at once on this machine, from the
// start of the runs to every box having left for the company CSMS. The floor: the same number of OCPP
// round trips per box made with bare ocpp-rpc between the same number of sockets on loopback.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { openCore } from '../main/core.ts';
import { report, stats } from './harness.ts';

const BOXES = Number(process.env.BENCH_BOXES ?? 200);

async function companyCsms(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: false });
  server.on('client', (client: { handle(h: (r: { method: string }) => unknown): void }) =>
    client.handle(({ method }) =>
      method === 'BootNotification'
        ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }
        : {},
    ),
  );
  const http = await server.listen(0, '127.0.0.1');
  return {
    url: `ws://127.0.0.1:${(http.address() as { port: number }).port}/ocpp`,
    close: () => server.close({ force: true }),
  };
}

async function toolFleet(): Promise<{
  activeMs: number;
  totalMs: number;
  perBoxMs: number[];
  calls: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  const company = await companyCsms();
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 5 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const ids = Array.from({ length: BOXES }, (_, i) => `WB-${String(i + 1).padStart(4, '0')}`);
  // The boxes live in a process of their own, as they are separate machines on a car park.
  const sims = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./support/sim-fleet.ts', import.meta.url)),
      url,
      String(BOXES),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    sims.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    sims.once('exit', (code) => reject(new Error(`simulators exited ${code}`)));
  });
  await Promise.all(ids.map((id) => core.ocpp.csms.waitFor(id, { timeoutMs: 60_000, booted: true })));

  const template = {
    name: 'Car park',
    csms: { url: company.url, securityProfile: 1 },
    heartbeatIntervalS: 600,
    verifyWindowS: 1,
    groups: [],
    settings: {},
  };
  const resetAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  core.commissioning.on('run', (r: { id: number; identity: string; step: string }) => {
    if (r.step === 'verify' && !resetAt.has(r.identity)) resetAt.set(r.identity, performance.now());
  });
  const t0 = performance.now();
  const { runs } = core.commissioning.startFleet('bench', ids, template, 'auto');
  for (const id of ids) startedAt.set(id, t0);
  const results = await Promise.all(runs.map((r) => core.commissioning.settled(r.id)));
  const totalMs = performance.now() - t0;
  const failed = results.filter((r) => r.status !== 'left-not-confirmed' && r.status !== 'confirmed');
  if (failed.length > 0) throw new Error(`${failed.length} runs failed: ${JSON.stringify(failed[0]?.error)}`);
  // The active part ends at the reset; the verify window afterwards is a deliberate wait.
  const activeMs = Math.max(...ids.map((id) => (resetAt.get(id) ?? t0) - t0));
  const perBoxMs = ids.map((id) => (resetAt.get(id) ?? t0) - (startedAt.get(id) ?? t0));
  const calls = core.ocpp.trace
    .list({ identity: ids[0], limit: 1000 })
    .filter((f) => f.direction === 'out' && f.kind === 'call').length;
  await new Promise((resolve) => {
    sims.once('exit', resolve);
    sims.kill('SIGTERM');
  });
  await company.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return { activeMs, totalMs, perBoxMs, calls };
}

/** N sockets, each making `calls` sequential round trips from the server side, all boxes at once. */
async function bareFleet(calls: number): Promise<number> {
  const server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: false });
  const http = await server.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${(http.address() as { port: number }).port}/ocpp`;
  const peers: Array<{ call(m: string, p: unknown): Promise<unknown> }> = [];
  const all = new Promise<void>((resolve) =>
    server.on('client', (c: { call(m: string, p: unknown): Promise<unknown> }) => {
      peers.push(c);
      if (peers.length === BOXES) resolve();
    }),
  );
  const clients = Array.from({ length: BOXES }, (_, i) => {
    const client = new RPCClient({
      endpoint: url,
      identity: `F-${i}`,
      protocols: ['ocpp2.0.1'],
      strictMode: false,
      reconnect: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    client.handle(async () => ({ status: 'Accepted' }));
    return client;
  });
  await Promise.all(clients.map((c) => c.connect()));
  await all;
  const t0 = performance.now();
  await Promise.all(
    peers.map(async (peer) => {
      for (let i = 0; i < calls; i++) await peer.call('SetVariables', { setVariableData: [] });
    }),
  );
  const elapsed = performance.now() - t0;
  await Promise.all(clients.map((c) => c.close({ force: true })));
  await server.close({ force: true });
  return elapsed;
}

export async function run(): Promise<void> {
  const tool = await toolFleet();
  const floorMs = await bareFleet(tool.calls);
  const perBox = stats(tool.perBoxMs);
  report({
    name: `fleet of ${BOXES} OCPP 2.0.1 boxes commissioned at once (to reset, ${tool.calls} calls per box)`,
    unit: 'ms',
    figure: { median: tool.activeMs, p90: tool.activeMs, p99: tool.activeMs, runs: 1 },
    floor: { median: floorMs, p90: floorMs, p99: floorMs, runs: 1 },
    floorName: `${BOXES} bare ocpp-rpc sockets making ${tool.calls} round trips each`,
  });
  process.stdout.write(
    `  wall time to every box verified: ${(tool.totalMs / 1000).toFixed(1)} s (includes the 1 s verify window); time per box to reset: median ${perBox.median.toFixed(0)} ms, p90 ${perBox.p90.toFixed(0)} ms\n`,
  );
}
