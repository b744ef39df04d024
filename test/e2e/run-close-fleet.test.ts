// A run opened by its address (a reload, a link) closes back to its fleet when it belongs to one, and to
// the Commission page otherwise: Debian's Chromium against simulated boxes over real WebSockets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { href } from '../../renderer/routing/address.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { setup } from './commission-page.ts';

/** Loads the address afresh, as a reload or a bookmark does, and closes the run shown there by keyboard. */
async function openAndClose(page: Page, address: string) {
  await page.evaluate(`window.location.hash = ${JSON.stringify(address)}`);
  await page.reload();
  await page.getByTestId('run-view').waitFor();
  await tabTo(page, 'close-run');
  await page.keyboard.press('Enter');
  await page.getByTestId('run-view').waitFor({ state: 'detached' });
}

test('a run opened by its address closes to its fleet, a single run to the Commission page', async (t) => {
  const { company, core, page } = await setup(t, [
    { ocppVersion: '1.6', identity: 'CF-A' },
    { ocppVersion: '1.6', identity: 'CF-B' },
    { ocppVersion: '1.6', identity: 'CF-ONE' },
  ]);
  const template = { name: 'Car park', csms: { url: company.url('/ocpp'), securityProfile: 1 as const } };
  const fleet = await callOk(core, 'commissioning.fleet', {
    identities: ['CF-A', 'CF-B'],
    template,
    approval: 'manual',
  });
  const single = await callOk(core, 'commissioning.start', { identity: 'CF-ONE', template });
  const fleetRun = fleet.runs.find((run) => run.identity === 'CF-B');
  assert.ok(fleetRun);
  for (const run of [...fleet.runs, single]) await core.commissioning.settled(run.id);

  // Never opened from its fleet in this window: the run still knows which fleet it belongs to.
  await openAndClose(page, href('commission', 'runs', String(fleetRun.id)));
  await page.getByTestId('fleet-view').waitFor();
  assert.ok(page.url().endsWith(href('commission', 'fleets', fleet.fleetId)), page.url());
  await page.getByTestId('fleet-CF-B').and(page.locator('[data-status="awaiting-approval"]')).waitFor();

  // A run of no fleet goes back to where runs are started.
  await openAndClose(page, href('commission', 'runs', String(single.id)));
  assert.equal(await page.getByTestId('fleet-view').count(), 0);
  assert.ok(page.url().endsWith(href('commission')), page.url());
  await page.getByTestId('box-CF-ONE').waitFor();
  assert.deepEqual(pageErrors(page), []);
});
