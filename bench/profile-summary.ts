// Where a benchmark's CPU time goes: sums the self time of .cpuprofile files (BENCH_PROFILE=<folder>, or
// node --cpu-prof) by module and by function, per profile on average, so before/after figures compare.
// Usage: node --import tsx bench/profile-summary.ts [--top N] <file.cpuprofile>...
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((_, i) => i !== topAt && i !== topAt + 1);

/** A file's place shortened: a package by its name, the project's own files by their path in it. */
function where(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `npm:${pkg[1]}`;
  const own = /\/((?:main|bench|locales|shared)\/.*)$/.exec(path);
  return own?.[1] ?? path;
}

const byModule = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id);
    if (!frame) return;
    total += us;
    const module = frame.url ? where(frame.url) : `(${frame.functionName || 'native'})`;
    const place = frame.url ? `${module.replace(/^npm:/, '')}:${frame.lineNumber + 1}` : '';
    add(byModule, module.replace(/^(npm:[^:]+)$/, '$1'), us);
    add(byFunction, `${frame.functionName || '(anonymous)'} ${place}`.trim(), us);
  });
}

const perProfile = (us: number) => (us / 1000 / Math.max(1, files.length)).toFixed(1).padStart(8);
const show = (title: string, map: Map<string, number>) => {
  process.stdout.write(`${title}, ms of self time per profile (${files.length} profiles)\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${perProfile(us)}  ${key}\n`);
};
process.stdout.write(`total sampled: ${perProfile(total).trim()} ms per profile\n`);
show('by module', byModule);
show('by function', byFunction);
