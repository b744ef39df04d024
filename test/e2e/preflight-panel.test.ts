// The box page's pre-flight panel in Debian's Chromium, in German: a simulated box (real WebSocket,
// loopback) whose clock is three hours behind; the checks run from the page name the fault and its remedy,
// show connector states in German words, and fit a 1024 px window.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startShellServer } from '../../main/server/shell-server.ts';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('pre-flight checks run from the box page say in German what is wrong and how to fix it', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PF-UI', clockOffsetS: -3 * 3600 });
  await callOk(core, 'settings.set', { language: 'de' });
  const server = await startShellServer({ core, staticDir: built });
  t.after(() => server.close());
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/boxes/PF-UI`, 'de-DE');
  await page.setViewportSize({ width: 1024, height: 800 });
  const panel = page.getByTestId('box-preflight');
  await panel.getByTestId('preflight-url').fill(url);
  await panel.getByTestId('preflight-run').click();
  const clock = panel.locator('[data-check="clock"]');
  await clock.waitFor({ timeout: 20_000 });
  assert.equal(await clock.getAttribute('data-status'), 'fail');
  const text = (await clock.textContent()) ?? '';
  assert.match(text, /Fehlgeschlagen: Uhr der Box/);
  assert.match(text, /180 min .* nach/);
  // Three whole hours: a time zone set where UTC belongs, and the remedy says so.
  assert.match(
    text,
    /Zeitzone der Box ist also wahrscheinlich falsch eingestellt \(die Box muss UTC senden\)/,
  );
  assert.match(text, /Stellen Sie die Zeitzone der Box auf UTC/);
  const connectors = (await panel.locator('[data-check="connectors"]').textContent()) ?? '';
  assert.match(connectors, /1: frei/, 'connector states in German words, not OCPP enums');
  const wide = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(wide <= 1, `the page scrolls sideways by ${wide} px at 1024 px`);
  assert.deepEqual(pageErrors(page), []);
});
