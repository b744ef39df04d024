// A CPO moving a whole site portfolio: 1,000 simulated 2.0.1 boxes (BENCH_PORTFOLIO) commissioned at once,
// printing the wall time to the last reset and to every box verified, and the peak memory of the tool's
// process, against the fair floor (the same boxes driven by a bare ocpp-rpc server, the same calls).
import { report, stats } from './harness.ts';
import { fairFleetFloor } from './support/fair-fleet-floor.ts';
import { toolFleet } from './support/tool-fleet.ts';

const BOXES = Number(process.env.BENCH_PORTFOLIO ?? 1000);

export async function run(): Promise<void> {
  const tool = await toolFleet(BOXES);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const fairMs = await fairFleetFloor(BOXES);
  const perBox = stats(tool.perBoxMs);
  const one = (ms: number) => ({ median: ms, p90: ms, p99: ms, runs: 1 });
  report({
    name: `portfolio of ${BOXES} OCPP 2.0.1 boxes commissioned at once (to reset)`,
    unit: 'ms',
    figure: one(tool.activeMs),
    floor: one(fairMs),
    floorName: `the same ${BOXES} simulated boxes driven by a bare ocpp-rpc server making the same calls`,
  });
  process.stdout.write(
    `  wall time: ${(tool.activeMs / 1000).toFixed(1)} s to the last reset, ${(tool.totalMs / 1000).toFixed(1)} s to every box verified (1 s verify window); ${(tool.connectMs / 1000).toFixed(1)} s for the boxes to connect and boot before\n` +
      `  peak memory of the tool's process (resident): ${peakMb.toFixed(0)} MB; ${tool.returned} boxes came back within the verify window (fell back after their reset)\n` +
      `  time per box to reset: median ${perBox.median.toFixed(0)} ms, p90 ${perBox.p90.toFixed(0)} ms; CPU time of the tool's process meanwhile: ${(tool.cpuMs / 1000).toFixed(1)} s (the machine's load does not stretch it)\n`,
  );
}
