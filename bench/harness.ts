// Shared by every benchmark: repeat a measurement, report median and p90, and print the figure next
// to its floor measured in the same run, as a ratio. Results also land in bench/results/ as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
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
