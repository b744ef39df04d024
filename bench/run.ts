// `npm run bench`: runs every benchmark in bench/ one after another; each prints its figure, its
// floor measured in the same run, and the ratio. Pass names to run only some.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  const module = (await import(`${dir}${file}`)) as { run: () => Promise<void> };
  await module.run();
}
