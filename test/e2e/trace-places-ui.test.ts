// The Diagnose page's trace view offers the serial ports and Modbus targets the support tools used beside the
// boxes, named in words, picked by keyboard, in Debian's Chromium: a Heidelberg on Modbus TCP (127.0.0.1) and
// a simulated OpenEVSE on a socat pty, their frames read from the trace the core really wrote.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Diagnose: the trace of a Modbus target and of a serial port, named in words and picked by keyboard, EN and DE', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { server: modbus } = await heidelbergOnTcp(t);
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  const core = testCore(t);
  const target = `127.0.0.1:${modbus.port}`;
  await callOk(core, 'modbus.readRange', {
    tcp: target,
    slaveId: 1,
    function: 'holding',
    address: 261,
    count: 1,
  });

  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  const picker = page.getByTestId('trace-source');
  await picker.waitFor({ timeout: 20_000 });
  const frames = page.getByTestId('trace-frames');
  assert.equal(await frames.getAttribute('data-identity'), `modbus-127.0.0.1-${modbus.port}`);
  await page.locator('tr[data-kind="modbus-read"]').first().waitFor({ timeout: 20_000 });

  // A terminal opened while the page is open: its port joins the picker without a reload.
  const info = await callOk(core, 'serial.open', { path: pair.a });
  await callOk(core, 'serial.send', { session: info.session, text: '$GV', rapi: true });
  const serialOption = picker.locator('option', { hasText: `Serial port ${pair.a}` });
  await serialOption.waitFor({ state: 'attached', timeout: 20_000 });
  assert.deepEqual(await picker.locator('option').allTextContents(), [
    `Serial port ${pair.a}`,
    `Modbus ${target}`,
  ]);
  assert.equal(await frames.getAttribute('data-identity'), `modbus-127.0.0.1-${modbus.port}`);
  assert.equal(await picker.inputValue(), `modbus-127.0.0.1-${modbus.port}`);

  // By keyboard: the Modbus target stays picked until the user moves to the port.
  await tabTo(page, 'trace-source');
  await page.keyboard.press('Home');
  await page.locator('[data-identity="serial-ttyA"]').waitFor({ timeout: 20_000 });
  await page.locator('tr[data-kind="serial"]').first().waitFor({ timeout: 20_000 });
  assert.equal(
    await page.evaluate("document.activeElement?.getAttribute('data-testid')"),
    'trace-source',
    'the focus stays on the picker while the trace changes',
  );
  await page.keyboard.press('End');
  await page.locator(`[data-identity="modbus-127.0.0.1-${modbus.port}"]`).waitFor({ timeout: 20_000 });

  await callOk(core, 'settings.set', { language: 'de' });
  await page.reload();
  await picker.locator('option', { hasText: `Serielle Schnittstelle ${pair.a}` }).waitFor({
    state: 'attached',
    timeout: 20_000,
  });
  assert.deepEqual(pageErrors(page), []);
});
