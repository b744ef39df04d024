// The app as a user meets it in the browser shell, in Debian's Chromium: first start, keyboard only,
// English and German, typed errors on screen, refused without its token, and the core going away.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

async function shell(t: Parameters<typeof testShell>[0]) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  return testShell(t, { staticDir: built });
}

test('first start: connected, English, an empty state that says what to do, a site added by keyboard', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  assert.equal(await page.title(), 'Wallbox Commissioner');
  assert.equal(await page.getByTestId('page-title').textContent(), 'Commission');
  // An empty app leads: first steps, and the sites section says it has none yet.
  await page.getByTestId('first-steps').waitFor();
  await page.getByRole('region', { name: 'No sites yet' }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token left the address bar');

  await page.getByLabel('Site name').focus();
  await page.keyboard.type('Depot North');
  await page.keyboard.press('Enter');
  await page.getByTestId('sites-table').getByText('Depot North').waitFor();
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/commission-en.png', import.meta.url)),
  });
  assert.deepEqual(pageErrors(page), []);
});

test('switching to German changes every label and survives a reload', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+5');
  await page.getByTestId('language-select').waitFor();
  await page.getByTestId('language-select').selectOption('de');
  await page.getByTestId('nav-commission').getByText('Inbetriebnahme').waitFor();
  assert.equal(await page.getByTestId('page-title').textContent(), 'Einstellungen');
  assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  await page.reload();
  await page.getByTestId('nav-cards').getByText('Karten').waitFor();
  await page.keyboard.press('Alt+1');
  await page.locator('.empty-state').getByText('Noch keine Standorte').waitFor();
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/commission-de.png', import.meta.url)),
  });
  assert.deepEqual(pageErrors(page), []);
});

test('keyboard only: Alt+number moves between pages and focus lands on the page heading', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  for (const [key, title] of [
    ['Alt+2', 'Cards'],
    ['Alt+3', 'Diagnose'],
    ['Alt+4', 'Sync'],
    ['Alt+1', 'Commission'],
  ] as const) {
    await page.keyboard.press(key);
    await page.getByTestId('page-title').getByText(title, { exact: true }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'page-title',
    );
  }
  // Tab from the top of a fresh page reaches the skip link first, then the navigation in order.
  await page.reload();
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('page-title').getByText('Cards', { exact: true }).waitFor();
});

test('a refused action shows the message and the remedy, in the chosen language', async (t) => {
  const { server, core } = await shell(t);
  await core.router.call('groups.create', { name: 'Fleet' }, core.context('cli'));
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/cards`);
  await page.getByTestId('groups-table').getByText('Fleet', { exact: true }).waitFor();
  await page.getByTestId('add-group').getByLabel('Group name').fill('fleet');
  await page.getByTestId('add-group').getByRole('button').click();
  const alert = page.getByTestId('add-group').getByRole('alert');
  await alert.waitFor();
  assert.match(
    (await alert.textContent()) ?? '',
    /A group named "fleet \(FLEET\)" exists already\.[\s\S]*Choose another name/,
  );
  await core.router.call('settings.set', { language: 'de' }, core.context('cli'));
  await alert.getByText('Gruppe „fleet (FLEET)“ gibt es bereits.').waitFor();
});

test('a change made elsewhere (the CLI) appears without reloading', async (t) => {
  const { server, core } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByRole('region', { name: 'No sites yet' }).waitFor();
  await core.router.call('sites.create', { name: 'Parkhaus Süd' }, core.context('cli'));
  await page.getByTestId('sites-table').getByText('Parkhaus Süd').waitFor();
});

test('without the token the page says how to get in, and the api stays closed', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `http://127.0.0.1:${server.port}/`);
  await page.getByRole('alert').getByText('This page has no access token.').waitFor();
  assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'unauthorized');
  const wrong = await openPage(browser, `http://127.0.0.1:${server.port}/?token=not-the-token`);
  await wrong.getByTestId('connection').and(wrong.locator('[data-state="disconnected"]')).waitFor();
});

test('when the core goes away the indicator says so', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await server.close();
  await page.getByTestId('connection').and(page.locator('[data-state="disconnected"]')).waitFor();
  assert.match((await page.getByTestId('connection').textContent()) ?? '', /App core: gone/);
  // Nothing stale stays on the page as if it were live.
  await page.getByTestId('core-gone').waitFor();
});
