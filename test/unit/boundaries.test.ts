// The house rules a machine can check: only electron/ imports 'electron'; the renderer imports no
// Node module and only types from main/; domain and store modules import no face (server, cli, electron);
// the store takes nothing from main/api but AppError and the domain types.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

interface ImportLine {
  file: string;
  line: string;
  spec: string;
  typeOnly: boolean;
}

function imports(file: string): ImportLine[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: ImportLine[] = [];
  const pattern =
    /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = m[3] ?? m[4] ?? m[5] ?? m[6] ?? '';
    found.push({ file, line: m[0].trim(), spec, typeOnly: Boolean(m[2]) });
  }
  return found;
}

const nodeSide =
  /^(node:|fs$|path$|os$|child_process$|crypto$|net$|http$|serialport|node-hid|better-sqlite3|ocpp-rpc|ws$|smartcard|electron$|tsx)/;

test('nothing in main/ imports electron (it throws in plain Node)', () => {
  const offending = sources('main')
    .flatMap(imports)
    .filter((i) => i.spec === 'electron');
  assert.deepEqual(offending, []);
});

test('the renderer imports no Node-side module', () => {
  const offending = sources('renderer')
    .flatMap(imports)
    .filter((i) => nodeSide.test(i.spec));
  assert.deepEqual(offending, []);
});

test('the renderer takes only types from main/, and code only from pure modules that import no code', () => {
  // A pure module (the put-back rule, the live view's words) may serve both sides so they never disagree:
  // it is checked here to import nothing at runtime, so nothing Node-side can come in through it.
  const pure = (file: string, spec: string) =>
    imports(relative(root, join(root, dirname(file), spec))).every((i) => i.typeOnly);
  const offending = sources('renderer')
    .flatMap(imports)
    .filter((i) => i.spec.includes('/main/') && !i.typeOnly && !pure(i.file, i.spec));
  assert.deepEqual(offending, []);
  // wire.ts is the one runtime exception, so it must stay free of runtime imports of its own.
  const wire = readFileSync(join(root, 'main/api/wire.ts'), 'utf8');
  assert.doesNotMatch(wire, /^import (?!type)/m);
});

test('domain modules and the store do not import a face', () => {
  const faces = /(\/server\/|\/cli\/|^electron$|\/electron\/)/;
  const inner = sources('main').filter((f) => !/^main\/(server|cli)\//.test(f));
  const offending = inner.flatMap(imports).filter((i) => faces.test(i.spec));
  assert.deepEqual(offending, []);
});

test('the store takes from main/api only its error type (code) and the domain types (types only)', () => {
  // The store sits under the api: an arrow back up (store -> api/shared-results.ts once) would let the
  // contract's room and the store depend on each other. AppError is the one piece of code it may use.
  const inApi = (file: string, spec: string) => relative(root, join(root, dirname(file), spec));
  const offending = sources('main/store')
    .flatMap(imports)
    .filter((i) => inApi(i.file, i.spec).startsWith('main/api/'))
    .filter((i) => {
      const target = inApi(i.file, i.spec);
      if (target === 'main/api/errors.ts') return false;
      return !(i.typeOnly && target === 'main/api/types.ts');
    })
    .map((i) => `${i.file}: ${i.line}`);
  assert.deepEqual(offending, []);
});

test('every source file opens with a comment saying why it exists', () => {
  const files = [
    ...sources('main'),
    ...sources('renderer'),
    ...sources('electron'),
    ...sources('test'),
    ...sources('bench'),
  ];
  const missing = files.filter((f) => !readFileSync(join(root, f), 'utf8').trimStart().startsWith('//'));
  assert.deepEqual(missing, []);
});

test('the renderer has no hard-coded text between JSX tags (every string goes through t())', () => {
  const offending: string[] = [];
  for (const file of sources('renderer').filter((f) => f.endsWith('.tsx'))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/>([^<>{}\n;=()]*[A-Za-zÄÖÜäöü]{2,}[^<>{}\n;=()]*)</g)) {
      const words = (m[1] ?? '').trim();
      if (words && !/^Alt\+$/.test(words) && !/^(=>|&&|\|\|)/.test(words))
        offending.push(`${file}: ${words}`);
    }
  }
  assert.deepEqual(offending, []);
});
