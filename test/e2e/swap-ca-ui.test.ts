// Restoring a profile 2 box from a backup file that lacks its CA certificate, on the Diagnose page in Debian's
// Chromium: the plan is blocked and says why; with the company CA chosen the plan installs it first, and the
// replacement reaches the company CSMS on wss:// (simulator and company CSMS over real WebSockets on loopback).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BareCsms } from '../support/bare-csms.ts';
import { brokenBoxTls } from '../support/broken-box.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { testCa } from '../support/tls-certs.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Diagnose: a backup without the CA certificate is blocked with the reason; with the company CA chosen the swap installs it', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const ca = await testCa();
  const company = await BareCsms.start(t, { tls: await ca.issue('127.0.0.1') });
  const home = await coreWithCsms(t);
  await brokenBoxTls(t, home.core, home.url, company, ca.cert, { identity: 'WB-CA-OLD', ocppVersion: '1.6' });
  const { json } = await callOk(home.core, 'config.backup', { identity: 'WB-CA-OLD' });
  // A file as an older version wrote it: no certificate in it.
  const { caCertificate: _, ...older } = JSON.parse(json) as Record<string, unknown>;
  const { core, url } = await coreWithCsms(t);
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-CA',
    serialNumber: 'SN-NEW-CA',
  });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  const panel = page.getByTestId('replace-box');
  await panel.getByTestId('swap-source-file').check();
  await panel.getByTestId('swap-file').setInputFiles({
    name: 'config-backup-WB-CA-OLD.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(older)),
  });
  await panel
    .getByTestId('swap-file-loaded')
    .getByText(/^WB-CA-OLD, exported /)
    .waitFor();
  await panel.getByTestId('swap-new-password').check();
  await panel.getByLabel('New box').selectOption('FACTORY-CA');
  await tabTo(page, 'swap-start');
  await page.keyboard.press('Enter');
  await panel
    .getByText(/does not know which CA certificate it trusted/)
    .first()
    .waitFor({ timeout: 60_000 });
  assert.equal(replacement.configuration().SecurityProfile, '0');

  await panel.getByTestId('swap-ca').setInputFiles({
    name: 'company-ca.pem',
    mimeType: 'application/x-pem-file',
    buffer: Buffer.from(ca.cert),
  });
  await tabTo(page, 'swap-start');
  await page.keyboard.press('Enter');
  const plan = panel.getByTestId('plan');
  await plan.locator('tr[data-key="InstallCertificate"]').waitFor({ timeout: 60_000 });
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  await company.waitFor(
    'the replacement at the company CSMS',
    () =>
      (company.calls('WB-CA-OLD', 'BootNotification').at(-1) as { chargePointSerialNumber?: string })
        ?.chargePointSerialNumber === 'SN-NEW-CA',
    60_000,
  );
  assert.equal(replacement.configuration().SecurityProfile, '2');
  assert.deepEqual(pageErrors(page), []);
});
