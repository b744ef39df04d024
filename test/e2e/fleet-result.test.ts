// A fleet's end in the browser, by keyboard in Debian's Chromium against simulated boxes over real
// WebSockets: one combined result (boxes named per outcome, failures with reason and Put back, the report
// of exactly the fleet's boxes or the site's), and Approve all asking first when some boxes are offline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import type { SimStation } from '../../main/simulator/station.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { setup } from './commission-page.ts';

async function template(core: Core, url: string, verifyWindowS: number) {
  await callOk(core, 'templates.save', {
    template: { name: 'Car park', csms: { url, securityProfile: 1 }, verifyWindowS },
  });
}

/** Chooses every connected box and starts one fleet with the first template, waiting for approval or not. */
async function startFleet(page: Page, identities: string[], approveFirst: boolean) {
  for (const identity of identities)
    await page.getByTestId(`box-${identity}`).and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('select-all').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('commission-selected').focus();
  await page.keyboard.press('Enter');
  if (approveFirst) {
    await tabTo(page, 'fleet-approve-first', 5);
    await page.keyboard.press('Space');
  }
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  await page.getByTestId('fleet-view').waitFor();
}

test('a finished fleet shows one result: boxes per outcome, failures with reason and Put back, and the report of exactly its boxes', async (t) => {
  const { company, core, page, sims } = await setup(t, [
    { ocppVersion: '1.6', identity: 'FR-OK' },
    // Takes the new URL, ignores it and comes back within the window: fails at verify, the URL still on it.
    { ocppVersion: '1.6', identity: 'FR-BACK', misbehave: { ignoreUrlKey: true } },
    // Cannot take the template: blocked at the plan, nothing written, nothing to put back.
    { ocppVersion: '1.6', identity: 'FR-NOKEY', noSecurityProfileKey: true },
  ]);
  const back = sims[1] as SimStation;
  const before = back.configuration().Cst_BackendUrl;
  await template(core, company.url('/ocpp'), 10);
  await startFleet(page, ['FR-OK', 'FR-BACK', 'FR-NOKEY'], false);
  // Nothing is shown as a result while boxes still move.
  assert.equal(await page.getByTestId('fleet-result').count(), 0);
  const result = page.getByTestId('fleet-result');
  await result.waitFor({ timeout: 60_000 });
  await result.getByText('Result of this fleet').waitFor();
  const left = result.getByTestId('fleet-result-left');
  await left.getByText('Left the tool, not confirmed (1)').waitFor();
  await left.getByText('FR-OK', { exact: true }).waitFor();
  await result.getByText(/no company CSMS confirmed that they arrived/).waitFor();
  await result.getByTestId('fleet-result-failed').getByText('Failed (2)').waitFor();
  await result
    .getByTestId('fleet-failed-FR-NOKEY')
    .getByText(/no SecurityProfile key/)
    .waitFor();
  assert.equal(await result.getByTestId('fleet-put-back-FR-NOKEY').count(), 0, 'nothing was written to it');
  assert.equal(await result.getByTestId('fleet-result-confirmed').count(), 0);
  assert.equal(back.configuration().Cst_BackendUrl, company.url('/ocpp'));

  // Put back from the result: the box holds what it held before the run, read back.
  await tabTo(page, 'fleet-put-back-FR-BACK');
  await page.keyboard.press('Enter');
  await result.getByTestId('fleet-put-back-done-FR-BACK').waitFor({ timeout: 20_000 });
  assert.equal(back.configuration().Cst_BackendUrl, before);
  await result.getByTestId('fleet-put-back-FR-BACK').waitFor({ state: 'detached' });

  // The boxes are on no site: the report is of exactly these three boxes, one page each.
  const pdfButton = result.getByTestId('fleet-report-pdf');
  await pdfButton.getByText('Report of these 3 boxes (PDF)').waitFor();
  await tabTo(page, 'fleet-report-pdf');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(pdf.suggestedFilename(), /^commissioning-fleet-[0-9a-f]{8}-en\.pdf$/);
  assert.equal(
    readFileSync(await pdf.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  await result
    .getByTestId('fleet-report-saved')
    .getByText(/\(boxes: 3\)/)
    .waitFor();
  const [html] = await Promise.all([
    page.waitForEvent('download'),
    result.getByTestId('fleet-report-html').click(),
  ]);
  const text = readFileSync(await html.path(), 'utf8');
  assert.match(text, /a fleet of 3 boxes/);
  for (const identity of ['FR-OK', 'FR-BACK', 'FR-NOKEY']) assert.ok(text.includes(identity), identity);
  assert.deepEqual(pageErrors(page), []);
});

test('Approve all names the offline boxes first: approving only the online ones leaves the offline one waiting; its site report comes from the result', async (t) => {
  const { company, core, page, sims } = await setup(t, [
    { ocppVersion: '1.6', identity: 'AO-A' },
    { ocppVersion: '1.6', identity: 'AO-B' },
  ]);
  const site = await callOk(core, 'sites.create', { name: 'Depot Nord' });
  const stations = await callOk(core, 'stations.list', {});
  await callOk(core, 'stations.assignSite', { stationIds: stations.map((s) => s.id), siteId: site.id });
  await template(core, company.url('/ocpp'), 2);
  await startFleet(page, ['AO-A', 'AO-B'], true);
  for (const identity of ['AO-A', 'AO-B'])
    await page
      .getByTestId(`fleet-${identity}`)
      .and(page.locator('[data-status="awaiting-approval"]'))
      .waitFor({ timeout: 30_000 });
  await (sims[1] as SimStation).stop();
  await page
    .getByTestId('box-AO-B')
    .and(page.locator('[data-state="connected"]'))
    .waitFor({ state: 'detached' });

  await tabTo(page, 'approve-fleet');
  await page.keyboard.press('Enter');
  const ask = page.getByTestId('approve-fleet-offline');
  await ask.getByTestId('approve-fleet-offline-boxes').getByText('Offline now (1): AO-B').waitFor();
  // The safe answer has the focus: Enter leaves both waiting for approval.
  await page.keyboard.press('Enter');
  await ask.waitFor({ state: 'detached' });
  const status = async (identity: string) =>
    (await callOk(core, 'commissioning.list', { identity }))[0]?.status;
  assert.deepEqual([await status('AO-A'), await status('AO-B')], ['awaiting-approval', 'awaiting-approval']);

  await tabTo(page, 'approve-fleet');
  await page.keyboard.press('Enter');
  await page.getByTestId('approve-fleet-online').getByText('Approve only the 1 online boxes').waitFor();
  await page.getByTestId('approve-fleet-all').getByText('Approve all 2').waitFor();
  await tabTo(page, 'approve-fleet-online');
  await page.keyboard.press('Enter');
  await page
    .getByTestId('fleet-AO-A')
    .and(page.locator('[data-status="left-not-confirmed"]'))
    .waitFor({ timeout: 40_000 });
  assert.equal(await status('AO-B'), 'awaiting-approval', 'the offline box was not approved');
  await company.waitFor('AO-A at company', () => company.connected('AO-A'));

  // Cancelling the offline box ends the fleet: the result names both, and offers the site's report.
  await tabTo(page, 'cancel-fleet');
  await page.keyboard.press('Enter');
  const result = page.getByTestId('fleet-result');
  await result
    .getByTestId('fleet-result-cancelled')
    .getByText('AO-B', { exact: true })
    .waitFor({ timeout: 20_000 });
  await result.getByTestId('fleet-result-left').getByText('AO-A', { exact: true }).waitFor();
  await result.getByTestId('fleet-report-pdf').getByText('Site report of Depot Nord (PDF)').waitFor();
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    result.getByTestId('fleet-report-pdf').click(),
  ]);
  assert.equal(pdf.suggestedFilename(), 'commissioning-site-Depot_Nord-en.pdf');
  assert.deepEqual(pageErrors(page), []);
});

test('a fleet waiting for approval survives a reload in German at 1024 px: the address and the header lead back to its one plan', async (t) => {
  const identities = ['RL-A', 'RL-B'];
  const { company, core, page } = await setup(
    t,
    identities.map((identity) => ({ ocppVersion: '1.6' as const, identity })),
  );
  await callOk(core, 'settings.set', { language: 'de' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.locator('html[lang="de"]').waitFor();
  await template(core, company.url('/ocpp'), 2);
  await startFleet(page, identities, true);
  for (const identity of identities)
    await page
      .getByTestId(`fleet-${identity}`)
      .and(page.locator('[data-status="awaiting-approval"]'))
      .waitFor({ timeout: 30_000 });
  assert.match(page.url(), /#\/commission\/fleets\/[0-9a-f-]{36}$/);

  await page.reload();
  // Found where the user left it: the combined plan with its one approval, in German.
  await page.getByTestId('fleet-view').waitFor();
  await page.getByTestId('approve-fleet').getByText('Alle (2) freigeben und schreiben').waitFor();
  for (const identity of identities)
    await page
      .getByTestId(`fleet-${identity}`)
      .and(page.locator('[data-status="awaiting-approval"]'))
      .waitFor();
  // A box's run opened from the fleet closes back to the fleet, also after the reload.
  await page.getByTestId('fleet-RL-A').getByRole('button').first().click();
  await page.getByTestId('run-view').waitFor();
  await page.getByTestId('run-view').getByRole('button', { name: 'Schließen' }).click();
  await page.getByTestId('fleet-view').waitFor();
  const wide = await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  assert.ok(Number(wide) <= 1, `the fleet view scrolls sideways by ${wide} px at 1024 px`);

  // Elsewhere in the app, the header's link to the runs that need someone leads to the same fleet.
  await page.keyboard.press('Alt+2');
  await page.getByTestId('fleet-view').waitFor({ state: 'detached' });
  const attention = page.getByTestId('attention');
  await attention.and(page.locator('[data-count="2"]')).waitFor();
  await attention.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('fleet-view').waitFor();
  await tabTo(page, 'approve-fleet');
  await page.keyboard.press('Enter');
  const result = page.getByTestId('fleet-result');
  await result.getByText('Ergebnis dieser Flotte').waitFor({ timeout: 40_000 });
  await result.getByTestId('fleet-result-left').getByText('Gegangen, nicht bestätigt (2)').waitFor();
  // The plan no longer says that nothing is written until the approval.
  await page.getByTestId('fleet-plan-approval').getByText('Keine Box wartet mehr auf Freigabe.').waitFor();
  const after = await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  assert.ok(Number(after) <= 1, `the fleet result scrolls sideways by ${after} px at 1024 px`);
  await page.screenshot({ path: '.test-results/fleet-result-de-1024.png', fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
