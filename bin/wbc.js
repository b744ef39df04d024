#!/usr/bin/env node
// The `wbc` command. The core is TypeScript: `npm run build:core` (run by npm start and npm test) bundles
// it into out/cli/; when that bundle is missing or older than any source, tsx runs the sources directly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'out/cli/wbc.js');

/** The modification time of a file, or 0 when it is gone or a link to nothing (an editor's lock file, a
 *  file another process replaces right now): the walk never fails on what it cannot stat. */
function modified(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** The newest modification time of the sources the bundle is made of. */
function newestSource() {
  let newest = modified(join(root, 'package.json'));
  const walk = (dir) => {
    let entries = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, modified(path));
    }
  };
  for (const dir of ['main', 'locales', 'resources']) walk(join(root, dir));
  return newest;
}

/** The bundle, or null when it is older than a source or cannot be loaded (a part of it missing while
 *  `npm run build:core` writes it anew): then the sources run, the same program. */
async function loadBundle() {
  if (!existsSync(bundle) || modified(bundle) < newestSource()) return null;
  try {
    return await import(bundle);
  } catch {
    return null;
  }
}

let cli = await loadBundle();
if (!cli) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli/wbc.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
