// The Connect page's support tools in Debian's Chromium, by keyboard only: the register browser reads a
// Heidelberg on Modbus TCP (127.0.0.1, the project's simulator) raw and decoded and writes one setting after
// the question; the serial terminal (in German) talks RAPI to a simulated OpenEVSE on a socat pty.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

async function openConnect(t: TestContext, core: Core): Promise<Page> {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/connect`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('support-tools').waitFor();
  return page;
}

async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  await tabTo(page, testId);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

test('register browser: a range read raw and decoded, then one setting written only after the question', async (t) => {
  const { bank, server } = await heidelbergOnTcp(t);
  const page = await openConnect(t, testCore(t));

  await typeInto(page, 'browse-address', `127.0.0.1:${server.port}`);
  // No map first, then the shipped maps by vendor: the Heidelberg is the last.
  await tabTo(page, 'browse-map');
  await page.keyboard.press('End');
  assert.equal(await page.getByTestId('browse-map').inputValue(), 'heidelberg-energy-control');
  await typeInto(page, 'browse-start', '261');
  await typeInto(page, 'browse-count', '2');
  await page.keyboard.press('Enter');

  const decoded = page.getByTestId('browse-decoded');
  await decoded.waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('decoded-max_current').textContent(), '16 A');
  assert.equal(await page.getByTestId('decoded-failsafe_current').textContent(), '6 A');
  assert.match((await page.locator('[data-register="261"]').textContent()) ?? '', /160.*0x00A0/);

  await tabTo(page, 'change-max_current');
  await page.keyboard.press('Enter');
  await typeInto(page, 'write-value', '10');
  await page.keyboard.press('Enter');
  const question = page.getByTestId('write-question');
  await question.waitFor();
  assert.match((await question.textContent()) ?? '', /10 A .*max_current.*261.*16 A/);
  assert.equal(bank.writes.length, 0, 'nothing written before the answer');
  // The focus waits on "no"; the write is one step back.
  assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'write-cancel');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  const outcome = page.getByTestId('write-outcome');
  await outcome.waitFor({ timeout: 20_000 });
  assert.equal(await outcome.getAttribute('data-confirmed'), 'yes');
  assert.match((await outcome.textContent()) ?? '', /max_current: 16 → 10 A/);
  assert.deepEqual(bank.writes, [{ fn: 6, address: 261, words: [100] }]);
  assert.deepEqual(pageErrors(page), []);
});

test('serial terminal in German: a RAPI line with checksum and sequence id, the answer shown with its hex', async (t) => {
  const pair = await ptyPair(t);
  const rapi = new RapiSimulator({ bootMessage: false });
  await rapi.open(pair.b);
  t.after(() => rapi.close());
  const core = testCore(t);
  await callOk(core, 'settings.set', { language: 'de' });
  const page = await openConnect(t, core);
  await page.getByText('Serielles Terminal').waitFor();

  await typeInto(page, 'terminal-port', pair.a);
  await tabTo(page, 'terminal-open-port');
  await page.keyboard.press('Enter');
  const opened = page.getByTestId('terminal-open');
  await opened.waitFor({ timeout: 20_000 });
  assert.match((await opened.textContent()) ?? '', /aufgezeichnet als serial-ttyA/);

  await tabTo(page, 'terminal-rapi');
  await page.keyboard.press('Space');
  await tabTo(page, 'terminal-sequence');
  await page.keyboard.press('Space');
  await typeInto(page, 'terminal-line', '$GV');
  assert.match((await page.getByTestId('terminal-preview').textContent()) ?? '', /\$GV\^35/);
  await page.keyboard.press('Enter');

  const log = page.getByTestId('terminal-log');
  const answer = log.locator('[data-direction="in"]').first();
  await answer.waitFor({ timeout: 20_000 });
  assert.match((await answer.textContent()) ?? '', /empfangen.*\$OK 8\.2\.3 5\.2\.1 :01\^/);
  assert.match((await answer.textContent()) ?? '', /24 4F 4B/);
  assert.match(
    (await log.locator('[data-direction="out"]').first().textContent()) ?? '',
    /gesendet.*\$GV :01\^2E/,
  );
  assert.deepEqual(rapi.received, ['$GV']);
  // The same lines are the trace's: Diagnose and the export read them from there.
  const frames = core.ocpp.trace.list({ identity: 'serial-ttyA', limit: 100 });
  assert.ok(frames.some((f) => f.kind === 'serial' && f.direction === 'in'));

  await tabTo(page, 'terminal-close');
  await page.keyboard.press('Enter');
  await page.getByTestId('terminal-open-port').waitFor();
  assert.deepEqual(pageErrors(page), []);
});
