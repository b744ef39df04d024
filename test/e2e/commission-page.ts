// The commissioning page as the browser tests drive it: a core with its local CSMS and simulated boxes
// over real WebSockets, the browser shell open on it, and a box's Commission… panel started by keyboard.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { SimStationOptions } from '../../main/simulator/station.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser, openPage, tabTo } from '../support/browser.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export async function setup(t: TestContext, boxes: Array<Omit<SimStationOptions, 'endpoint'>>) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const { server } = await testShell(t, { staticDir: built, core });
  const sims = await Promise.all(boxes.map((box) => simBox(t, core, { ...box, endpoint: url })));
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  return { company, core, page, sims };
}

/** Opens the Commission… panel of a box by keyboard and starts it with the first template. */
export async function commission(page: Page, identity: string) {
  await page.getByTestId(`box-${identity}`).and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId(`commission-${identity}`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('start-template').locator('option').first().waitFor({ state: 'attached' });
  await tabTo(page, 'start-run', 5);
  await page.keyboard.press('Enter');
  await page.getByTestId('run-view').waitFor();
}
