// The run's registration at each company CSMS, shown in the run view and the report in Debian's Chromium,
// against company CSMS stand-ins over real HTTP (CitrineOS 1.8 and SteVe): one has the box and its
// password before the reset, one takes stations by hand only, one refuses the tool's credentials; the
// box's row then says where it stands at each, and the run is confirmed only once CitrineOS records the boot.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { startCitrineServer } from '../support/citrineos-server.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { startSteveServer } from '../support/steve-server.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

test('a run registers the box at each company CSMS before its reset; the run view and the report say where it stands', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const company = await BareCsms.start(t);
  const citrine = await startCitrineServer(t, { adminSecret: 'hasura-admin-secret' });
  const steve = await startSteveServer(t);
  const { core, url } = await coreWithCsms(t);
  await callOk(core, 'sync.add', {
    kind: 'citrineos',
    name: 'citrine',
    baseUrl: citrine.url,
    credential: 'hasura-admin-secret',
  });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  await callOk(core, 'sync.add', {
    kind: 'citrineos',
    name: 'spare',
    baseUrl: citrine.url,
    credential: 'a-wrong-admin-secret',
  });
  await callOk(core, 'templates.save', {
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 60 },
  });
  const { server } = await testShell(t, { staticDir: built, core });
  const box = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-REG' });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  await page.keyboard.press('Alt+1');
  await page.getByTestId('box-WB-REG').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('commission-WB-REG').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('start-template').locator('option').first().waitFor({ state: 'attached' });
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');

  // Before its reset the run gave the box to each company CSMS, and says per CSMS where it stands.
  const registration = view.getByTestId('registration');
  await registration.waitFor({ timeout: 30_000 });
  const items = registration.locator('li');
  assert.deepEqual(await items.evaluateAll((li) => li.map((i) => i.getAttribute('data-state'))), [
    'done',
    'pending',
    'manual',
  ]);
  const texts = await items.allTextContents();
  assert.deepEqual(
    [texts[0], texts[2]],
    [
      'citrine: has the box and its password (given before the reset).',
      'steve: takes stations by hand only; see wbc sync status for what to enter.',
    ],
  );
  assert.match(
    texts[1] ?? '',
    /^spare: not reached before the reset; the box waits in its outbox .*refused the tool's credentials/,
  );
  // What the page says "done" for is at the CSMS: the station with the password the box now holds.
  assert.ok(citrine.stations.has('WB-REG'));
  assert.equal(citrine.passwords.get('WB-REG'), box.secret('BasicAuthPassword'));
  assert.equal(steve.writes.length, 0, 'nothing written at SteVe for a station');

  // Not confirmed before CitrineOS records the boot; confirmed after.
  await company.waitFor('box at the company CSMS', () => company.connected('WB-REG'));
  assert.notEqual(await view.getAttribute('data-status'), 'confirmed');
  citrine.connect('WB-REG', 'Accepted');
  await view.and(page.locator('[data-status="confirmed"]')).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: shot('run-registration-en'), fullPage: true });

  await page.getByTestId('open-report').click();
  const report = page.getByTestId('run-report');
  const reported = report.getByTestId('registration').locator('li');
  assert.deepEqual(await reported.evaluateAll((li) => li.map((i) => i.getAttribute('data-state'))), [
    'done',
    'pending',
    'manual',
  ]);
  assert.ok(!(await page.content()).includes(box.secret('BasicAuthPassword') ?? '-'), 'no password shown');

  // The box's row in the list of boxes says where it stands at each company CSMS.
  await page.keyboard.press('Alt+2');
  await page.keyboard.press('Alt+1');
  const badges = page.getByTestId('box-WB-REG').getByTestId('sync-badge').locator('li');
  await badges.first().waitFor();
  const rows = await badges.allTextContents();
  assert.match(rows[0] ?? '', /^confirmed at citrine \S/);
  assert.match(rows[1] ?? '', /^waiting for spare: .*refused the tool's credentials/);
  assert.equal(rows[2], 'waiting for steve: to be done by hand (see the Sync page)');
  await page.screenshot({ path: shot('box-sync-state-en'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
