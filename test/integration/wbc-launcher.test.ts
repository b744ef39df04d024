// bin/wbc.js, the launcher every `wbc` goes through, in a copy of the project's layout on a temporary
// folder: it must start the command whatever else lies in the source folders (a link to nothing, such as
// an editor's lock file) and whatever state the bundle is in (a part missing while it is being rebuilt).
// Before, either made `wbc` die before the command ran: no output, a stack trace, exit 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wbcBin } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';

const modules = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** A project layout with the real launcher, a bundle and sources that each say who ran. */
function layout(root: string, bundle: string) {
  for (const dir of ['bin', 'main/cli', 'locales', 'resources', 'out/cli'])
    mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(wbcBin, join(root, 'bin/wbc.js'));
  symlinkSync(modules, join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(root, 'main/cli/wbc.ts'),
    "export async function main(args: string[]): Promise<number> { process.stdout.write('sources ' + args.join(' ') + '\\n'); return 0; }\n",
  );
  writeFileSync(join(root, 'out/cli/wbc.js'), bundle);
  // The bundle is newer than every source, as `npm run build:core` leaves it.
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'out/cli/wbc.js'), later, later);
}

function run(root: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/wbc.js'), ...args], { encoding: 'utf8' });
}

test('wbc runs its bundle even with a link to nothing among the sources (an editor lock file)', (t) => {
  const root = tempDir(t);
  layout(
    root,
    "export async function main(args) { process.stdout.write('bundle ' + args.join(' ') + '\\n'); return 0; }\n",
  );
  symlinkSync(join(root, 'main/gone.ts'), join(root, 'main/cli/.#commands.ts'));
  const result = run(root, 'sites', 'rename', 'Depot', 'Depot Süd');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'bundle sites rename Depot Depot Süd\n');
});

test('wbc runs the sources when its bundle cannot be loaded (a part missing while it is rebuilt)', (t) => {
  const root = tempDir(t);
  layout(root, "import { main } from './chunk-gone.js';\nexport { main };\n");
  const result = run(root, 'sites', 'list');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'sources sites list\n');
});
