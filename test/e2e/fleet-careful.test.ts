// Runs as careful in the browser as in the core, by keyboard in Debian's Chromium against simulated boxes
// over real WebSockets: Put back what was written after a failed run, approving an offline box asks first,
// and the verify window counts down per box in the fleet view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import type { SimStation } from '../../main/simulator/station.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { commission, setup } from './commission-page.ts';

async function template(core: Core, url: string, verifyWindowS: number) {
  await callOk(core, 'templates.save', {
    template: { name: 'Car park', csms: { url, securityProfile: 1 }, verifyWindowS },
  });
}

test('a run that failed with its values on the box offers Put back; afterwards the view says what the box holds', async (t) => {
  // The box takes the new URL, ignores it and comes back within the window: the run fails at verify
  // with the company URL still on the box.
  const { company, core, page, sims } = await setup(t, [
    { ocppVersion: '1.6', identity: 'WB-BACK', misbehave: { ignoreUrlKey: true } },
  ]);
  const [sim] = sims as [SimStation];
  const before = sim.configuration().Cst_BackendUrl;
  await template(core, company.url('/ocpp'), 30);
  await page.keyboard.press('Alt+1');
  await commission(page, 'WB-BACK');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  await view.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 30_000 });
  assert.equal(sim.configuration().Cst_BackendUrl, company.url('/ocpp'));
  await page.getByTestId('put-back-help').waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await tabTo(page, 'put-back');
  await page.keyboard.press('Enter');
  await page.getByTestId('put-back-done').waitFor({ timeout: 20_000 });
  const rollback = page.getByTestId('rollback');
  await rollback
    .locator('li[data-outcome="restored"]')
    .getByText(`Cst_BackendUrl: put back to ${before}`)
    .waitFor();
  await rollback.getByText('What the box holds now').waitFor();
  assert.equal(sim.configuration().Cst_BackendUrl, before);
  await page.getByTestId('put-back').waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors(page), []);
});

test('approving while the box is offline asks first, naming when it was last seen; Not now leaves the plan waiting', async (t) => {
  const { company, core, page, sims } = await setup(t, [{ ocppVersion: '1.6', identity: 'WB-AWAY' }]);
  const [sim] = sims as [SimStation];
  await template(core, company.url('/ocpp'), 30);
  await page.keyboard.press('Alt+1');
  await commission(page, 'WB-AWAY');
  const view = page.getByTestId('run-view');
  await view.and(page.locator('[data-status="awaiting-approval"]')).waitFor();
  await sim.stop();
  await page
    .getByTestId(`box-WB-AWAY`)
    .and(page.locator('[data-state="connected"]'))
    .waitFor({ state: 'detached' });
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  const ask = page.getByTestId('approve-offline');
  await ask.getByText('WB-AWAY is offline').waitFor();
  await ask.getByText(/The box was last seen .*\d/).waitFor();
  // The safe answer has the focus: Enter leaves the run waiting for approval.
  await page.keyboard.press('Enter');
  await ask.waitFor({ state: 'detached' });
  assert.equal(
    core.commissioning.runs.get((await callOk(core, 'commissioning.list', {}))[0]?.id ?? -1).status,
    'awaiting-approval',
  );
  await tabTo(page, 'approve');
  await page.keyboard.press('Enter');
  await tabTo(page, 'approve-offline-confirm');
  await page.keyboard.press('Enter');
  await view.and(page.locator('[data-status="waiting-for-box"]')).waitFor({ timeout: 20_000 });
  assert.deepEqual(pageErrors(page), []);
});

test('the fleet view counts down the verify window of each box', async (t) => {
  const identities = ['CD-01', 'CD-02'];
  const { company, core, page } = await setup(
    t,
    identities.map((identity) => ({ ocppVersion: '1.6' as const, identity })),
  );
  await template(core, company.url('/ocpp'), 600);
  await page.getByTestId('boxes-summary').getByText('Connected: 2').waitFor();
  await page.getByTestId('select-all').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('commission-selected').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  await page.getByTestId('fleet-view').waitFor();
  // Started without approval, and the view says so plainly.
  await page.getByTestId('fleet-plan-approval').and(page.locator('[data-approval="auto"]')).waitFor();
  await page
    .getByTestId('fleet-plan-approval')
    .getByText(/runs without approval/)
    .waitFor();
  for (const identity of identities) {
    const row = page.getByTestId(`fleet-${identity}`);
    await row
      .getByTestId('row-countdown')
      .getByText(/^\s*\d+ s left$/)
      .waitFor({ timeout: 30_000 });
    assert.ok(await row.getByTestId('row-countdown').getAttribute('data-deadline'));
  }
  await tabTo(page, 'cancel-fleet');
  await page.keyboard.press('Enter');
  await page.getByTestId('row-countdown').first().waitFor({ state: 'detached', timeout: 20_000 });
  assert.deepEqual(pageErrors(page), []);
});

test('a mixed 1.6/2.0.1 fleet started to wait shows one combined plan with both versions; one approval writes all', async (t) => {
  const identities = ['MIX-A', 'MIX-B', 'MIX-C'];
  const { company, core, page } = await setup(t, [
    { ocppVersion: '1.6', identity: 'MIX-A' },
    { ocppVersion: '1.6', identity: 'MIX-B' },
    { ocppVersion: '2.0.1', identity: 'MIX-C' },
  ]);
  await template(core, company.url('/ocpp'), 2);
  await page.getByTestId('boxes-summary').getByText('Connected: 3').waitFor();
  await page.getByTestId('select-all').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('commission-selected').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'fleet-approve-first', 5);
  await page.keyboard.press('Space');
  await page.getByText('nothing is written until you approve the combined plan').waitFor();
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  const plan = page.getByTestId('fleet-plan');
  await plan.getByText('OCPP 1.6: 2 boxes').waitFor({ timeout: 30_000 });
  await plan.getByText('OCPP 2.0.1: 1 box').waitFor({ timeout: 30_000 });
  await plan.getByTestId('fleet-plan-approval').and(page.locator('[data-approval="manual"]')).waitFor();
  const url = plan.getByTestId('fleet-plan-1.6').locator('[data-key="Cst_BackendUrl"]');
  await url.getByText(/^2 boxes:/).waitFor();
  // The password is named, never shown; nothing was written before the approval.
  await plan.getByTestId('fleet-plan-1.6').getByText('(generated password)').waitFor();
  await plan
    .getByTestId('fleet-plan-2.0.1')
    .getByText(/SetNetworkProfile/)
    .first()
    .waitFor();
  for (const identity of identities)
    await page
      .getByTestId(`fleet-${identity}`)
      .and(page.locator('[data-status="awaiting-approval"]'))
      .waitFor();
  await tabTo(page, 'approve-fleet');
  await page.keyboard.press('Enter');
  await page
    .getByTestId('fleet-summary')
    .getByText(/^0 confirmed, 3 left but not confirmed, 0 failed, 0 running or waiting/)
    .waitFor({ timeout: 40_000 });
  await page.getByTestId('approve-fleet').waitFor({ state: 'detached' });
  for (const identity of identities)
    await company.waitFor(`${identity} at company`, () => company.connected(identity));
  assert.deepEqual(pageErrors(page), []);
});
