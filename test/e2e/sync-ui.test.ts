// The Sync page in Debian's Chromium against a SteVe stand-in over real HTTP: what waits and why, the
// connection test step by step, "send now" by keyboard, and a refusal shown in words; English and German.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { startSteveServer } from '../support/steve-server.ts';
import { unlabelled } from './labelled.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Sync: a card waiting for SteVe, the connection tested and the card sent by keyboard', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const steve = await startSteveServer(t);
  const { core, server } = await testShell(t, { staticDir: built });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+4');
  const panel = page.getByTestId('sync-steve');
  await panel
    .getByTestId('sync-counts')
    .getByText(/^1 waiting, 0 done/)
    .waitFor();
  assert.deepEqual(await unlabelled(page, 'sync-steve'), []);

  await tabTo(page, 'sync-test-steve');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-checks')
    .getByText(/credentials: ok/)
    .waitFor();

  await tabTo(page, 'sync-send-steve');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-sent')
    .getByText(/1 delivered/)
    .waitFor();
  await panel
    .getByTestId('sync-counts')
    .getByText(/^0 waiting, 1 done/)
    .waitFor();
  assert.deepEqual(
    steve.writes.map((w) => w.idTag).filter((id) => id === '04A1B2C3'),
    ['04A1B2C3'],
  );
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/sync-sent-en.png', import.meta.url)),
  });
  assert.deepEqual(pageErrors(page), []);
});

test('Sync: a CSMS that refuses the credentials is said in words, and the card stays waiting (German)', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const steve = await startSteveServer(t);
  const { core, server } = await testShell(t, { staticDir: built });
  await callOk(core, 'settings.set', { language: 'de' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'a-wrong-password',
  });
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+4');
  await tabTo(page, 'sync-send-steve');
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('sync-steve');
  await panel
    .getByText(/hat die Zugangsdaten des Werkzeugs abgelehnt/)
    .first()
    .waitFor();
  await panel
    .getByTestId('sync-counts')
    .getByText(/^1 wartend/)
    .waitFor();
  assert.equal(steve.writes.length, 0);
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/sync-refused-de.png', import.meta.url)),
  });
  assert.deepEqual(pageErrors(page), []);
});

test('Sync: a company CSMS added from the app by keyboard, its secret never shown again, and tested', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const steve = await startSteveServer(t);
  const { core, server } = await testShell(t, { staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+4');
  await page.locator('.empty-state').getByText('Nothing waiting to sync').waitFor();
  assert.deepEqual(await unlabelled(page, 'sync-add'), []);
  await tabTo(page, 'sync-add-kind');
  await page.getByTestId('sync-add-kind').selectOption('steve');
  await tabTo(page, 'sync-add-name');
  await page.keyboard.type('Company SteVe');
  await page.keyboard.press('Tab');
  await page.keyboard.type(steve.url);
  await page.keyboard.press('Tab');
  await page.keyboard.type('api');
  await page.keyboard.press('Tab');
  await page.keyboard.type('steve-api-secret');
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('sync-Company SteVe');
  await panel
    .getByTestId('sync-counts')
    .getByText(/^0 waiting, 0 done/)
    .waitFor();
  assert.equal(await page.getByTestId('sync-add-secret').inputValue(), '', 'the field is emptied');
  assert.ok(!(await page.content()).includes('steve-api-secret'), 'the secret is not on the page');
  const stored = JSON.stringify(core.store.db.prepare('SELECT * FROM connectors').all());
  assert.ok(!stored.includes('steve-api-secret'), 'only the vault holds it');
  await tabTo(page, 'sync-test-Company SteVe');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-checks')
    .getByText(/credentials: ok/)
    .waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('Sync: an OCPI 2.2.1 CPO added from the app with the eMSP party; the handshake runs on the first send', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { startOcpiServer } = await import('../support/ocpi-server.ts');
  const cpo = await startOcpiServer();
  t.after(() => cpo.close());
  const { core, server } = await testShell(t, { staticDir: built });
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+4');
  await page.getByTestId('sync-add-kind').selectOption('ocpi');
  await page.getByTestId('sync-add-country').waitFor();
  assert.deepEqual(await unlabelled(page, 'sync-add'), []);
  await page.getByTestId('sync-add-name').fill('cpo');
  await page.getByTestId('sync-add-url').fill(cpo.versionsUrl);
  await page.getByTestId('sync-add-country').fill('de');
  await page.getByTestId('sync-add-party').fill('wbc');
  await page.getByTestId('sync-add-secret').fill(cpo.tokenA);
  await page.getByTestId('sync-add-secret').press('Enter');
  const panel = page.getByTestId('sync-cpo');
  await panel
    .getByTestId('sync-counts')
    .getByText(/^1 waiting/)
    .waitFor();
  await tabTo(page, 'sync-send-cpo');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-sent')
    .getByText(/1 delivered/)
    .waitFor();
  assert.ok(cpo.tokenC, 'the credentials handshake was made');
  const [token] = [...cpo.tokens.values()];
  assert.equal(token?.country_code, 'DE');
  assert.equal(token?.party_id, 'WBC');
  assert.deepEqual(pageErrors(page), []);
});
