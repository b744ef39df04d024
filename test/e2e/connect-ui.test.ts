// The Connect page in Debian's Chromium, by keyboard: a Heidelberg on Modbus TCP (127.0.0.1, the project's
// simulator driven by the shipped register map) and an OpenEVSE on a socat pty are identified with reads
// only, and commissioned only after the user ticks the agreement; the run shows in the run view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { openConnect } from './connect-page.ts';

/** Ticks the agreement, names the identity and starts the run, by keyboard; waits for the run view. */
async function agreeAndRun(page: Page, identity: string): Promise<string> {
  await page.getByTestId('connect-template').locator('option').first().waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('connect-run').isDisabled(), true, 'no run before the user agrees');
  await tabTo(page, 'connect-identity');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(identity);
  await tabTo(page, 'connect-agree');
  await page.keyboard.press('Space');
  await tabTo(page, 'connect-run');
  await page.keyboard.press('Enter');
  // The run view comes at once and follows the run live: wait until it ended.
  const view = page.getByTestId('run-view');
  await page.locator('[data-testid="run-view"]:not([data-status="running"])').waitFor({ timeout: 30_000 });
  return (await view.getAttribute('data-status')) ?? '';
}

test('Connect: a Modbus TCP box by its register map, identified by reads only, then commissioned', async (t) => {
  const { bank, server: modbus } = await heidelbergOnTcp(t);
  const page = await openConnect(t, testCore(t), 10);

  // Modbus TCP is the last way to connect; the Heidelberg map follows Alfen in the shipped list.
  await page.getByTestId('connect-kind').focus();
  await page.keyboard.press('End');
  await tabTo(page, 'connect-address');
  await page.keyboard.type(`127.0.0.1:${modbus.port}`);
  await tabTo(page, 'connect-map');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getByTestId('connect-map').inputValue(), 'heidelberg-energy-control');
  await tabTo(page, 'connect-identify');
  await page.keyboard.press('Enter');

  const seen = page.getByTestId('connect-identified');
  await seen.waitFor({ timeout: 20_000 });
  assert.match((await seen.locator('[data-setting="current.installation"]').textContent()) ?? '', /^16 A/);
  assert.equal(bank.writes.length, 0, 'identify wrote nothing');

  assert.equal(await agreeAndRun(page, 'WB-M1'), 'left-not-confirmed');
  assert.equal(bank.spaces.holding.get(261), 100, 'the installation current of 10 A was written');
  await page.getByTestId('outcome').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('Connect: an OpenEVSE on a pty typed as a port path, identified, then commissioned', async (t) => {
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  const page = await openConnect(t, testCore(t), 10);

  // A pty is not a listed adapter: the port is typed ("another port" is the last choice).
  assert.equal(await page.getByTestId('connect-kind').inputValue(), 'openevse-serial');
  await page.getByTestId('connect-port').focus();
  await page.keyboard.press('End');
  await tabTo(page, 'connect-port-path');
  await page.keyboard.type(pair.a);
  await tabTo(page, 'connect-identify');
  await page.keyboard.press('Enter');

  const seen = page.getByTestId('connect-identified');
  await seen.waitFor({ timeout: 20_000 });
  assert.match((await seen.textContent()) ?? '', /OpenEVSE/);
  assert.equal(rapi.received.filter((c) => c.startsWith('$S')).length, 0, 'identify set nothing');

  assert.equal(await agreeAndRun(page, 'WB-0042'), 'left-not-confirmed');
  assert.equal(rapi.state.savedAmps, 10);
  assert.deepEqual(pageErrors(page), []);
});
