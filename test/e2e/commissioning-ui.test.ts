// Commissioning as an electrician and a fleet super user do it in Debian's Chromium: a template made by
// keyboard, one box planned, approved and moved to a separate "company CSMS", a refusal, a car park.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../main/core.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { commission, setup } from './commission-page.ts';

const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

async function saveTemplate(core: Core, url: string) {
  await callOk(core, 'templates.save', {
    template: { name: 'Car park', csms: { url, securityProfile: 1 }, verifyWindowS: 2 },
  });
}

test('a template by keyboard, one 1.6 box planned, approved, moved to the company CSMS, and its report', async (t) => {
  const { company, core, page } = await setup(t, [
    { ocppVersion: '1.6', identity: 'WB-16', vendor: 'ACME', model: 'Volt 11', firmwareVersion: '4.2.0' },
  ]);
  const companyUrl = company.url('/ocpp');

  // (a) The template, by keyboard: a wrong URL first is named next to its field, then corrected.
  await page.keyboard.press('Alt+1');
  await tabTo(page, 'template-new');
  await page.keyboard.press('Enter');
  const form = page.getByTestId('template-form');
  await form.waitFor();
  // The form takes the focus at its first field.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'template-name');
  await page.keyboard.type('Depot North');
  await page.keyboard.press('Tab');
  await page.keyboard.type('http://wrong.example');
  assert.equal(await form.getByTestId('template-security-profile').inputValue(), '1');
  await tabTo(page, 'template-verify-window');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  const urlField = form.locator('.field', { has: page.getByTestId('template-url') });
  await urlField
    .getByTestId('field-issues')
    .getByText(/Not valid: .*ws:\/\//)
    .waitFor();
  assert.equal(await page.getByTestId('template-url').getAttribute('aria-invalid'), 'true');
  // The refused save puts the focus on the first field to correct, not left on the form.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'template-url');
  await page.screenshot({ path: shot('template-invalid-en'), fullPage: true });
  await page.getByTestId('template-url').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(companyUrl);
  await page.keyboard.press('Enter');
  await form.waitFor({ state: 'detached' });
  const row = page.getByTestId('template-Depot North');
  await row.getByText(companyUrl).waitFor();
  const [saved] = await callOk(core, 'templates.list', {});
  assert.equal(saved?.template.csms.securityProfile, 1);
  assert.equal(saved?.template.verifyWindowS, 2);

  // (b) Commission the box: the plan waits for approval, the URL key and the password are in it.
  await commission(page, 'WB-16');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  const diff = page.getByTestId('plan-diff');
  await diff.locator('tr[data-key="Cst_BackendUrl"]').getByText(companyUrl, { exact: false }).waitFor();
  await diff.locator('tr[data-key="AuthorizationKey"]').getByText('(generated password)').waitFor();
  await page.screenshot({ path: shot('run-plan-en'), fullPage: true });
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  await view.and(page.locator('[data-status="left-not-confirmed"]')).waitFor({ timeout: 20_000 });
  const steps = await page
    .getByTestId('steps')
    .locator('li')
    .evaluateAll((items) =>
      items.map((i) => `${i.getAttribute('data-step')}:${i.getAttribute('data-status')}`),
    );
  assert.deepEqual(
    steps,
    // No card group in the template: the cards step has nothing to push.
    ['identify', 'snapshot', 'plan', 'write', 'cards', 'reset', 'verify', 'report'].map(
      (s) => `${s}:${s === 'cards' ? 'skipped' : 'done'}`,
    ),
  );
  // No CSMS connector confirms it: the run says "left, not confirmed", never "verified".
  await page
    .getByTestId('outcome')
    .getByText('Left, not confirmed: WB-16 left this tool after its restart')
    .waitFor();
  assert.doesNotMatch((await page.getByTestId('run-view').textContent()) ?? '', /verified|Success/);
  await diff
    .locator('tr[data-key="Cst_BackendUrl"] [data-testid="answer"]')
    .getByText('Reboot required')
    .waitFor();
  // The pre-flight checks ran by themselves after the reset: shown under the outcome, which stays as it was.
  const preflight = page.getByTestId('run-preflight');
  await preflight
    .locator('li[data-status="ok"]')
    .getByText(/Connection \(TCP\)/)
    .waitFor();
  await preflight.getByText(/Not checked: the box was not connected to this tool after its reset/).waitFor();
  await page.getByTestId('outcome').getByText('Left, not confirmed').waitFor();
  await page.screenshot({ path: shot('run-left-not-confirmed-en'), fullPage: true });
  await company.waitFor('box at company', () => company.connected('WB-16'));

  // (3) The report: the box as it booted, and no password anywhere on the page.
  await page.getByTestId('open-report').click();
  const report = page.getByTestId('run-report');
  await report.getByTestId('report-vendor').getByText('ACME').waitFor();
  await report.getByTestId('report-model').getByText('Volt 11').waitFor();
  await report
    .getByTestId('report-verify')
    .getByText(/left this tool and did not come back within 2 s; no CSMS confirmed it/)
    .waitFor();
  await report.getByTestId('report-outcome').getByText('Result: left, not confirmed.').waitFor();
  await report
    .getByTestId('run-preflight')
    .getByText(/Connection \(TCP\)/)
    .waitFor();
  await page.screenshot({ path: shot('run-report-en'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: shot('run-report-print-en'), fullPage: true });
  assert.equal(await page.getByTestId('nav-commission').isVisible(), false);
  await page.emulateMedia({ media: 'screen' });
  const [latest] = await callOk(core, 'commissioning.list', { identity: 'WB-16' });
  assert.ok(latest);
  const detail = await callOk(core, 'commissioning.get', { id: latest.id });
  const password = core.vault.use(detail.state.passwordSecretId ?? -1, (v) => v);
  assert.ok(password.length > 0);
  assert.ok(!(await page.content()).includes(password), 'the generated password is not on the page');
  // The same report as a file the core made (as `wbc report` does): a PDF download, named for box and run.
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('report-download-pdf').click(),
  ]);
  assert.equal(pdf.suggestedFilename(), `commissioning-WB-16-run-${latest.id}-en.pdf`);
  assert.equal(
    readFileSync(await pdf.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  await page.getByTestId('report-downloaded').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('a box that refuses its URL key fails naming the key, offers Retry, and reads in German', async (t) => {
  const { company, core, page } = await setup(t, [
    { ocppVersion: '1.6', identity: 'WB-STUBBORN', misbehave: { rejectKeys: ['Cst_BackendUrl'] } },
  ]);
  await saveTemplate(core, company.url('/ocpp'));
  await commission(page, 'WB-STUBBORN');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await page.getByTestId('approve').focus();
  await page.keyboard.press('Enter');
  await view.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 20_000 });
  const outcome = page.getByTestId('outcome');
  await outcome.getByText('WB-STUBBORN refused Cst_BackendUrl: Rejected.').waitFor();
  await outcome.locator('.error-remedy').waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await page.getByTestId('steps').locator('li[data-step="write"][data-status="failed"]').waitFor();
  await page.screenshot({ path: shot('run-failed-en'), fullPage: true });

  // (e) German: the run view follows the language switch.
  await core.router.call('settings.set', { language: 'de' }, core.context('cli'));
  await outcome.getByText('WB-STUBBORN hat Cst_BackendUrl abgelehnt: Abgelehnt.').waitFor();
  await page.getByRole('button', { name: 'Erneut versuchen' }).waitFor();
  await outcome.getByText('Der Vorgang ist fehlgeschlagen.').waitFor();
  await page.getByTestId('steps').getByText('Einstellungen schreiben').waitFor();
  await page.getByRole('columnheader', { name: 'Auf der Box' }).waitFor();
  await page.screenshot({ path: shot('run-failed-de'), fullPage: true });

  // Retry starts a new run of the same box, again waiting for approval.
  await page.getByRole('button', { name: 'Erneut versuchen' }).click();
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Freigeben und schreiben' }).waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('a car park: five 2.0.1 boxes chosen with "all connected", started as a fleet, all succeed', async (t) => {
  const identities = ['CP-01', 'CP-02', 'CP-03', 'CP-04', 'CP-05'];
  const { company, core, page } = await setup(
    t,
    identities.map((identity) => ({ ocppVersion: '2.0.1' as const, identity })),
  );
  await saveTemplate(core, company.url('/ocpp'));
  await page.getByTestId('boxes-summary').getByText('Connected: 5').waitFor();
  await page.getByTestId('select-all').focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Commission chosen boxes (5)…' }).waitFor();
  await page.getByTestId('commission-selected').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  const fleet = page.getByTestId('fleet-view');
  await fleet.waitFor();
  await page.screenshot({ path: shot('fleet-running-en'), fullPage: true });
  const summary = page.getByTestId('fleet-summary');
  await summary
    .getByText(/^0 confirmed, 5 left but not confirmed, 0 failed, 0 running or waiting/)
    .waitFor({ timeout: 30_000 });
  for (const identity of identities) {
    await page
      .getByTestId(`fleet-${identity}`)
      .and(page.locator('[data-status="left-not-confirmed"]'))
      .waitFor();
    await company.waitFor(`${identity} at company`, () => company.connected(identity));
  }
  await page.screenshot({ path: shot('fleet-done-en'), fullPage: true });
  // A row opens its run's detail: the 2.0.1 slot and priority in the plan.
  await page.getByRole('button', { name: 'Open the run of CP-03' }).click();
  await page
    .getByTestId('network-slot')
    .getByText(/Network slot \d/)
    .waitFor();
  await page.getByTestId('plan-diff').locator('tr[data-key="SetNetworkProfile"]').waitFor();
  await page.screenshot({ path: shot('fleet-run-201-en'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});

test('after its reset the box is watched with a countdown of the window, and the run can be cancelled there', async (t) => {
  const { company, core, page } = await setup(t, [{ ocppVersion: '1.6', identity: 'WB-WATCH' }]);
  await callOk(core, 'templates.save', {
    template: {
      name: 'Long watch',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 600,
    },
  });
  await page.keyboard.press('Alt+1');
  await commission(page, 'WB-WATCH');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  const countdown = page.getByTestId('countdown');
  await countdown.getByText(/s left of the 600 s window/).waitFor({ timeout: 20_000 });
  assert.ok(await countdown.getAttribute('data-deadline'));
  await page.screenshot({ path: shot('run-countdown-en'), fullPage: true });
  await company.waitFor('box at company', () => company.connected('WB-WATCH'));
  await page.getByTestId('cancel-run').click();
  await view.and(page.locator('[data-status="cancelled"]')).waitFor();
  await countdown.waitFor({ state: 'detached' });
});
