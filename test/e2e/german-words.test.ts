// German in a narrow window, in Debian's Chromium against a simulated box over a real WebSocket: the page's
// lang follows the chosen language, and a table cell's words wrap whole instead of breaking mid-word.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { pageErrors } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { setup } from './commission-page.ts';

/** Words (letters only, not identities or dates) of the table's cells that the layout split over two
 *  lines. Debian's Chromium has no hyphenation dictionaries, so such a split is a break without a hyphen. */
const splitWords = (testId: string) => `(() => {
  const split = [];
  for (const cell of document.querySelectorAll('[data-testid="${testId}"] td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\p{L}{4,}/gu)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
})()`;

async function chooseLanguage(page: Page, language: 'en' | 'de') {
  await page.getByTestId('language-select').selectOption(language);
  await page.locator(`html[lang="${language}"]`).waitFor();
}

test("the page's language follows the switch in Settings, both ways", async (t) => {
  const { page } = await setup(t, []);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.evaluate('window.location.hash = "#/settings"');
  await chooseLanguage(page, 'de');
  await page.getByTestId('page-title').getByText('Einstellungen').waitFor();
  // The choice is the core's: a reload keeps it, and the page says so to the browser.
  await page.reload();
  await page.locator('html[lang="de"]').waitFor();
  await chooseLanguage(page, 'en');
  await page.getByTestId('page-title').getByText('Settings').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test("a box's runs at 1024 px in German: the template's name wraps whole, the page does not scroll sideways", async (t) => {
  const { company, core, page } = await setup(t, [{ ocppVersion: '2.0.1', identity: 'WB-0201' }]);
  const template = {
    name: 'Tiefgarage',
    csms: { url: company.url('/ocpp'), securityProfile: 1 as const },
    verifyWindowS: 2,
  };
  // A finished run: its long result and the report link make the table's columns compete for the width.
  const run = await callOk(core, 'commissioning.start', { identity: 'WB-0201', template, approval: 'auto' });
  await core.commissioning.settled(run.id);
  await callOk(core, 'settings.set', { language: 'de' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.locator('html[lang="de"]').waitFor();
  await page.evaluate('window.location.hash = "#/boxes/WB-0201"');
  const runs = page.getByTestId('box-runs');
  await runs.getByTestId('open-run-report').waitFor();
  await runs.getByText('Tiefgarage', { exact: true }).waitFor();
  assert.deepEqual(await page.evaluate(splitWords('box-runs')), []);
  const wide = await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  assert.ok(Number(wide) <= 1, `the box page scrolls sideways by ${wide} px at 1024 px`);
  assert.deepEqual(pageErrors(page), []);
});
