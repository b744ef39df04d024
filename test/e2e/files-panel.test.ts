// The Files panel of the Diagnose page in Debian's Chromium, by keyboard: the project's simulator (2.0.1,
// real WebSocket on loopback) downloads the chosen firmware from the tool's file server and installs it,
// uploads its security log, which is listed and downloaded; the panel in German, no sideways scrolling.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

process.env.WBC_FILES_PORT = '0';

/** Sideways scrolling of the page, or of any box inside the Files panel, in px (0: none). */
const overflow = `(() => {
  const root = document.documentElement;
  const panel = document.querySelector('[data-testid="files-panel"]');
  const inner = [...panel.querySelectorAll('*')].filter((el) => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX));
  return Math.max(0, root.scrollWidth - root.clientWidth) + inner.length + Math.max(0, panel.scrollWidth - panel.clientWidth);
})()`;

test('Files panel: firmware update to Installed and a security log fetched and downloaded, by keyboard; German', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-FILES',
    files: { uploadVia: 'put' },
  });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.setViewportSize({ width: 1024, height: 700 });
  const panel = page.getByTestId('files-panel');
  await panel.waitFor();

  const firmware = Buffer.alloc(50_000, 3);
  await page
    .getByTestId('files-firmware-file')
    .setInputFiles({ name: 'wb-fw-4.2.bin', mimeType: 'application/octet-stream', buffer: firmware });
  await tabTo(page, 'files-firmware-start', 400);
  await page.keyboard.press('Enter');
  await panel.getByText('Installed: the box reported it.').waitFor({ timeout: 30_000 });
  for (const word of [
    'box: downloading',
    'box: downloaded',
    'box: installing',
    'box: installed',
    'tool: file served (50000 bytes)',
  ])
    await panel.getByText(word, { exact: false }).first().waitFor();
  assert.equal(sim.lastFirmware()?.size, 50_000);

  await panel.getByLabel('Log', { exact: true }).selectOption('security');
  await tabTo(page, 'files-log-start', 400);
  await page.keyboard.press('Enter');
  await panel.getByText('The file arrived and is kept with the box.').waitFor({ timeout: 30_000 });
  await panel.getByTestId('files-list').getByText('security-WB-FILES.log').waitFor();
  await tabTo(page, 'files-download', 400);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(download.suggestedFilename(), 'security-WB-FILES.log');
  const path = await download.path();
  assert.ok(path);
  assert.match(readFileSync(path, 'utf8'), /simulated log line/);
  assert.equal(await page.evaluate(overflow), 0, 'no sideways scrolling at 1024 px');
  await page.screenshot({ path: shot('files-en'), fullPage: true });

  await core.router.call('settings.set', { language: 'de' }, core.context('cli'));
  await panel.getByText('Installiert: die Box hat es gemeldet.').waitFor();
  await panel.getByText('Die Datei ist angekommen und wird bei der Box aufbewahrt.').waitFor();
  await panel.getByText('Box: lädt herunter').first().waitFor();
  const text = (await panel.textContent()) ?? '';
  for (const raw of ['Installed', 'Downloading', 'Uploaded', 'Accepted', 'SecurityLog'])
    assert.ok(!text.includes(raw), `no raw ${raw} in German`);
  assert.equal(await page.evaluate(overflow), 0, 'no sideways scrolling in German at 1024 px');
  await page.screenshot({ path: shot('files-de'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
