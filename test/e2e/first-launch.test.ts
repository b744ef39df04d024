// First launch in Debian's Chromium, by keyboard, in English and German: an empty app says what comes
// first and its buttons lead there; the CSMS form opens with the settings it was last started with; the
// address names its network and has a QR code; lobby boxes (real WebSockets on loopback) are admitted at
// once; the header names core, CSMS and boxes, and says so when the core is gone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const focusedTestId = "document.activeElement?.getAttribute('data-testid') ?? null";

test('English: the empty app leads to the local CSMS, boxes are admitted at once, the header tells core from CSMS', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t);
  const port = await freePort();
  // Started and stopped once before: the form must open with these settings, not the defaults.
  await callOk(core, 'csms.start', { host: '127.0.0.1', port, expected: ['WB-KNOWN'] });
  await callOk(core, 'csms.stop', {});
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/commission`);
  await page.getByTestId('connection').getByText('App core: connected').waitFor();
  await page.getByTestId('header-csms').getByText('Local CSMS: stopped').waitFor();
  await page.getByTestId('first-steps').getByText('What comes first').waitFor();

  await tabTo(page, 'launch-box');
  await page.keyboard.press('Enter');
  const form = page.getByTestId('csms-start');
  assert.equal(await form.getByRole('spinbutton').inputValue(), String(port));
  assert.equal(await page.getByTestId('csms-expected').inputValue(), 'WB-KNOWN');
  assert.equal(await form.getByRole('combobox').inputValue(), '127.0.0.1');
  assert.equal(await page.evaluate("document.activeElement?.getAttribute('type')"), 'number');
  await page.keyboard.press('Enter');
  await page.getByTestId('header-csms').getByText(`Local CSMS: running on port ${port}`).waitFor();
  await page
    .getByTestId('csms-lan-0')
    .getByText(/127\.0\.0\.1 \(.+, 127\.0\.0\.0\/8\)/)
    .waitFor();
  await tabTo(page, 'csms-qr-show-0');
  await page.keyboard.press('Enter');
  const qr = page.getByTestId('csms-qr-0');
  await qr.waitFor();
  assert.equal(await qr.getAttribute('alt'), `QR code of ws://127.0.0.1:${port}/ocpp`);
  assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/svg\+xml;utf8,%3Csvg/);

  const url = `ws://127.0.0.1:${port}/ocpp`;
  const boxes = ['WB-L1', 'WB-L2'].map((identity) => bareBox(t, { url, identity }));
  for (const box of boxes) {
    await box.connect();
    await boot16(box);
  }
  await page.getByTestId('header-boxes').getByText('Boxes: 0 connected, 2 waiting in the lobby').waitFor();
  await tabTo(page, 'admit-all');
  assert.equal(await page.getByTestId('admit-all').textContent(), 'Admit all 2 waiting');
  await page.keyboard.press('Enter');
  await page.getByTestId('header-boxes').getByText('Boxes: 2 connected, 0 waiting in the lobby').waitFor();
  assert.ok(core.ocpp.status().boxes.every((b) => b.admitted));
  assert.deepEqual((await callOk(core, 'csms.saved', {}))?.admitted, ['WB-L1', 'WB-L2']);
  assert.equal(await page.getByTestId('first-steps').count(), 0);

  // The core goes away: the page says so instead of showing the CSMS as running.
  await server.close();
  await page.getByTestId('core-gone').waitFor();
  await page.getByTestId('header-csms').getByText('Local CSMS: unknown').waitFor();
  assert.equal(await page.getByTestId('csms').isVisible(), false);
  assert.equal(await page.getByTestId('header-boxes').count(), 0);
  assert.deepEqual(pageErrors(page), []);
});

test('German: the empty app leads to a new site by keyboard, the header speaks German', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t);
  await callOk(core, 'settings.set', { language: 'de' });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/commission`, 'de-DE');
  await page.locator('html[lang="de"]').waitFor();
  await page.getByTestId('connection').getByText('App-Kern: verbunden').waitFor();
  await page.getByTestId('header-csms').getByText('Lokales CSMS: gestoppt').waitFor();
  await page.getByTestId('first-steps').getByText('Was zuerst kommt').waitFor();

  await tabTo(page, 'launch-site');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(focusedTestId), 'add-site-name');
  await page.keyboard.type('Parkhaus Süd');
  await page.keyboard.press('Enter');
  await page.getByTestId('first-steps').waitFor({ state: 'detached' });
  assert.deepEqual(
    (await callOk(core, 'sites.list', {})).map((s) => s.name),
    ['Parkhaus Süd'],
  );
  assert.deepEqual(pageErrors(page), []);
});
