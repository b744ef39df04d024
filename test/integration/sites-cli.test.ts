// `wbc sites`, `wbc groups` and `wbc cards edit|block|unblock|delete` as a technician types them: the real
// command on a real data folder. Boxes are stations rows as a boot leaves them (the boot itself over a
// WebSocket is covered in sites-cards.test.ts).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { wbc } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

async function folder(t: TestContext) {
  const dir = tempDir(t);
  const setup = openCore({ dataDir: dir, defaultLanguage: 'en' });
  const insert = setup.store.db.prepare(
    "INSERT INTO stations (identity, ocpp_version, created_at, updated_at) VALUES (?, '1.6', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  );
  for (const identity of ['WB-1', 'WB-2']) insert.run(identity);
  const staff = await callOk(setup, 'groups.create', { name: 'Staff' });
  await callOk(setup, 'cards.enroll', { uid: '04A1B2C3', groupId: staff.id, label: 'Van 1' });
  await callOk(setup, 'sites.create', { name: 'Garage Nord' });
  await callOk(setup, 'sites.create', { name: 'Depot' });
  await setup.close();
  return (...args: string[]) => wbc(['--data-dir', dir, ...args]);
}

test('wbc sites: boxes put on a site are shown with it; a site with boxes is deleted only with --move-to', async (t) => {
  const run = await folder(t);
  const added = await run('sites', 'boxes', 'add', 'Garage Nord', 'WB-1', 'WB-2');
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /On Garage Nord now: WB-1, WB-2/);

  const shown = await run('--json', 'sites', 'show', 'garage nord');
  assert.equal(shown.code, 0, shown.stderr);
  const view = JSON.parse(shown.stdout) as { site: { name: string }; boxes: Array<{ identity: string }> };
  assert.equal(view.site.name, 'Garage Nord');
  assert.deepEqual(
    view.boxes.map((b) => b.identity),
    ['WB-1', 'WB-2'],
  );
  const text = await run('sites', 'show', 'Garage Nord');
  assert.match(text.stdout, /Boxes: 2\n {2}WB-1 {2}not connected to this tool {2}OCPP 1\.6/);

  const removed = await run('sites', 'boxes', 'remove', 'Garage Nord', 'WB-2');
  assert.equal(removed.code, 0, removed.stderr);
  const refused = await run('sites', 'delete', 'Garage Nord');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /The site "Garage Nord" still holds 1 boxes\./);
  const deleted = await run('sites', 'delete', 'Garage Nord', '--move-to', 'Depot');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /1 boxes moved to Depot/);
  const list = JSON.parse((await run('--json', 'sites', 'list')).stdout) as Array<{
    name: string;
    stationCount: number;
  }>;
  assert.deepEqual(
    list.map((s) => [s.name, s.stationCount]),
    [['Depot', 1]],
  );
  const renamed = await run('sites', 'rename', 'Depot', 'Depot Süd');
  // Failed once in CI with an empty stdout: the exit code and stderr say why next time.
  assert.equal(renamed.code, 0, `exit ${renamed.code}: ${renamed.stderr}`);
  assert.match(renamed.stdout, /renamed: Depot Süd/);
});

test('wbc cards edit, block, unblock and delete; wbc groups rename and delete ask before they drop anything', async (t) => {
  const run = await folder(t);
  const edited = await run('cards', 'edit', '04:a1:b2:c3', '--owner', 'Kim', '--valid-until', '2030-01-31');
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stdout, /Card 04A1B2C3 changed: Van 1, Kim/);
  const blocked = await run('cards', 'block', 'Van 1');
  assert.equal(blocked.code, 0, blocked.stderr);
  assert.match((await run('cards', 'list')).stdout, /04A1B2C3 .*Kim.*BLOCKED/);
  assert.equal((await run('cards', 'unblock', 'Van 1')).code, 0);
  assert.doesNotMatch((await run('cards', 'list')).stdout, /BLOCKED/);

  const renamed = await run('groups', 'rename', 'Staff', 'Drivers', '--tag', 'DRIVERS');
  assert.match(renamed.stdout, /Group Drivers \(tag DRIVERS\)/);
  const unconfirmed = await run('groups', 'delete', 'Drivers');
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /has 1 cards and is allowed on 0 boxes/);

  const notYet = await run('cards', 'delete', 'Van 1');
  assert.equal(notYet.code, 1);
  assert.match(notYet.stderr, /wbc cards block/);
  assert.equal((await run('cards', 'delete', 'Van 1', '--yes')).code, 0);
  assert.match((await run('cards', 'list')).stdout, /No cards\./);
  const gone = await run('groups', 'delete', 'DRIVERS');
  assert.equal(gone.code, 0, gone.stderr);
});
