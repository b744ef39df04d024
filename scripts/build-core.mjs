#!/usr/bin/env node
// Bundles the core (main/, entered through the CLI) into out/cli/ as plain JavaScript, so `wbc` and the
// browser shell start without transpiling some two hundred TypeScript files on every launch.
//
// Output sits two folders deep like main/<area>/<file>.ts, so `new URL('../../resources/…',
// import.meta.url)` finds the same files; packages stay external (native bindings, lazy loads), and
// code splitting keeps lazily imported parts (the simulator) out of the start-up path.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}out/cli`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['main/cli/wbc.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  splitting: true,
  outdir: 'out/cli',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
});
