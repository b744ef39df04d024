// "Replace this box" on the Diagnose page in Debian's Chromium: a broken box the tool knew (gone now) and a
// replacement of another model connected to the simulator's CSMS over a real WebSocket on loopback; the plan
// shows what moves and what cannot, approval runs the swap, the run view follows it to its honest outcome.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brokenBox } from '../support/broken-box.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Diagnose: a broken box replaced by a connected one, the plan with what cannot move, approved and followed to its reset', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  const { password } = await brokenBox(t, core, url);
  // Another model, without a local authorization list: its keys and the cards cannot move.
  const replacement = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'FACTORY-U',
    model: 'Lean Model',
    noLocalList: true,
  });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('box-picker').selectOption('WB-OLD');

  const panel = page.getByTestId('replace-box');
  await panel.getByText('Replace WB-OLD with a new box').waitFor();
  // First its backup, saved as a file: the settings without the password, what is not in it named.
  await tabTo(page, 'config-backup');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.keyboard.press('Enter'),
  ]);
  const path = await download.path();
  const backup = readFileSync(path, 'utf8');
  assert.match(backup, /"ACME Parking"/);
  assert.doesNotMatch(backup, new RegExp(password, 'i'));
  await panel
    .getByTestId('backup-not-read')
    .getByText(/: AuthorizationKey\./)
    .waitFor();

  await panel.getByLabel('New box').selectOption('FACTORY-U');
  await tabTo(page, 'swap-start');
  await page.keyboard.press('Enter');

  // The plan: each setting with the new box's value and the old one's, what cannot move, read-only differences.
  const plan = panel.getByTestId('plan');
  await plan.getByText('FACTORY-U takes the place of WB-OLD.').waitFor({ timeout: 60_000 });
  assert.deepEqual(
    await plan
      .locator('tr[data-key="CpoName"] td')
      .allTextContents()
      .then((cells) => cells.slice(0, 2)),
    ['', '→ ACME Parking'],
  );
  await plan
    .getByTestId('swap-not-movable')
    .locator('li[data-key="LocalAuthListEnabled"]')
    .getByText('LocalAuthListEnabled (on the old box: true)')
    .waitFor();
  await plan.getByTestId('swap-read-only').locator('tr[data-key="SupportedFeatureProfiles"]').waitFor();
  await plan
    .getByTestId('plan-notes')
    .getByText(/the 4 card\(s\) of the broken box cannot be moved/)
    .waitFor();
  assert.equal(replacement.configuration().CpoName, '', 'nothing is written before the approval');

  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  // Written, reset, and now watched leaving (the window is the model's reboot time: the countdown shows it).
  await panel.getByTestId('countdown').waitFor({ timeout: 60_000 });
  assert.equal(replacement.configuration().CpoName, 'ACME Parking');
  assert.equal(replacement.configuration().Cst_ChargeBoxId, 'WB-OLD');
  assert.deepEqual(pageErrors(page), []);
});
