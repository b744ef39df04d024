// The Connect page's run in Debian's Chromium, by keyboard: an OpenEVSE WiFi module (the project's HTTP
// simulator on 127.0.0.1, slow to answer) is commissioned, its steps show while they happen, Esc cancels,
// and the page says what the box holds after the put-back; the port list follows an adapter plugged and pulled.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFolderPorts } from '../../main/drivers/serial/port-folder.ts';
import { osPortLister } from '../../main/drivers/serial/port-list.ts';
import { OpenEvseHttpSimulator } from '../../main/simulator/openevse-http.ts';
import { pageErrors, tabTo } from '../support/browser.ts';
import { testCore } from '../support/core.ts';
import { ptyPairAt } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { openConnect } from './connect-page.ts';

test('Connect: the run shows its steps live, Esc cancels it and the page says what was put back', async (t) => {
  const http = new OpenEvseHttpSimulator();
  const url = await http.listen();
  t.after(() => http.close());
  const before = { ...http.config };
  const page = await openConnect(t, testCore(t));

  // The WiFi module is the fourth way to connect.
  await page.getByTestId('connect-kind').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getByTestId('connect-kind').inputValue(), 'openevse-http');
  await tabTo(page, 'connect-address');
  await page.keyboard.type(url);
  await tabTo(page, 'connect-identify');
  await page.keyboard.press('Enter');
  await page.getByTestId('connect-identified').waitFor({ timeout: 20_000 });

  // From now on the module is slow: each answer takes 1.5 s, so the run can be watched while it writes.
  http.delayMs = 1500;
  await page.getByTestId('connect-template').locator('option').first().waitFor({ state: 'attached' });
  await tabTo(page, 'connect-identity');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('WB-LIVE');
  await tabTo(page, 'connect-agree');
  await page.keyboard.press('Space');
  await tabTo(page, 'connect-run');
  await page.keyboard.press('Enter');

  const view = page.getByTestId('run-view');
  const writing = view.locator('[data-testid="steps"] [data-step="write"][data-status="running"]');
  await writing.waitFor({ timeout: 30_000 });
  assert.equal(await view.getAttribute('data-status'), 'running', 'the view shows the run while it moves');
  assert.equal(
    await view.locator('[data-step="snapshot"]').getAttribute('data-status'),
    'done',
    'the steps before it are shown done',
  );

  await page.keyboard.press('Escape');
  await page.getByTestId('cancel-pending').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="run-view"][data-status="cancelled"]').waitFor({ timeout: 60_000 });

  const outcome = page.getByTestId('outcome');
  assert.equal(await outcome.getAttribute('data-outcome'), 'cancelled');
  const putBack = outcome.locator('[data-testid="rollback"] li');
  assert.ok((await putBack.count()) >= 1, 'the write on the wire was waited for and is listed');
  for (const item of await putBack.all()) assert.equal(await item.getAttribute('data-outcome'), 'restored');
  assert.match((await putBack.first().textContent()) ?? '', /put back to .*\(read back\)/);
  assert.equal(await page.getByTestId('cancel-run').count(), 0, 'nothing left to cancel');
  assert.equal(http.config.ocpp_server, before.ocpp_server, 'the module holds its old CSMS again');
  assert.equal(http.config.ocpp_chargeBoxId, before.ocpp_chargeBoxId);
  assert.equal(http.config.ocpp_enabled, before.ocpp_enabled);
  assert.deepEqual(pageErrors(page), []);
});

test('Connect: an adapter plugged in shows in the port list, and leaves it when pulled', async (t) => {
  const ports = tempDir(t, 'wbc-ports-');
  const page = await openConnect(t, testCore(t, { serialPorts: withFolderPorts(osPortLister, ports) }));
  const path = join(ports, 'ttyUSB-sim');
  const listed = page.getByTestId('connect-ports').locator('li', { hasText: path });

  const pair = await ptyPairAt(t, path, join(tempDir(t), 'ttyB'));
  await listed.waitFor({ timeout: 20_000 });
  await pair.unplug();
  await listed.waitFor({ state: 'detached', timeout: 20_000 });
  assert.deepEqual(pageErrors(page), []);
});
