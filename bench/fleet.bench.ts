// A car park: N simulated 2.0.1 boxes (200 by default) commissioned at once on this machine, from the
// start of the runs to every box having left for the company CSMS. Two floors, measured in the same run:
// the fair one, the same simulated boxes in the same process layout driven by a bare ocpp-rpc server
// making the same calls (bench/support/fair-fleet-floor.ts), so the ratio measures the tool; and the
// wire alone, the same number of round trips between bare ocpp-rpc sockets. BENCH_RUNS rounds (default
// 3), the tool and the fair floor taking turns on fresh boxes, so one invocation's ratio is steady.

import { performance } from 'node:perf_hooks';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { report, stats } from './harness.ts';
import { fairFleetFloor } from './support/fair-fleet-floor.ts';
import { type ToolFleetResult, toolFleet } from './support/tool-fleet.ts';

const BOXES = Number(process.env.BENCH_BOXES ?? 200);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

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
  const tools: ToolFleetResult[] = [];
  const fair: number[] = [];
  const wire: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    // Every other round the floor goes first: a slow spell of the shared machine falls on both sides.
    const floorFirst = round % 2 === 1;
    const floorBefore = floorFirst ? await fairFleetFloor(BOXES) : 0;
    const tool = await toolFleet(BOXES);
    const floorMs = floorFirst ? floorBefore : await fairFleetFloor(BOXES);
    tools.push(tool);
    fair.push(floorMs);
    ratios.push(tool.activeMs / floorMs);
    wire.push(await bareFleet(tool.calls));
  }
  const first = tools[0] as ToolFleetResult;
  const active = stats(tools.map((t) => t.activeMs));
  const perBox = stats(tools.flatMap((t) => t.perBoxMs));
  const cpu = stats(tools.map((t) => t.cpuMs));
  const total = stats(tools.map((t) => t.totalMs));
  const ratio = stats(ratios);
  const wireStats = stats(wire);
  report({
    name: `fleet of ${BOXES} OCPP 2.0.1 boxes commissioned at once (to reset, ${first.calls} calls per box)`,
    unit: 'ms',
    figure: active,
    floor: stats(fair),
    floorName: `the same ${BOXES} simulated boxes driven by a bare ocpp-rpc server making the same calls`,
  });
  const s = (ms: number) => (ms / 1000).toFixed(2);
  process.stdout.write(
    `  ratio per round (tool / fair floor of the same round): median ${ratio.median.toFixed(2)}x, p90 ${ratio.p90.toFixed(2)}x; rounds ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}\n` +
      `  calls per box: ${first.actions.join(', ')}\n` +
      `  floor "${BOXES} bare ocpp-rpc sockets making ${first.calls} round trips each": median ${wireStats.median.toFixed(1)} ms; ratio ${(active.median / wireStats.median).toFixed(2)}x\n` +
      `  wall time to every box verified: median ${s(total.median)} s (includes the 1 s verify window); time per box to reset: median ${perBox.median.toFixed(0)} ms, p90 ${perBox.p90.toFixed(0)} ms\n` +
      `  CPU time of the tool's process to every box verified: median ${s(cpu.median)} s, p90 ${s(cpu.p90)} s (the machine's load does not stretch it)\n`,
  );
}
