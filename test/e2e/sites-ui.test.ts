// The Sites page and the card and group management in Debian's Chromium, by keyboard only: boxes put on a
// site and shown with their state, the site's cards pushed to simulated boxes over real WebSockets, the
// site deleted with its boxes moved; a card blocked, edited and deleted; a group deleted after confirming.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../main/core.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';
import { unlabelled } from './labelled.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

const siteOf = (core: Core, identity: string) =>
  (
    core.store.db.prepare('SELECT site_id FROM stations WHERE identity = ?').get(identity) as {
      site_id: number | null;
    }
  ).site_id;

test('Sites: boxes put on a site by keyboard, its cards pushed, the site deleted with its boxes moved', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  const one = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-1' });
  const two = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-2' });
  const garage = await callOk(core, 'sites.create', { name: 'Garage Nord' });
  const depot = await callOk(core, 'sites.create', { name: 'Depot' });
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  for (const uid of ['04A1B2C3', '04D5E6F7'])
    await callOk(core, 'cards.enroll', { uid, notation: 'hex', groupId: staff.id });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/sites`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('sites-list').waitFor();

  await tabTo(page, 'site-link-Garage Nord');
  await page.keyboard.press('Enter');
  await page.getByTestId('site-title').getByText('Site Garage Nord').waitFor();
  assert.match(await page.evaluate('window.location.hash'), /^#\/sites\/Garage%20Nord$/);
  for (const identity of ['WB-1', 'WB-2']) {
    await tabTo(page, `site-add-box-${identity}`);
    await page.keyboard.press('Space');
  }
  await tabTo(page, 'site-add-boxes-submit');
  await page.keyboard.press('Enter');
  await page.getByTestId('site-box-WB-1').getByText('connected').waitFor();
  await page.getByTestId('site-box-WB-2').waitFor();
  assert.equal(siteOf(core, 'WB-1'), garage.id);
  assert.deepEqual(await unlabelled(page, 'site-detail'), []);

  // The group on every box of the site at once, with the Cards page's "every box of" checkbox.
  await page.goto(`${server.url}#/cards`);
  await tabTo(page, `group-${staff.id}-all-site-${garage.id}`);
  await page.keyboard.press('Space');
  assert.ok(await page.getByTestId(`group-${staff.id}-box-WB-2`).isChecked());
  await tabTo(page, `group-${staff.id}-save`);
  await page.keyboard.press('Enter');
  const allowed = core.store.db.prepare('SELECT count(*) AS n FROM group_stations WHERE group_id = ?');
  await until(() => (allowed.get(staff.id) as { n: number }).n === 2);
  await page.goto(`${server.url}#/sites/Garage%20Nord`);
  await page.getByTestId('site-groups').getByText(/Staff/).waitFor();
  await tabTo(page, `push-site-${garage.id}`);
  await page.keyboard.press('Enter');
  await page
    .getByTestId(`push-summary-${garage.id}`)
    .getByText(/2 pushed/)
    .waitFor();
  assert.equal(one.localList().entries.length, 2);
  assert.equal(two.localList().entries.length, 2);

  await tabTo(page, 'site-delete');
  await page.keyboard.press('Enter');
  // The focus is on the choice of the site the boxes move to.
  assert.equal(
    await page.evaluate("document.activeElement?.getAttribute('data-testid')"),
    'site-delete-move-to',
  );
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'site-delete-confirm');
  await page.keyboard.press('Enter');
  await page.getByTestId('sites-list').waitFor();
  assert.equal(siteOf(core, 'WB-1'), depot.id);
  assert.equal(siteOf(core, 'WB-2'), depot.id);
  assert.deepEqual(
    (await callOk(core, 'sites.list', {})).map((s) => [s.name, s.stationCount]),
    [['Depot', 2]],
  );
  assert.deepEqual(pageErrors(page), []);
});

test('Cards: a card blocked, edited and deleted by keyboard; a group deleted only after its question (German)', async (t) => {
  const { core, server } = await testShell(t, { staticDir: built });
  await callOk(core, 'settings.set', { language: 'de' });
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  const { card } = await callOk(core, 'cards.enroll', {
    uid: '04A1B2C3',
    notation: 'hex',
    groupId: staff.id,
    label: 'Van 1',
  });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/cards`);
  await page.getByTestId('cards-table').waitFor();

  await tabTo(page, 'card-block');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="card-row"][data-blocked="true"]').getByText('gesperrt').waitFor();
  assert.ok((await callOk(core, 'cards.list', {}))[0]?.blockedAt);

  await tabTo(page, 'card-edit-open');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'card-edit-label');
  await tabTo(page, 'card-edit-owner');
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  await page.getByTestId('card-edit').waitFor({ state: 'detached' });
  const edited = (await callOk(core, 'cards.list', {}))[0];
  assert.deepEqual([edited?.owner, edited?.label, edited?.blockedAt !== null], ['Kim', 'Van 1', true]);

  await tabTo(page, `group-delete-${staff.name}`);
  await page.keyboard.press('Enter');
  await page
    .getByTestId('group-delete-question')
    .getByText(/Ihre 1 Karten bleiben ohne Gruppe erhalten/)
    .waitFor();
  assert.equal(
    await page.evaluate("document.activeElement?.getAttribute('data-testid')"),
    'group-delete-confirm',
  );
  await page.keyboard.press('Enter');
  await page.getByTestId(`group-${staff.name}`).waitFor({ state: 'detached' });
  assert.equal((await callOk(core, 'cards.list', {}))[0]?.groupId, null, 'the card stays, in no group');

  await tabTo(page, 'card-delete');
  await page.keyboard.press('Enter');
  assert.equal(
    await page.evaluate("document.activeElement?.getAttribute('data-testid')"),
    'card-delete-confirm',
  );
  await page.keyboard.press('Enter');
  await page.getByTestId('card-row').waitFor({ state: 'detached' });
  assert.equal((await callOk(core, 'cards.list', {})).length, 0);
  const audit = (await callOk(core, 'audit.list', { entity: 'card', limit: 10 })).map((e) => e.action);
  assert.deepEqual(audit.slice(0, 3), ['card.delete', 'card.update', 'card.block'], String(card.id));
  assert.deepEqual(pageErrors(page), []);
});
