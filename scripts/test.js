#!/usr/bin/env node
// `npm test`: everything, in the order that fails fastest: prerequisites, lint, types, UI build, then
// every test (unit, integration, e2e in Chromium, security scan, boundary guard) in node's test runner.
// Ends with one line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const only = process.argv.slice(2);

function step(name, command, args) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stdout.write(`\n${name} failed.\n0 passed, 1 failed\n`);
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

if (only.length === 0) {
  step('test prerequisites', 'bash', [join(root, 'scripts/ensure-test-deps.sh')]);
  step('lint and format (biome)', node, [
    bin('@biomejs/biome', 'bin/biome'),
    'check',
    '--error-on-warnings',
    '.',
  ]);
  step('types (core, shell, tests)', node, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  step('types (renderer)', node, [bin('typescript', 'bin/tsc'), '-p', 'renderer/tsconfig.json', '--noEmit']);
  step('types (browser tests)', node, [
    bin('typescript', 'bin/tsc'),
    '-p',
    'test/e2e/tsconfig.json',
    '--noEmit',
  ]);
}
step('build the UI', node, [
  bin('vite', 'bin/vite.js'),
  'build',
  '--config',
  'vite.renderer.config.ts',
  '--logLevel',
  'error',
]);
// The CLI and browser-shell tests spawn bin/wbc.js, which runs this bundle: they test what users run.
step('build the core', node, [join(root, 'scripts/build-core.mjs')]);

const files = only.length > 0 ? only : testFiles(join(root, 'test')).sort();
const results = join(root, '.test-results');
mkdirSync(results, { recursive: true });
const tap = join(results, 'tap.txt');
process.stdout.write(`\n== tests (${files.length} files)\n`);
const run = spawnSync(
  node,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    // Every node process the tests start refuses connections beyond loopback (test/support/loopback-only.cjs).
    env: {
      ...process.env,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --require=${join(root, 'test/support/loopback-only.cjs')}`.trim(),
    },
  },
);

const summary = readFileSync(tap, 'utf8');
const count = (name) => Number(summary.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
