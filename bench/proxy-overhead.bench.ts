// Proxy mode's cost per frame: an OCPP-J round trip (a box's Heartbeat and its answer, two frames) from an
// ocpp-rpc box to an ocpp-rpc CSMS through the tool's proxy (relay and trace into SQLite), against the
// floor of the same round trip on a direct connection, both on loopback in the same run. Goal: at most 1.5x.
// Two lines: everything in this one process (the figure as first measured), and the box and the CSMS each
// in a process of their own as in the field (the floor then crosses processes too, one hop each way).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCore } from '../main/core.ts';
import { report, stats } from './harness.ts';
import { heartbeatCsms, heartbeatFrames } from './support/ocpp-peers.ts';

/** Round trips per connection; six connections each way, taken in turns. */
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const ROUNDS = 6;

type Measure = (endpoint: string, identity: string) => Promise<number[]>;

/** The tool's proxy (with its trace) in this process, pointed at `upstream`; both figures use it alike. */
async function withProxy(upstream: string, measure: (proxied: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  try {
    const status = await core.proxy.start({ upstream, host: '127.0.0.1', port: 0 });
    await measure(`ws://127.0.0.1:${status.port}/ocpp`);
    await core.proxy.stop();
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Interleaved rounds, so a slower moment of the machine falls on both sides alike. */
async function interleaved(measure: Measure, upstream: string, proxied: string, tag: string) {
  const direct: number[] = [];
  const relayed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(...(await measure(upstream, `BENCH-${tag}D${round}`)));
    relayed.push(...(await measure(proxied, `BENCH-${tag}P${round}`)));
  }
  return { direct, relayed };
}

interface Peer {
  /** The CSMS's address (a `csms` peer). */
  upstream: string;
  /** Heartbeat round trips from the box (a `box` peer). */
  measure: Measure;
  stop: () => Promise<void>;
}

/** One end in a process of its own (bench/support/ocpp-peers-process.ts). */
async function peerProcess(role: 'csms' | 'box'): Promise<Peer> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./support/ocpp-peers-process.ts', import.meta.url)),
    [role],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  // A benchmark that fails leaves no peers behind.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const next = () =>
    new Promise<{ type: string; upstream?: string; samples?: number[]; error?: string }>(
      (resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`the ${role} process exited ${code}`));
        child.once('exit', exited);
        child.once('message', (message: { type: string }) => {
          child.off('exit', exited);
          resolve(message);
        });
      },
    );
  const ready = await next();
  return {
    upstream: ready.upstream ?? '',
    measure: async (endpoint, identity) => {
      child.send({ type: 'measure', endpoint, identity, calls: CALLS });
      const answer = await next();
      if (answer.type !== 'samples') throw new Error(`the box process failed: ${answer.error}`);
      return answer.samples ?? [];
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
      process.off('exit', kill);
    },
  };
}

export async function run(): Promise<void> {
  // As it always was: box, proxy and CSMS in this one process (their CPU time adds up).
  const csms = await heartbeatCsms();
  let one = { direct: [] as number[], relayed: [] as number[] };
  await withProxy(csms.url, async (proxied) => {
    one = await interleaved((e, i) => heartbeatFrames(e, i, CALLS), csms.url, proxied, '');
  });
  await csms.close();
  report({
    name: 'proxy overhead per frame (Heartbeat round trip through the proxy, traced)',
    unit: 'µs',
    figure: stats(one.relayed),
    floor: stats(one.direct),
    floorName: 'the same round trip on a direct connection',
  });

  // As in the field: the box and the CSMS other machines (a process each), the proxy here.
  const csmsPeer = await peerProcess('csms');
  const boxPeer = await peerProcess('box');
  let apart = { direct: [] as number[], relayed: [] as number[] };
  try {
    await withProxy(csmsPeer.upstream, async (proxied) => {
      apart = await interleaved(boxPeer.measure, csmsPeer.upstream, proxied, 'X');
    });
  } finally {
    await Promise.all([boxPeer.stop(), csmsPeer.stop()]);
  }
  report({
    name: 'proxy overhead per frame, box and CSMS each in a process of their own (Heartbeat round trip through the proxy, traced)',
    unit: 'µs',
    figure: stats(apart.relayed),
    floor: stats(apart.direct),
    floorName: 'the same round trip on a direct connection, same layout',
  });
}
