// Shared by every benchmark: repeat a measurement, report median and p90, and print the figure next
// to its floor measured in the same run, as a ratio. Results also land in bench/results/ as JSON.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Stats {
  median: number;
  p90: number;
  p99: number;
  runs: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p90: at(0.9), p99: at(0.99), runs: sorted.length };
}

export async function repeat(runs: number, measure: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measure());
  return samples;
}

/** Where BENCH_WINDOWS names a file, each measured window is appended to it as `label start end` in µs of
 *  the monotonic clock a CPU profile (node --cpu-prof) stamps its samples with: the profile can then be
 *  summed over the measured time alone (bench/support/profile-windows.mjs). */
const windowsFile = process.env.BENCH_WINDOWS;

/** Times one piece of work in ms (and notes its window for a profile). */
export async function measured(label: string, work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  const end = process.hrtime.bigint();
  if (windowsFile) appendFileSync(windowsFile, `${label} ${start / 1000n} ${end / 1000n}\n`);
  return Number(end - start) / 1e6;
}

export interface Report {
  name: string;
  unit: string;
  figure: Stats;
  floor: Stats;
  floorName: string;
}

export function report(r: Report): void {
  const ratio = r.figure.median / r.floor.median;
  const f = (n: number) => n.toFixed(n < 10 ? 2 : 1);
  process.stdout.write(
    `${r.name}: median ${f(r.figure.median)} ${r.unit} (p90 ${f(r.figure.p90)}, p99 ${f(r.figure.p99)}), floor "${r.floorName}" median ${f(r.floor.median)} ${r.unit} (p90 ${f(r.floor.p90)}, p99 ${f(r.floor.p99)}); ratio ${ratio.toFixed(2)}x over ${r.figure.runs} runs\n`,
  );
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    `${dir}${r.name.replace(/\W+/g, '-')}.json`,
    JSON.stringify({ ...r, ratio, at: new Date().toISOString() }, null, 2),
  );
}
