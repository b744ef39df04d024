// The OCPP screens as a technician uses them in Debian's Chromium: start the local CSMS, admit simulated
// boxes (OCPP 1.6 and 2.0.1) from the lobby by keyboard, read and change configuration, watch the trace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { createSimStation, type SimStationOptions } from '../../main/simulator/station.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));
/** 16 bytes as hex: a valid OCPP 1.6 AuthorizationKey that must never reach the screen. */
const AUTH_KEY = '5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0';

async function shell(t: TestContext, core?: Core) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  return testShell(t, { staticDir: built, ...(core ? { core } : {}) });
}

async function connected(page: Page) {
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
}

function sim(t: TestContext, options: SimStationOptions) {
  const station = createSimStation(options);
  t.after(() => station.stop());
  return station;
}

test('Commission: start the local CSMS, a box waits in the lobby, Admit by keyboard, it shows what it booted with', async (t) => {
  const { server } = await shell(t);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await connected(page);
  const csms = page.getByTestId('csms');
  await csms.getByText('The local CSMS is stopped.').waitFor();
  await page.getByTestId('boxes-summary').getByText('Start the local CSMS above').waitFor();
  await page.screenshot({ path: shot('csms-stopped-en'), fullPage: true });

  const port = await freePort();
  await csms.getByLabel('Listen on').selectOption('127.0.0.1');
  await csms.getByLabel('Port').fill(String(port));
  await csms.getByLabel('Port').press('Enter');
  const url = `ws://127.0.0.1:${port}/ocpp`;
  await page.getByTestId('csms-urls').getByText(url, { exact: true }).waitFor();
  await csms.getByText(`The local CSMS is running on port ${port}.`).waitFor();
  await page.getByRole('button', { name: `Copy address ${url}` }).click();
  await csms.getByText(/Copied\.|Selected: press Ctrl\+C/).waitFor();

  const box16 = sim(t, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-16',
    vendor: 'ACME',
    model: 'Volt 11',
    firmwareVersion: '4.2.0',
    password: AUTH_KEY,
  });
  await box16.start();
  const row16 = page.getByTestId('box-WB-16');
  await row16.and(page.locator('[data-state="lobby"]')).waitFor();
  await row16.getByText('in the lobby').waitFor();
  await row16.getByText('ACME').waitFor();
  await page.getByTestId('boxes-summary').getByText('In the lobby: 1').waitFor();
  await page.screenshot({ path: shot('boxes-lobby-en'), fullPage: true });

  // Keyboard only: from the page heading, Tab reaches the Admit button; Enter admits.
  await page.keyboard.press('Alt+1');
  await tabTo(page, 'admit-WB-16');
  await page.keyboard.press('Enter');
  await row16.and(page.locator('[data-state="connected"]')).waitFor();
  for (const text of ['connected', '1.6', 'ACME', 'Volt 11', '4.2.0', '127.0.0.1'])
    await row16.getByText(text, { exact: true }).first().waitFor();

  const box201 = sim(t, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-201',
    vendor: 'Elektro AG',
    model: 'Home 22',
  });
  await box201.start();
  const row201 = page.getByTestId('box-WB-201');
  await row201.and(page.locator('[data-state="lobby"]')).waitFor();
  await page.getByTestId('admit-WB-201').focus();
  await page.keyboard.press('Enter');
  await row201.and(page.locator('[data-state="connected"]')).waitFor();
  await row201.getByText('2.0.1', { exact: true }).waitFor();
  await row201.getByText('Elektro AG', { exact: true }).waitFor();
  await page.getByTestId('boxes-summary').getByText('Connected: 2 · In the lobby: 0').waitFor();
  await page.screenshot({ path: shot('boxes-admitted-en'), fullPage: true });

  await box16.stop();
  await row16.and(page.locator('[data-state="offline"]')).waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('Diagnose (OCPP 1.6): read, filter, change HeartbeatInterval, live trace, masked AuthorizationKey, export, German', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { server } = await shell(t, core);
  const box = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-16',
    vendor: 'ACME',
    model: 'Volt 11',
    password: AUTH_KEY,
  });
  assert.equal(box.secret('AuthorizationKey'), AUTH_KEY);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await connected(page);
  await page
    .getByTestId('box-picker')
    .getByText('WB-16 – connected, OCPP 1.6')
    .waitFor({ state: 'attached' });
  await page.getByTestId('config-status').getByText('No configuration read from this box yet').waitFor();
  const trace = page.getByTestId('trace-table');
  await trace.locator('tr[data-action="BootNotification"]').first().waitFor();

  await page.getByRole('button', { name: 'Read configuration' }).click();
  const config = page.getByTestId('config-table');
  await config.locator('tr[data-key="HeartbeatInterval"]').waitFor();
  await page
    .getByTestId('config-status')
    .getByText(/^Read at .*: \d+ keys\.$/)
    .waitFor();
  // How the box was read (a 2.0.1 box without its report would say GetVariables).
  await page.getByTestId('config-read-via').getByText('read with GetConfiguration').waitFor();
  // The read shows up live in the trace, call and answer.
  await trace.locator('tr[data-action="GetConfiguration"][data-kind="call"]').waitFor();
  await trace.locator('tr[data-action="GetConfiguration"][data-kind="result"]').waitFor();
  const authRow = config.locator('tr[data-key="AuthorizationKey"]');
  await authRow.getByTestId('masked').getByText('hidden (write-only)').waitFor();
  await authRow.getByText('yes').waitFor();
  await page.screenshot({ path: shot('diagnose-config-en'), fullPage: true });

  await page.getByLabel('Filter').fill('heartbeat');
  await page.getByText(/^1 of \d+ keys shown$/).waitFor();
  const keys = await config
    .locator('tbody tr[data-key]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
  assert.deepEqual(keys, ['HeartbeatInterval']);

  // Keyboard: Tab from the filter to the key, Enter opens the editor with the focus in the value.
  await page.getByLabel('Filter').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'config-key-HeartbeatInterval');
  await page.keyboard.press('Enter');
  const value = page.getByLabel('New value for HeartbeatInterval');
  await value.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'INPUT');
  await value.fill('120');
  await page.keyboard.press('Enter');
  const results = page.getByTestId('setting-results');
  await results.locator('[data-status="Accepted"]').getByText('Accepted').waitFor();
  await results.getByText('The box took the new value and uses it now.').waitFor();
  assert.equal(box.configuration().HeartbeatInterval, '120');
  await trace.locator('tr[data-action="ChangeConfiguration"][data-kind="call"]').waitFor();
  // The tool reads again after an accepted change: the diff marks the key as changed.
  await page
    .getByTestId('config-diff')
    .getByText(/1 changed/)
    .waitFor();
  const heartbeat = config.locator('tr[data-key="HeartbeatInterval"]');
  await heartbeat.and(page.locator('[data-change="changed"]')).waitFor();
  await heartbeat.getByText('120', { exact: true }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('setting-editor').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'config-key-HeartbeatInterval');
  await page.getByLabel('Filter').fill('');

  // The trace: select a frame, see its JSON; filter by action; pause auto-scroll; export.
  await trace.locator('tr[data-action="GetConfiguration"][data-kind="result"]').first().click();
  await page.getByTestId('frame-json').getByText('"configurationKey"', { exact: false }).waitFor();
  await trace.focus();
  await page.keyboard.press('End');
  await page.getByTestId('frame-detail').waitFor();
  await page.getByLabel('Action', { exact: true }).selectOption('GetConfiguration');
  const actions = await trace
    .locator('tbody tr')
    .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-action')))]);
  assert.deepEqual(actions, ['GetConfiguration']);
  await page.getByLabel('Action', { exact: true }).selectOption('');
  // Paused, the view stands still while frames keep arriving; they show up on resume.
  await page.getByRole('button', { name: 'Pause live view' }).click();
  await page.getByTestId('trace-status').getByText('Paused').waitFor();
  const rowsWhenPaused = await trace.locator('tbody tr').count();
  await core.router.call('config.read', { identity: 'WB-16' }, core.context('cli'));
  await page
    .getByTestId('trace-count')
    .getByText(/[1-9]\d* new frames wait/)
    .waitFor();
  assert.equal(await trace.locator('tbody tr').count(), rowsWhenPaused);
  await page.getByRole('button', { name: 'Resume live view' }).click();
  await page.getByTestId('trace-status').getByText('Live').waitFor();
  assert.ok((await trace.locator('tbody tr').count()) > rowsWhenPaused);
  await page.getByRole('button', { name: 'Pause live view' }).click();
  await page.screenshot({ path: shot('diagnose-trace-en'), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /^Export \d+ frames/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^trace-WB-16-.*\.jsonl$/);
  const lines = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  const frames = lines.map((l) => JSON.parse(l) as { action: string | null; identity: string });
  assert.ok(frames.some((f) => f.action === 'ChangeConfiguration'));
  assert.ok(frames.every((f) => f.identity === 'WB-16'));
  assert.ok(!lines.join('\n').includes(AUTH_KEY), 'the export holds no AuthorizationKey');

  // The secret never reaches the page, in any view.
  assert.ok(!(await page.content()).includes(AUTH_KEY), 'the AuthorizationKey is not on the page');

  await core.router.call('settings.set', { language: 'de' }, core.context('cli'));
  await page.getByRole('button', { name: 'Konfiguration lesen' }).waitFor();
  await config.getByRole('columnheader', { name: 'Schlüssel' }).waitFor();
  await authRow.getByText('verborgen (nur schreibbar)').waitFor();
  await page.getByRole('button', { name: 'Live-Ansicht fortsetzen' }).waitFor();
  await trace.getByText('→ Box').first().waitFor();
  await page
    .getByTestId('box-picker')
    .getByText('WB-16 – verbunden, OCPP 1.6')
    .waitFor({ state: 'attached' });
  await page.screenshot({ path: shot('diagnose-de'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});

test('Diagnose (OCPP 2.0.1): the device model, a write-only password masked, a variable changed', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { server } = await shell(t, core);
  const box = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-201',
    password: 'not-for-your-eyes-2024',
  });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await connected(page);
  await page
    .getByTestId('box-picker')
    .getByText('WB-201 – connected, OCPP 2.0.1')
    .waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Read configuration' }).click();
  const config = page.getByTestId('config-table');
  const trace = page.getByTestId('trace-table');
  await trace.locator('tr[data-action="GetBaseReport"][data-kind="call"]').waitFor();
  await trace.locator('tr[data-action="NotifyReport"]').first().waitFor();
  const password = config.locator('tr[data-key="SecurityCtrlr.BasicAuthPassword"]');
  await password.getByTestId('masked').waitFor();

  await page.getByLabel('Filter').fill('OCPPCommCtrlr.Heartbeat');
  const key = 'OCPPCommCtrlr.HeartbeatInterval';
  await page.locator(`[id="config-key-${key}"]`).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel(`New value for ${key}`).fill('90');
  await page.keyboard.press('Enter');
  await page.getByTestId('setting-results').locator('[data-status="Accepted"]').waitFor();
  assert.equal(box.configuration()[key], '90');
  await config.locator(`tr[data-key="${key}"][data-change="changed"]`).waitFor();
  await trace.locator('tr[data-action="SetVariables"][data-kind="result"]').waitFor();
  assert.ok(!(await page.content()).includes('not-for-your-eyes-2024'));
  await page.screenshot({ path: shot('diagnose-201-en'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});

test('with the local CSMS stopped, Diagnose says what to do and a read fails with message and remedy', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { server } = await shell(t, core);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-OLD' });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await connected(page);
  await page.getByTestId('box-WB-OLD').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByRole('button', { name: 'Stop local CSMS' }).click();
  await page.getByTestId('csms').getByText('The local CSMS is stopped.').waitFor();
  await page.getByTestId('box-WB-OLD').getByText('known, not seen since start').waitFor();

  await page.keyboard.press('Alt+3');
  await page.getByTestId('csms-not-running').getByText('start it on the Commission page').waitFor();
  await page.getByText('The local CSMS has not seen this box since it started.').waitFor();
  await page.getByRole('button', { name: 'Read configuration' }).click();
  const alert = page.getByTestId('config-view').getByRole('alert');
  await alert.getByText('The local CSMS is not running.').waitFor();
  await alert.getByText(/Start it \(Commission → Start local CSMS/).waitFor();
  await page.getByTestId('trace-table').locator('tr[data-kind="disconnected"]').first().waitFor();
  await page.screenshot({ path: shot('diagnose-stopped-en'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});

test('a long trace: history in pages plus live frames, only the newest 500 rows rendered, the newest last', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { server } = await shell(t, core);
  const sim = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-BUSY' });
  // The box goes quiet (a Pending box boots again every second): only the frames below are new.
  await sim.stop();
  await core.ocpp.csms.waitFor('WB-BUSY', { timeoutMs: 100 }).catch(() => undefined);
  const heartbeat = (id: string) => JSON.stringify([2, id, 'Heartbeat', {}]);
  for (let i = 0; i < 1500; i++) core.ocpp.trace.frame('WB-BUSY', 'in', heartbeat(`old-${i}`));
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await connected(page);
  const count = page.getByTestId('trace-count');
  await count.getByText(/Showing the newest 500 of 15\d\d frames/).waitFor();
  // Wait for the exact total: a pattern such as 18xx would match before the last live frames arrived.
  const before = Number(/of (\d+) frames/.exec((await count.textContent()) ?? '')?.[1]);
  assert.ok(before >= 1500, `history total ${before}`);
  for (let i = 0; i < 300; i++) core.ocpp.trace.frame('WB-BUSY', 'in', heartbeat(`live-${i}`));
  await page.waitForFunction(
    (least) =>
      Number(
        /of (\d+) frames/.exec(document.querySelector('[data-testid="trace-count"]')?.textContent ?? '')?.[1],
      ) >= least,
    before + 300,
  );
  const trace = page.getByTestId('trace-table');
  assert.equal(await trace.locator('tbody tr').count(), 500);
  await trace.focus();
  await page.keyboard.press('End');
  await page.getByTestId('frame-json').getByText('"live-299"').waitFor();
  await page.keyboard.press('ArrowUp');
  await page.getByTestId('frame-json').getByText('"live-298"').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('a local CSMS started elsewhere (the CLI, another window) shows up without reloading', async (t) => {
  const core = testCore(t);
  const { server } = await shell(t, core);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await connected(page);
  await page.getByTestId('csms').getByText('The local CSMS is stopped.').waitFor();
  const started = await core.router.call(
    'csms.start',
    { host: '127.0.0.1', port: await freePort() },
    core.context('cli'),
  );
  assert.ok(started.ok);
  await page.getByRole('button', { name: 'Stop local CSMS' }).waitFor();
  await core.router.call('csms.stop', {}, core.context('cli'));
  await page.getByTestId('csms').getByText('The local CSMS is stopped.').waitFor();
});

test("Settings shows a box's password only after Show, and expected boxes skip the lobby", async (t) => {
  const core = testCore(t);
  await core.router.call(
    'secrets.put',
    { purpose: 'ocpp-basic-auth', label: 'WB-PW', value: 'Gen3rated-Box-Password_2026' },
    core.context('cli'),
  );
  const { server } = await shell(t, core);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/settings`);
  await connected(page);
  const row = page.getByTestId('secret-WB-PW');
  await row.waitFor();
  assert.doesNotMatch(await page.content(), /Gen3rated-Box-Password/);
  await row.getByRole('button', { name: 'Show' }).click();
  await row.getByTestId('secret-value').getByText('Gen3rated-Box-Password_2026').waitFor();
  await row.getByRole('button', { name: 'Hide' }).click();
  await row.getByRole('button', { name: 'Show' }).waitFor();
  assert.doesNotMatch(await page.content(), /Gen3rated-Box-Password/);

  await page.keyboard.press('Alt+1');
  await page.getByTestId('csms-expected').fill('WB-KNOWN, WB-OTHER');
  const port = await freePort();
  await page.getByTestId('csms-start').getByLabel('Port').fill(String(port));
  await page.getByTestId('csms-start').getByRole('combobox').selectOption('127.0.0.1');
  await page.getByRole('button', { name: 'Start local CSMS' }).click();
  await page.getByRole('button', { name: 'Stop local CSMS' }).waitFor();
  const sim = createSimStation({
    ocppVersion: '1.6',
    endpoint: `ws://127.0.0.1:${port}/ocpp`,
    identity: 'WB-KNOWN',
  });
  t.after(() => sim.stop());
  await sim.start();
  await core.ocpp.csms.waitFor('WB-KNOWN', { timeoutMs: 10_000 });
  assert.equal(core.ocpp.csms.box('WB-KNOWN')?.admitted, true);
});

test('Commission: the local CSMS with wss:// and a password: show/hide, the CA fingerprint, a profile-2 box gets in', async (t) => {
  const core = testCore(t);
  const { server } = await shell(t, core);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await connected(page);
  const form = page.getByTestId('csms-start');
  const port = await freePort();
  await form.getByLabel('Port').fill(String(port));
  await form.getByLabel('Listen on').selectOption('127.0.0.1');
  await form.getByLabel('Admit boxes that are not expected').check();
  await form.getByLabel('Serve wss:// (TLS) for boxes at security profile 2').check();
  const password = form.getByLabel('Password the boxes must send (optional)');
  await password.fill('Site-Password-0042-xyz');
  assert.equal(await password.getAttribute('type'), 'password');
  await form.getByRole('button', { name: 'Show' }).click();
  assert.equal(await password.getAttribute('type'), 'text');
  assert.equal(await form.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed'), 'true');
  await form.getByRole('button', { name: 'Hide' }).click();
  assert.equal(await password.getAttribute('type'), 'password');
  await page.screenshot({ path: shot('csms-tls-form-en'), fullPage: true });
  await password.press('Enter');

  const certificate = page.getByTestId('csms-certificate');
  await certificate.waitFor();
  const status = core.ocpp.status();
  assert.ok(status.tls);
  assert.equal(
    (await page.getByTestId('csms-ca-fingerprint').textContent())?.trim(),
    status.tls.caFingerprint,
  );
  await page.getByTestId('csms-urls').getByText(`wss://127.0.0.1:${port}/ocpp`, { exact: true }).waitFor();
  await certificate.getByRole('button', { name: /Download the CA certificate/ }).waitFor();
  await page.screenshot({ path: shot('csms-tls-running-en'), fullPage: true });
  // The password went to the vault, never to the page again.
  assert.ok(core.vault.list().some((s) => s.purpose === 'csms-basic-auth' && s.label === 'local-csms'));
  assert.doesNotMatch(await page.content(), /Site-Password-0042/);

  const box = sim(t, {
    ocppVersion: '2.0.1',
    endpoint: `wss://127.0.0.1:${port}/ocpp`,
    identity: 'WB-SP2',
    password: 'Site-Password-0042-xyz',
    securityProfile: 2,
    trustedCertificates: [status.tls.caCertificate],
  });
  await box.start();
  await core.ocpp.csms.waitFor('WB-SP2', { timeoutMs: 10_000 });
  assert.deepEqual(pageErrors(page), []);
});
