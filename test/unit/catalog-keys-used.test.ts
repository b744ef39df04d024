// Every catalog key is said somewhere: a key no source file names (literally, or under a prefix the code
// builds keys from) is dead text a translator keeps paying for. Pure file reading: no wire involved.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogs } from '../../locales/translate.ts';
import { errorCodes } from '../../main/api/errors.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where the product's words are used (tests do not count: a key only a test names is still unused). */
const sourceFolders = ['main', 'renderer', 'electron', 'locales', 'scripts', 'resources'];
const sourceFile = /\.(ts|tsx|mts|mjs|cjs|js|json|html)$/;

function sources(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (sourceFile.test(entry.name) && !/^(en|de)\.json$/.test(entry.name)) {
        texts.push(readFileSync(path, 'utf8'));
      }
    }
  };
  for (const folder of sourceFolders) walk(join(root, folder));
  return texts.join('\n');
}

/**
 * The documented ways the code builds a key at run time, each read from the sources: a template literal
 * `prefix.${...}`, a concatenation 'prefix.' + ..., and knownText(t, 'prefix', value) (renderer/i18n).
 */
function dynamicPrefixes(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/`([A-Za-z][\w.-]*)\.\$\{/g)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/'([A-Za-z][\w.-]*)\.'\s*\+/g)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/knownText\(\s*t,\s*'([A-Za-z][\w.-]*)'/g)) if (m[1]) found.add(m[1]);
  return found;
}

test('every catalog key is named by a source file, or lies under a prefix the code builds keys from', () => {
  const text = sources();
  const prefixes = dynamicPrefixes(text);
  // The scan finds the known builders (so a broken scan cannot pass by covering nothing, or everything).
  for (const known of ['error', 'audit.action', 'trace.kinds', 'preflight.status'])
    assert.ok(prefixes.has(known), `the scan finds keys built under ${known}.`);
  const underPrefix = (key: string) => {
    const parts = key.split('.');
    return parts.slice(1).some((_, i) => prefixes.has(parts.slice(0, i + 1).join('.')));
  };
  // Every dotted word of the sources, once: a key is named when it stands there whole.
  const named = new Set(text.match(/[A-Za-z][\w.-]*\w/g));
  const unused = Object.keys(catalogs.en).filter((key) => !named.has(key) && !underPrefix(key));
  assert.deepEqual(unused, [], 'keys no source file uses: remove them from locales/en.json and de.json');
});

test('an error text belongs to an error code that exists', () => {
  const codes = new Set<string>(errorCodes);
  const orphans = Object.keys(catalogs.en)
    .filter((key) => key.startsWith('error.'))
    .map((key) => key.split('.')[1] ?? '')
    .filter((code) => !codes.has(code));
  assert.deepEqual([...new Set(orphans)], []);
});
