// The tool commissioning N simulated 2.0.1 boxes at once, shared by the fleet (200) and portfolio (1,000)
// benchmarks: the boxes run in a process of their own (bench/support/sim-fleet.ts), the tool here.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RPCServer } from 'ocpp-rpc';
import { openCore } from '../../main/core.ts';

export const boxIds = (count: number) =>
  Array.from({ length: count }, (_, i) => `WB-${String(i + 1).padStart(4, '0')}`);

/** The company CSMS the boxes are sent to: accepts every boot. */
export async function companyCsms(): Promise<{ url: string; close: () => Promise<void> }> {
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

/** Starts the simulated boxes in their own process, pointed at url; resolves once all are connected. */
export async function startSimulators(url: string, count: number): Promise<ChildProcess> {
  const sims = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./sim-fleet.ts', import.meta.url)), url, String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // A benchmark that fails leaves no simulators behind.
  process.once('exit', () => sims.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    sims.stdout?.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    sims.once('exit', (code) => reject(new Error(`simulators exited ${code}`)));
  });
  return sims;
}

export async function stopSimulators(sims: ChildProcess): Promise<void> {
  await new Promise((resolve) => {
    sims.once('exit', resolve);
    sims.kill('SIGTERM');
  });
}

export interface ToolFleetResult {
  /** From the start of the runs to the last box's reset (the active part). */
  activeMs: number;
  /** CPU time (user + system) of the tool's process from the start of the runs to every run settled: what
   *  the tool itself spent, which a loaded machine does not stretch as it stretches the wall time. */
  cpuMs: number;
  /** To every run settled (includes the verify window). */
  totalMs: number;
  /** From the simulators' start to every box booted at the tool. */
  connectMs: number;
  perBoxMs: number[];
  /** Boxes that came back to the tool within the verify window (fell back after their reset). */
  returned: number;
  /** Calls the tool sent to the first box, and their actions. */
  calls: number;
  actions: string[];
}

/**
 * BENCH_PROFILE=<folder>: a CPU profile of the tool's process from the start of the runs to every run
 * settled (the boxes' connecting before and the floors are left out), one .cpuprofile per fleet; sum it
 * with `node --import tsx bench/profile-summary.ts <files>`. Sampling costs a little CPU time itself.
 */
async function startProfile(): Promise<{ stop(count: number): Promise<void> } | null> {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(count) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `tool-fleet-${count}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

export async function toolFleet(count: number): Promise<ToolFleetResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  const company = await companyCsms();
  const ids = boxIds(count);
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 5 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const c0 = performance.now();
  const sims = await startSimulators(url, count);
  await Promise.all(ids.map((id) => core.ocpp.csms.waitFor(id, { timeoutMs: 120_000, booted: true })));
  const connectMs = performance.now() - c0;

  const template = {
    name: 'Car park',
    csms: { url: company.url, securityProfile: 1 },
    heartbeatIntervalS: 600,
    verifyWindowS: 1,
    groups: [],
    settings: {},
  };
  const resetAt = new Map<string, number>();
  core.commissioning.on('run', (r: { id: number; identity: string; step: string }) => {
    if (r.step === 'verify' && !resetAt.has(r.identity)) resetAt.set(r.identity, performance.now());
  });
  const profiler = await startProfile();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { runs } = core.commissioning.startFleet('bench', ids, template, 'auto');
  const results = await Promise.all(runs.map((r) => core.commissioning.settled(r.id)));
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await profiler?.stop(count);
  const failed = results.filter((r) => r.status !== 'left-not-confirmed' && r.status !== 'confirmed');
  // A box that fell back to the tool after its reset (the company CSMS slow to take a thousand boxes at once)
  // was still commissioned to its reset: counted and shown, not a failure of the measured part.
  const returned = failed.filter((r) => r.step === 'verify' && r.error?.code === 'COMMISSION_NOT_VERIFIED');
  const other = failed.find((r) => !returned.includes(r));
  if (other) throw new Error(`${failed.length} runs failed: ${JSON.stringify(other.error)}`);
  // The active part ends at the reset; the verify window afterwards is a deliberate wait.
  const activeMs = Math.max(...ids.map((id) => (resetAt.get(id) ?? t0) - t0));
  const perBoxMs = ids.map((id) => (resetAt.get(id) ?? t0) - t0);
  const sent = core.ocpp.trace
    .list({ identity: ids[0], limit: 1000 })
    .filter((f) => f.direction === 'out' && f.kind === 'call');
  await stopSimulators(sims);
  await company.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    activeMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    totalMs,
    connectMs,
    perBoxMs,
    returned: returned.length,
    calls: sent.length,
    actions: sent.map((f) => f.action ?? '?'),
  };
}
