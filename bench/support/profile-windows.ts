// Sums a CPU profile's self time by function over the measured windows alone (harness.ts measured(),
// BENCH_WINDOWS): what one push of the tool costs beside the floor's, without setup, warm-up or idle.
// node --import tsx bench/support/profile-windows.ts <profile dir> <windows file> [rows]
import { readdirSync, readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [dir, windowsPath, rowsArg] = process.argv.slice(2);
if (!dir || !windowsPath) throw new Error('usage: profile-windows.ts <profile dir> <windows file> [rows]');
const rows = Number(rowsArg ?? 30);
const windows = readFileSync(windowsPath, 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [label = '', start = '0', end = '0'] = line.split(' ');
    return { label, start: Number(start), end: Number(end) };
  });
const counts = new Map<string, number>();
for (const w of windows) counts.set(w.label, (counts.get(w.label) ?? 0) + 1);

/** Self µs per label, per function. */
const self = new Map<string, Map<string, number>>();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  let at = profile.startTime;
  let w = 0;
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    at += profile.timeDeltas[i] ?? 0;
    while (w < sorted.length && (sorted[w]?.end ?? 0) < at) w++;
    const window = sorted[w];
    if (!window || window.start > at) return;
    const frame = nodes.get(id);
    const place = (frame?.url ?? '').replace(/^.*\/(node_modules\/[^/]+|main|bench)\//, '$1/') || '(native)';
    const name = `${frame?.functionName || '(anonymous)'} ${place}`;
    const byName = self.get(window.label) ?? new Map<string, number>();
    self.set(window.label, byName);
    byName.set(name, (byName.get(name) ?? 0) + delta);
  });
}

const perWindow = (label: string, name: string) =>
  (self.get(label)?.get(name) ?? 0) / 1000 / (counts.get(label) ?? 1);
for (const [label, byName] of self) {
  const n = counts.get(label) ?? 1;
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`\n${label}: ${(total / 1000 / n).toFixed(2)} ms sampled per window (${n} windows)\n`);
  for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, rows))
    process.stdout.write(`${(us / 1000 / n).toFixed(3).padStart(9)}  ${name}\n`);
}

// With a figure and its floor: where the figure spends more than the floor, per window.
const [figure, floor] = [...self.keys()].sort((a, b) => (a === 'floor' ? 1 : b === 'floor' ? -1 : 0));
if (figure && floor && figure !== floor) {
  const names = new Set([...(self.get(figure)?.keys() ?? []), ...(self.get(floor)?.keys() ?? [])]);
  const more = [...names].map((name) => [name, perWindow(figure, name) - perWindow(floor, name)] as const);
  const busy = (label: string) =>
    [...(self.get(label) ?? [])].reduce(
      (sum, [name, us]) => (name.startsWith('(idle)') ? sum : sum + us),
      0,
    ) /
    1000 /
    (counts.get(label) ?? 1);
  process.stdout.write(
    `\n${figure} − ${floor}: ${(busy(figure) - busy(floor)).toFixed(2)} ms busy per window more (idle left out)\n`,
  );
  for (const [name, ms] of more.sort((a, b) => b[1] - a[1]).slice(0, rows))
    process.stdout.write(`${ms.toFixed(3).padStart(9)}  ${name}\n`);
}
