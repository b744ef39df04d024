#!/usr/bin/env node
// The `wbc` command. The core is TypeScript: `npm run build:core` (run by npm start and npm test) bundles
// it into out/cli/; when that bundle is missing or older than any source, tsx runs the sources directly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'out/cli/wbc.js');

/** The newest modification time of the sources the bundle is made of. */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['main', 'locales', 'resources']) walk(join(root, dir));
  return newest;
}

const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource();
let cli;
if (fresh) cli = await import(bundle);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli/wbc.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
