// A box's page in Debian's Chromium: a simulated box (real WebSocket, loopback) commissioned from its
// page, then the page reloaded and the core restarted on the same data folder: the run, its report (the
// password named "set, kept in the vault", never shown), the box's state and a run waiting for approval
// are all found again, and the header points at the runs that need attention.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openCore } from '../../main/core.ts';
import { startShellServer } from '../../main/server/shell-server.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

async function go(page: Page, url: string) {
  await page.goto(url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
}

test('a box commissioned from its page keeps its run, report and state across reload and core restart', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const dataDir = tempDir(t);
  const company = await BareCsms.start(t);
  // The first core is closed by the test itself (the restart); the second by the test's end.
  const first = openCore({ dataDir, defaultLanguage: 'en' });
  await first.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const firstServer = await startShellServer({ core: first, staticDir: built });
  const url = `ws://127.0.0.1:${first.ocpp.csms.port}/ocpp`;
  await simBox(t, first, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-PAGE',
    vendor: 'ACME',
    model: 'Volt',
  });
  await simBox(t, first, { ocppVersion: '1.6', endpoint: url, identity: 'WB-WAIT' });
  await callOk(first, 'templates.save', {
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 1 },
  });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${firstServer.url}#/boxes`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  // The list of boxes, each linking to its page; nothing commissioned yet.
  const row = page.getByTestId('box-row-WB-PAGE');
  await row.and(page.locator('[data-commissioning="never"][data-connection="connected"]')).waitFor();
  await row.getByRole('link', { name: 'WB-PAGE' }).click();
  await page.getByTestId('box-page').waitFor();
  assert.equal(await page.getByTestId('box-vendor').textContent(), 'ACME');
  assert.match((await page.getByTestId('box-connection').textContent()) ?? '', /^connected since /);
  await page.getByTestId('box-commissioning').getByText('never commissioned').waitFor();

  // Commission from the box's page: Commission opens with the box chosen; approve the plan.
  await page.getByTestId('box-commission').click();
  await page.getByTestId('start-template').locator('option').first().waitFor({ state: 'attached' });
  await page.getByTestId('start-run').click();
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  assert.match(page.url(), /#\/commission\/runs\/\d+$/, 'the open run has an address');
  // A reload finds the run waiting for approval where the user left it.
  await page.reload();
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await page.getByTestId('attention').getByText('Runs needing attention: 1').waitFor();
  await page.getByTestId('approve').click();
  await view.and(page.locator('[data-status="left-not-confirmed"]')).waitFor({ timeout: 20_000 });
  const [run] = await callOk(first, 'commissioning.list', { identity: 'WB-PAGE' });
  assert.ok(run);

  // A second box's run waits for approval: the header counts both runs that need someone.
  const waiting = await callOk(first, 'commissioning.start', {
    identity: 'WB-WAIT',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 } },
  });
  await first.commissioning.settled(waiting.id);
  await page.getByTestId('attention').getByText('Runs needing attention: 2').waitFor();

  // The core stops (the window keeps its page) and starts again on the same data folder.
  await firstServer.close();
  await first.close();
  const second = testCore(t, { dataDir });
  const { server } = await testShell(t, { staticDir: built, core: second });

  await go(page, `${server.url}#/boxes/WB-PAGE`);
  await page.getByTestId('box-page').waitFor();
  const state = page.getByTestId('box-commissioning');
  await state.and(page.locator('[data-state="left-not-confirmed"]')).waitFor();
  assert.match((await page.getByTestId('box-connection').textContent()) ?? '', /^offline since /);
  assert.equal(await page.getByTestId('box-vendor').textContent(), 'ACME');
  await page.getByTestId('box-credentials').getByText('OCPP password: set, kept in the vault').waitFor();
  const runRow = page.getByTestId(`box-run-${run.id}`);
  await runRow.and(page.locator('[data-status="left-not-confirmed"]')).waitFor();
  assert.ok(
    ((await page.getByTestId('box-snapshots').locator('tbody tr').count()) ?? 0) >= 1,
    'the snapshot taken before the run is listed',
  );

  // The report opens again from the database, with its own address; the password only named.
  await runRow.getByTestId('open-run-report').click();
  const report = page.getByTestId('run-report');
  await report.waitFor();
  assert.match(page.url(), new RegExp(`#/boxes/WB-PAGE/runs/${run.id}/report$`));
  assert.equal(await page.getByTestId('report-outcome').getAttribute('data-outcome'), 'left-not-confirmed');
  assert.equal(
    await page.getByTestId('report-password').textContent(),
    'set, kept in the vault (never printed)',
  );
  await report.locator('tr[data-key="AuthorizationKey"]').getByText('(generated password)').waitFor();
  const secret = second.vault.list().find((s) => s.purpose === 'ocpp-basic-auth' && s.label === 'WB-PAGE');
  assert.ok(secret);
  const password = second.vault.reveal('test', secret.id);
  assert.ok(!((await page.content()) ?? '').includes(password), 'the password is never on the page');
  await page.reload();
  await report.waitFor();

  // The box's page at 1024 px, in English and in German: everything fits without scrolling sideways.
  await page.setViewportSize({ width: 1024, height: 700 });
  for (const language of ['en', 'de'] as const) {
    await callOk(second, 'settings.set', { language });
    await go(page, `${server.url}#/boxes/WB-PAGE`);
    await page
      .getByTestId('box-commissioning')
      .getByText(language === 'de' ? 'erledigt, aber nicht bestätigt' : 'done, but not confirmed')
      .waitFor();
    await page.screenshot({ path: shot(`box-page-${language}`), fullPage: true });
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    assert.equal(overflow, 0, `${language}: no sideways scrolling at 1024 px`);
  }
  await callOk(second, 'settings.set', { language: 'en' });
  await go(page, `${server.url}#/boxes`);

  // The run waiting for approval is still waiting, found from the header after the restart.
  await page.getByTestId('attention').getByText('Runs needing attention: 2').waitFor();
  await page.getByTestId('attention').click();
  await page
    .getByTestId('box-row-WB-WAIT')
    .and(page.locator('[data-commissioning="awaiting-approval"]'))
    .waitFor();
  await page.getByTestId('box-row-WB-WAIT').getByRole('link', { name: 'WB-WAIT' }).click();
  await page
    .getByTestId('box-commissioning')
    .getByRole('link', { name: `Open run #${waiting.id}` })
    .click();
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await page.getByTestId('approve').waitFor();

  // Forgetting asks first and says what is lost; a box with an unfinished run cannot be forgotten.
  await go(page, `${server.url}#/boxes/WB-WAIT`);
  await page.getByTestId('forget').click();
  await page
    .getByTestId('forget-blocked')
    .getByText(`Run #${waiting.id} of this box has not ended`)
    .waitFor();
  assert.equal(await page.getByTestId('forget-confirm').isDisabled(), true);
  await go(page, `${server.url}#/boxes/WB-PAGE`);
  await page.getByTestId('forget').click();
  await page
    .getByTestId('forget-lost')
    .getByText(/deletes 1 commissioning runs with their reports/)
    .waitFor();
  await page.getByTestId('forget-confirm').click();
  await page.getByTestId('box-list').waitFor();
  await page.getByTestId('box-row-WB-PAGE').waitFor({ state: 'detached' });
  assert.deepEqual(await callOk(second, 'commissioning.list', { identity: 'WB-PAGE' }), []);
  assert.deepEqual(pageErrors(page), []);
});

test('a box password cannot be deleted in Settings while the box is known; the dialog says why', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t);
  await core.vault.put('test', 'ocpp-basic-auth', 'WB-KNOWN', 'a-password-of-20-chars');
  core.store.write(() =>
    core.store.db
      .prepare("INSERT INTO stations (identity, created_at, updated_at) VALUES ('WB-KNOWN', ?, ?)")
      .run(core.store.now(), core.store.now()),
  );
  await core.vault.put('test', 'note', 'spare', 'not used by anything');
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/settings`);
  const used = page.getByTestId('secret-WB-KNOWN');
  await used.getByTestId('secret-delete').click();
  await used
    .getByTestId('secret-breaks')
    .getByText(/The box WB-KNOWN logs in with this password/)
    .waitFor();
  assert.equal(await used.getByTestId('secret-delete-confirm').isDisabled(), true);
  const spare = page.getByTestId('secret-spare');
  await spare.getByTestId('secret-delete').click();
  await spare
    .getByTestId('secret-breaks')
    .getByText(/Nothing the tool knows uses it/)
    .waitFor();
  await spare.getByTestId('secret-delete-confirm').click();
  await spare.waitFor({ state: 'detached' });
  assert.deepEqual(
    core.vault.list().map((s) => s.label),
    ['WB-KNOWN'],
  );
});

test("a box's password is copied to the clipboard on request, never shown, and the copy is audited", async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t);
  await core.vault.put('test', 'ocpp-basic-auth', 'WB-COPY', 'Copy-me-0123456789ab');
  core.store.write(() =>
    core.store.db
      .prepare("INSERT INTO stations (identity, created_at, updated_at) VALUES ('WB-COPY', ?, ?)")
      .run(core.store.now(), core.store.now()),
  );
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const context = await browser.newContext({ locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(server.url).origin,
  });
  const page = await context.newPage();
  await go(page, `${server.url}#/boxes/WB-COPY`);
  const credentials = page.getByTestId('box-credentials');
  await credentials.getByText('OCPP password: set, kept in the vault').waitFor();
  await credentials.getByTestId('copy-credential-current').click();
  await credentials.getByText('Copied. The clipboard is cleared in 30 s.').waitFor();
  assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'Copy-me-0123456789ab');
  assert.ok(!(await page.content()).includes('Copy-me-0123456789ab'), 'copied, not shown');
  const audit = await callOk(core, 'audit.list', { entity: 'secret' });
  assert.ok(
    audit.some((e) => e.action === 'secret.reveal'),
    'the copy is in the audit log',
  );
});
