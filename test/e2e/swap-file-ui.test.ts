// Restoring a backup file onto a new box on the Diagnose page in Debian's Chromium: a laptop that never knew
// the broken 1.6 box, a 2.0.1 replacement on the simulator over a real WebSocket on loopback; a wrong file is
// refused with its reason, the right one gives a cross-version plan that names what cannot move, approved.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brokenBox } from '../support/broken-box.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Diagnose: a backup file restored onto a 2.0.1 box by a laptop that never knew the 1.6 box; a wrong file refused', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  // The laptop that commissioned the box made its backup; this one (core) is on site.
  const home = await coreWithCsms(t);
  await brokenBox(t, home.core, home.url);
  const { json } = await callOk(home.core, 'config.backup', { identity: 'WB-OLD' });
  const { core, url } = await coreWithCsms(t);
  const replacement = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'FACTORY-W' });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  const panel = page.getByTestId('replace-box');
  await panel.getByTestId('swap-source-file').check();
  await panel.getByText('Restore a backup onto a new box').waitFor();
  // A file larger than any backup is said at once, not read into the page.
  await panel.getByTestId('swap-file').setInputFiles({
    name: 'huge.json',
    mimeType: 'application/json',
    buffer: Buffer.alloc(9 * 1024 * 1024, 0x20),
  });
  await panel
    .getByTestId('swap-file-too-large')
    .getByText(/The backup file is too large: 9437184 bytes/)
    .waitFor();
  assert.equal(await panel.getByTestId('swap-start').isDisabled(), true);
  // A template export is no backup: refused with its reason, nothing started.
  await panel.getByTestId('swap-file').setInputFiles({
    name: 'template.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'Depot', csms: { url, securityProfile: 0 } })),
  });
  await panel.getByLabel('New box').selectOption('FACTORY-W');
  await tabTo(page, 'swap-start');
  await page.keyboard.press('Enter');
  await panel.getByText(/The file is not a configuration backup of this tool/).waitFor({ timeout: 30_000 });

  await panel.getByTestId('swap-file').setInputFiles({
    name: 'config-backup-WB-OLD.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  });
  await panel
    .getByTestId('swap-file-loaded')
    .getByText(/^WB-OLD, exported /)
    .waitFor();
  // This laptop's vault does not hold the old password: the run sets a new one, which the plan says.
  await panel.getByTestId('swap-new-password').check();
  await tabTo(page, 'swap-start');
  await page.keyboard.press('Enter');

  const plan = panel.getByTestId('plan');
  await plan.getByText('FACTORY-W takes the place of WB-OLD.').waitFor({ timeout: 60_000 });
  await plan
    .getByTestId('swap-source-file')
    .getByText(/Source: the backup file of WB-OLD/)
    .waitFor();
  await plan
    .getByTestId('swap-cross-version')
    .getByText(/WB-OLD spoke OCPP 1\.6/)
    .waitFor();
  await plan.getByTestId('swap-not-mapped').locator('li[data-key="ConnectorPhaseRotation"]').waitFor();
  await plan.getByText(/A new password is written right before the reset/).waitFor();
  await plan.locator('tr[data-key="SecurityCtrlr.OrganizationName"]').waitFor();
  assert.equal(replacement.configuration()['SecurityCtrlr.OrganizationName'], 'Wallbox Commissioner');

  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  await panel.getByTestId('countdown').waitFor({ timeout: 60_000 });
  assert.equal(replacement.configuration()['SecurityCtrlr.OrganizationName'], 'ACME Parking');
  assert.equal(replacement.localList().entries.length, 4);
  assert.deepEqual(pageErrors(page), []);
});
