// A 10,000-card local list pushed to one box in parts of 250 (Full + 39 Differential, version read
// back), against the fair floor: the same box (the same ocpp-rpc client, in the same process, booted
// alike) sent the same SendLocalList frames by a bare ocpp-rpc server on loopback.
//
// How it is measured, so the ratio repeats within a few percent from one invocation to the next:
// - One core (data folder, CSMS, trace) and one connected, booted box serve every push, as in the app: a
//   user's data folder is not fresh, and a fresh database per push timed the growth of a new WAL file (the
//   trace's 600 KB per push written into it) and the first statements of a new connection, which a user
//   pays once per session, not per push. Every per-push cost stays in the clock: the version read, the plan,
//   each part built, checked, traced and sent, the trace written on its timer (a flush that lands within
//   the push), the version read back. What is buffered when the box has answered is written after the clock
//   (as before, when the core closed after it), so it never lands in the floor's time.
// - The floor's server and box also stay up across its pushes, and its frames are built before its clock by
//   the tool's own builder (the exact frames the tool sends): the floor is the wire alone.
// - Floor and tool take turns (floor, tool, tool, floor, ...), so a neighbour's burst of load lands on both
//   alike, and each push starts from a collected heap: the garbage of one push is not collected in the
//   other's time. A push's own garbage is collected in its own time as it fills the young heap; what is
//   left of it when the push ends is collected before the next push, outside both clocks.
// - BENCH_RUNS pushes of each (21 by default) after 3 of each not counted (the JIT warms up).
// BENCH_VERSION=2.0.1 pushes to a 2.0.1 box (idToken objects, versionNumber) instead of 1.6.
// Where the tool's time goes, per push beside the floor's (CPU time is printed too: a loaded machine
// stretches wall times far more):
//   BENCH_WINDOWS=/tmp/w.txt node --cpu-prof --cpu-prof-interval 250 --cpu-prof-dir=/tmp/p --import tsx bench/run.ts local-list
//   node --import tsx bench/support/profile-windows.ts /tmp/p /tmp/w.txt
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { openCore } from '../main/core.ts';
import { planFullPush, pushLocalList } from '../main/ocpp/local-list-push.ts';
import type { StationSession } from '../main/ocpp/session.ts';
import { localListPayload16 } from '../main/ocpp/session16.ts';
import { localListPayload201 } from '../main/ocpp/session201.ts';
import type { LocalListEntry } from '../main/ocpp/types.ts';
import { measured, report, stats } from './harness.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 10_000);
const PART = 250;
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const WARMUP = 3;
const V201 = process.env.BENCH_VERSION === '2.0.1';
const protocol = V201 ? 'ocpp2.0.1' : 'ocpp1.6';
const limits = { maxItemsPerMessage: PART, maxBytesPerMessage: null, maxEntries: null, enabled: true };
const entries: LocalListEntry[] = Array.from({ length: CARDS }, (_, i) => ({
  idTag: `${(0x04000000 + i).toString(16).toUpperCase().padStart(8, '0')}A1B2C3`,
  status: 'Accepted',
  group: 'FLEET',
}));

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

type Client = InstanceType<typeof RPCClient>;
type Peer = { call(method: string, params: unknown): Promise<unknown> };

/** A box that keeps the list version and acknowledges every part, as fast as ocpp-rpc lets it. */
function box(url: string, identity: string): Client {
  const client = new RPCClient({
    endpoint: url,
    identity,
    protocols: [protocol],
    strictMode: false,
    reconnect: false,
  } as ConstructorParameters<typeof RPCClient>[0]);
  let version = 0;
  client.handle('GetLocalListVersion', async () =>
    V201 ? { versionNumber: version } : { listVersion: version },
  );
  client.handle('SendLocalList', async ({ params }) => {
    const p = params as { listVersion?: number; versionNumber?: number };
    version = (V201 ? p.versionNumber : p.listVersion) ?? 0;
    return { status: 'Accepted' };
  });
  return client;
}

const boot = (client: Client) =>
  V201
    ? client.call('BootNotification', {
        reason: 'PowerUp',
        chargingStation: { vendorName: 'Bench', model: 'List' },
      })
    : client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'List' });

async function toolSide() {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true });
  const client = box(`ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`, 'WB-BENCH');
  await client.connect();
  // The box boots, as every box does before a tool talks to it; without a boot the tool first asks a box
  // whether it is there at all (a second), which is the boot gate, not the push.
  await boot(client);
  await core.ocpp.csms.waitFor('WB-BENCH', { timeoutMs: 5000, booted: true });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const session = core.ocpp.csms.session('WB-BENCH');
  return {
    push: async () => {
      const outcome = await pushLocalList(session, { entries, limits });
      if (!outcome.verified || outcome.parts !== Math.ceil(CARDS / PART))
        throw new Error(`push not verified: ${JSON.stringify(outcome)}`);
    },
    settle: () => core.ocpp.trace.flush(),
    close: async () => {
      await client.close({ force: true });
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function floorSide() {
  const server = new RPCServer({ protocols: [protocol], strictMode: false });
  const http = await server.listen(0, '127.0.0.1');
  const port = (http.address() as { port: number }).port;
  const connected = new Promise<Peer>((resolve) => server.on('client', resolve));
  const client = box(`ws://127.0.0.1:${port}/ocpp`, 'WB-FLOOR');
  await client.connect();
  const peer = await connected;
  // The tool's own builder makes the frames, before the clock: the same bytes on the wire.
  const build = V201 ? localListPayload201 : localListPayload16;
  const planner = { localListPayload: build } as StationSession;
  let version = 0;
  return {
    push: async (frames: unknown[]) => {
      await peer.call('GetLocalListVersion', {});
      for (const payload of frames) await peer.call('SendLocalList', payload);
      await peer.call('GetLocalListVersion', {});
    },
    frames: () => {
      const parts = planFullPush(planner, entries, version, limits);
      version = parts.at(-1)?.version ?? version;
      return parts.map((p) => build(p.version, p.update, p.entries, p.removals));
    },
    close: async () => {
      await client.close({ force: true });
      await server.close({ force: true });
    },
  };
}

export async function run(): Promise<void> {
  const tool = await toolSide();
  const floor = await floorSide();
  const samples = {
    tool: { wall: [] as number[], cpu: [] as number[] },
    floor: { wall: [] as number[], cpu: [] as number[] },
  };
  /** Wall time and CPU time (all threads of this process: tool, box, garbage collector) of one push. */
  const timed = async (side: 'tool' | 'floor', push: () => Promise<void>, counted: boolean) => {
    collect();
    const cpu = process.cpuUsage();
    const ms = await measured(side, push);
    const used = process.cpuUsage(cpu);
    if (!counted) return;
    samples[side].wall.push(ms);
    samples[side].cpu.push((used.user + used.system) / 1000);
  };
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const counted = round >= WARMUP;
    const frames = floor.frames();
    const floorPush = () => timed('floor', () => floor.push(frames), counted);
    const toolPush = async () => {
      await timed('tool', tool.push, counted);
      tool.settle();
    };
    // floor, tool, tool, floor: each follows its own kind as often as the other.
    if (round % 2 === 0) {
      await floorPush();
      await toolPush();
    } else {
      await toolPush();
      await floorPush();
    }
  }
  await floor.close();
  await tool.close();
  const name = `local list of ${CARDS} cards in parts of ${PART}${V201 ? ' (OCPP 2.0.1)' : ''}`;
  report({
    name,
    unit: 'ms',
    figure: stats(samples.tool.wall),
    floor: stats(samples.floor.wall),
    floorName: 'the same SendLocalList round trips with bare ocpp-rpc',
  });
  // CPU time is what the tool adds whatever a neighbour does with the cores: a loaded machine stretches
  // the wall times (and their ratio) far more than this.
  const cpu = { tool: stats(samples.tool.cpu).median, floor: stats(samples.floor.cpu).median };
  process.stdout.write(
    `  CPU per push (this process, box included): ${cpu.tool.toFixed(1)} ms, floor ${cpu.floor.toFixed(1)} ms; ratio ${(cpu.tool / cpu.floor).toFixed(2)}x\n`,
  );
}
