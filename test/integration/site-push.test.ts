// Groups on boxes and the push of a whole site, against simulated boxes on real WebSockets: each box
// gets the cards of its own groups, an offline box is skipped and said so, VersionMismatch and cancel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SitePushProgress } from '../../main/cards/types.ts';
import { type Core, openCore } from '../../main/core.ts';
import { createSimStation } from '../../main/simulator/station.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { wbcWaitingForBox } from '../support/cli.ts';
import { callOk, callRaw } from '../support/core.ts';
import { coreWithCsms, simBox, stationId } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

async function group(core: Core, name: string, uids: string[]) {
  const g = await callOk(core, 'groups.create', { name });
  for (const uid of uids) await callOk(core, 'cards.enroll', { uid, notation: 'hex', groupId: g.id });
  return g;
}

function progressOf(core: Core): SitePushProgress[] {
  const seen: SitePushProgress[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'cards.pushProgress') seen.push(payload as SitePushProgress);
  });
  return seen;
}

test('two boxes of a site with different groups get different lists, and an offline box is skipped', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const a = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-A' });
  const b = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-B' });
  const gone = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-GONE' });
  await gone.stop();
  await until(() => core.ocpp.csms.box('WB-GONE')?.state === 'offline');

  const site = await callOk(core, 'sites.create', { name: 'Depot North' });
  const ids = ['WB-A', 'WB-B', 'WB-GONE'].map((i) => stationId(core, i));
  await callOk(core, 'stations.assignSite', { stationIds: ids, siteId: site.id });
  const staff = await group(core, 'Staff', ['04A1B2C3', '04D5E6F7', '0A0B0C0D']);
  const visitors = await group(core, 'Visitors', ['1122AABB', '04112233445566']);
  await callOk(core, 'groups.setStations', { groupId: staff.id, stationIds: ids });
  await callOk(core, 'groups.setStations', { groupId: visitors.id, stationIds: [stationId(core, 'WB-B')] });
  // A card in no group goes to no box.
  await callOk(core, 'cards.enroll', { uid: '0C0D0E0F', notation: 'hex' });

  const before = await callOk(core, 'stations.localLists', { siteId: site.id });
  assert.deepEqual(
    before.map((s) => [s.identity, s.holds, s.shouldHold, s.toPush, s.connected]),
    [
      ['WB-A', null, 3, 3, true],
      ['WB-B', null, 5, 5, true],
      ['WB-GONE', null, 3, 3, false],
    ],
  );

  const progress = progressOf(core);
  const summary = await callOk(core, 'cards.pushSite', { siteId: site.id });
  assert.deepEqual(
    { pushed: summary.pushed, skipped: summary.skipped, failed: summary.failed, total: summary.total },
    { pushed: 2, skipped: 1, failed: 0, total: 3 },
  );
  const skipped = summary.boxes.find((box) => box.identity === 'WB-GONE');
  assert.equal(skipped?.state, 'skipped');
  assert.equal(skipped?.reason?.code, 'BOX_OFFLINE');

  assert.deepEqual(
    a
      .localList()
      .entries.map((e) => `${e.idTag}/${e.parentIdTag}`)
      .sort(),
    ['04A1B2C3/STAFF', '04D5E6F7/STAFF', '0A0B0C0D/STAFF'],
  );
  assert.deepEqual(
    b
      .localList()
      .entries.map((e) => e.idTag)
      .sort(),
    ['04112233445566', '04A1B2C3', '04D5E6F7', '0A0B0C0D', '1122AABB'],
  );
  assert.ok(
    b.localList().entries.some((e) => e.idTag === '1122AABB' && e.parentIdTag === 'VISITORS'),
    'the group tag goes with the card as groupIdToken',
  );
  // Every box was announced, the pushed ones with their entries and the version the box confirmed.
  const states = (identity: string) => progress.filter((p) => p.identity === identity).map((p) => p.state);
  assert.deepEqual(states('WB-GONE'), ['queued', 'skipped']);
  assert.equal(states('WB-A').at(-1), 'done');
  assert.ok(states('WB-A').includes('pushing'));
  assert.equal(progress.findLast((p) => p.identity === 'WB-B')?.version, b.localList().version);

  const after = await callOk(core, 'stations.localLists', { siteId: site.id });
  assert.deepEqual(
    after.map((s) => [s.identity, s.holds?.version ?? null, s.holds?.count ?? null, s.toPush]),
    [
      ['WB-A', a.localList().version, 3, 0],
      ['WB-B', b.localList().version, 5, 0],
      ['WB-GONE', null, null, 3],
    ],
  );

  // Nothing changed: the second push sends nothing and says the boxes were up to date.
  const again = await callOk(core, 'cards.pushSite', { siteId: site.id });
  assert.deepEqual([again.pushed, again.unchanged, again.skipped], [0, 2, 1]);

  // A box taken off a group loses exactly that group's cards with the next push.
  await callOk(core, 'groups.setStations', { groupId: visitors.id, stationIds: [] });
  assert.equal((await callOk(core, 'stations.localLists', { siteId: site.id }))[1]?.toPush, 2);
  await callOk(core, 'cards.pushSite', { siteId: site.id });
  assert.equal(b.localList().entries.length, 3);
  const audit = await callOk(core, 'audit.list', { limit: 100 });
  assert.ok(audit.some((e) => e.action === 'group.stations'));
  assert.ok(audit.some((e) => e.action === 'station.site'));
  assert.ok(audit.some((e) => e.action === 'box.local-list' && e.entityId === 'WB-B'));
});

test('a box that answers VersionMismatch to the changes gets its whole list again', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const box = bareBox(t, { url, identity: 'WB-MISMATCH' });
  let version = 0;
  const updates: string[] = [];
  box.handle('GetConfiguration', async () => ({
    configurationKey: [
      { key: 'LocalAuthListEnabled', readonly: false, value: 'true' },
      { key: 'SendLocalListMaxLength', readonly: true, value: '50' },
      { key: 'LocalAuthListMaxLength', readonly: true, value: '500' },
    ],
  }));
  box.handle('GetLocalListVersion', async () => ({ listVersion: version }));
  box.handle('SendLocalList', async ({ params }) => {
    const p = params as { updateType: string; listVersion: number };
    updates.push(p.updateType);
    // As if another tool had touched the list: the first change set is refused.
    if (p.updateType === 'Differential' && !updates.slice(0, -1).includes('Differential')) {
      return { status: 'VersionMismatch' };
    }
    version = p.listVersion;
    return { status: 'Accepted' };
  });
  await box.connect();
  await boot16(box);
  await core.ocpp.csms.waitFor('WB-MISMATCH', { timeoutMs: 5000, booted: true });

  const site = await callOk(core, 'sites.create', { name: 'Depot South' });
  await callOk(core, 'stations.assignSite', {
    stationIds: [stationId(core, 'WB-MISMATCH')],
    siteId: site.id,
  });
  const staff = await group(core, 'Staff', ['04A1B2C3', '04D5E6F7']);
  await callOk(core, 'groups.setStations', {
    groupId: staff.id,
    stationIds: [stationId(core, 'WB-MISMATCH')],
  });
  const first = await callOk(core, 'cards.pushSite', { siteId: site.id });
  assert.equal(first.pushed, 1);

  await callOk(core, 'cards.enroll', { uid: '0A0B0C0D', notation: 'hex', groupId: staff.id });
  const second = await callOk(core, 'cards.pushSite', { siteId: site.id });
  assert.deepEqual(updates, ['Full', 'Differential', 'Full']);
  assert.deepEqual([second.pushed, second.failed], [1, 0]);
  assert.equal(second.boxes[0]?.version, version);
  const lists = await callOk(core, 'stations.localLists', { siteId: site.id });
  assert.deepEqual([lists[0]?.holds?.count, lists[0]?.toPush], [3, 0]);
});

test('a push can be cancelled: the box is reported cancelled and a second push of the site is refused meanwhile', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-SLOW',
    misbehave: { answerDelayMs: 150 },
  });
  const site = await callOk(core, 'sites.create', { name: 'Depot East' });
  await callOk(core, 'stations.assignSite', { stationIds: [stationId(core, 'WB-SLOW')], siteId: site.id });
  const uids = Array.from({ length: 30 }, (_, i) =>
    (0x04a00000 + i).toString(16).toUpperCase().padStart(8, '0'),
  );
  const staff = await group(core, 'Staff', uids);
  await callOk(core, 'groups.setStations', { groupId: staff.id, stationIds: [stationId(core, 'WB-SLOW')] });

  const progress = progressOf(core);
  const running = callOk(core, 'cards.pushSite', { siteId: site.id });
  await until(() => progress.some((p) => p.state === 'pushing'));
  const twice = await callRaw(core, 'cards.pushSite', { siteId: site.id });
  assert.equal(twice.ok ? 'ok' : twice.error.code, 'CARDS_SITE_PUSH_RUNNING');
  assert.deepEqual(await callOk(core, 'cards.pushCancel', { siteId: site.id }), { cancelled: true });
  const summary = await running;
  assert.deepEqual([summary.cancelled, summary.pushed, summary.failed], [1, 0, 0]);
  assert.equal(summary.boxes[0]?.state, 'cancelled');
  assert.deepEqual(await callOk(core, 'cards.pushCancel', { siteId: site.id }), { cancelled: false });
  // The list was not confirmed, so the tool does not claim the box holds it.
  assert.equal((await callOk(core, 'stations.localLists', { siteId: site.id }))[0]?.holds, null);
});

test('a site push needs the local CSMS and boxes on the site', async (t) => {
  const { core } = await coreWithCsms(t);
  const site = await callOk(core, 'sites.create', { name: 'Empty Lot' });
  const empty = await callRaw(core, 'cards.pushSite', { siteId: site.id });
  assert.equal(empty.ok ? 'ok' : empty.error.message, 'The site Empty Lot has no boxes.');
  const missing = await callRaw(core, 'cards.pushSite', { siteId: 999 });
  assert.equal(missing.ok ? 'ok' : missing.error.code, 'NOT_FOUND');
  core.store.db
    .prepare("INSERT INTO stations (site_id, identity, created_at, updated_at) VALUES (?, 'WB-X', 'x', 'x')")
    .run(site.id);
  await core.ocpp.stop();
  const stopped = await callRaw(core, 'cards.pushSite', { siteId: site.id });
  assert.equal(stopped.ok ? 'ok' : stopped.error.code, 'CSMS_NOT_RUNNING');
});

test('groups: renamed, given boxes, and deleted only with a decision about their cards', async (t) => {
  const { core } = await coreWithCsms(t);
  const insert = core.store.db.prepare(
    "INSERT INTO stations (identity, created_at, updated_at) VALUES (?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  );
  const one = Number(insert.run('WB-1').lastInsertRowid);
  const staff = await group(core, 'Staff', ['04A1B2C3']);
  const renamed = await callOk(core, 'groups.update', {
    id: staff.id,
    name: 'Drivers',
    groupIdTag: 'DRIVERS',
  });
  assert.deepEqual([renamed.name, renamed.groupIdTag], ['Drivers', 'DRIVERS']);
  const unknown = await callRaw(core, 'groups.setStations', { groupId: staff.id, stationIds: [one, 4711] });
  assert.equal(unknown.ok ? 'ok' : `${unknown.error.code}:${unknown.error.params.id}`, 'NOT_FOUND:4711');
  assert.deepEqual(await callOk(core, 'groups.setStations', { groupId: staff.id, stationIds: [one, one] }), {
    groupId: staff.id,
    stationIds: [one],
  });
  const lists = await callOk(core, 'stations.localLists', {});
  assert.deepEqual(lists[0]?.groupIds, [staff.id]);

  const refused = await callRaw(core, 'groups.delete', { id: staff.id });
  assert.equal(refused.ok ? 'ok' : refused.error.message, 'The group "Drivers" still has 1 cards.');
  assert.equal((await callOk(core, 'cards.list', {})).length, 1, 'nothing was deleted');
  const onBoxes = await callRaw(core, 'groups.delete', { id: staff.id, cards: 'ungroup' });
  assert.equal(onBoxes.ok ? 'ok' : onBoxes.error.code, 'GROUP_ON_BOXES');
  assert.deepEqual(await callOk(core, 'groups.delete', { id: staff.id, cards: 'ungroup', boxes: 'detach' }), {
    deleted: true,
    ungrouped: 1,
  });
  const [card] = await callOk(core, 'cards.list', {});
  assert.equal(card?.groupId, null, 'the card stays, in no group');
  assert.equal((await callOk(core, 'stations.localLists', {}))[0]?.shouldHold, 0);
  const deletion = (await callOk(core, 'audit.list', { entity: 'group', limit: 10 })).find(
    (e) => e.action === 'group.delete',
  );
  assert.deepEqual((deletion?.before as { stations?: string[] } | undefined)?.stations, ['WB-1']);
});

test('wbc cards push --site waits for the boxes of the site, pushes their lists and prints each box', async (t) => {
  const dir = tempDir(t);
  const setup = openCore({ dataDir: dir, defaultLanguage: 'en' });
  const site = await callOk(setup, 'sites.create', { name: 'Depot West' });
  const insert = setup.store.db.prepare(
    "INSERT INTO stations (site_id, identity, created_at, updated_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
  );
  const ids = ['WB-CLI', 'WB-NEVER'].map((identity) => Number(insert.run(site.id, identity).lastInsertRowid));
  const staff = await group(setup, 'Staff', ['04A1B2C3', '04D5E6F7']);
  await callOk(setup, 'groups.setStations', { groupId: staff.id, stationIds: ids });
  await setup.close();

  const cli = await wbcWaitingForBox(t, [
    '--data-dir',
    dir,
    'cards',
    'push',
    '--site',
    'depot west',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--timeout',
    '3',
  ]);
  const box = createSimStation({ ocppVersion: '1.6', endpoint: cli.url, identity: 'WB-CLI' });
  t.after(() => box.stop());
  await box.start();
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.equal(box.localList().entries.length, 2);
  assert.match(cli.stderr(), /WB-CLI: done, version \d+/);
  assert.match(cli.stderr(), /WB-NEVER: skipped: The box WB-NEVER is not connected to the tool right now\./);
  assert.match(cli.stdout(), /1 pushed, 0 already up to date, 1 skipped, 0 failed, 0 cancelled\./);
});
