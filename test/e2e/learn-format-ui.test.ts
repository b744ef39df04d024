// The Diagnose page's card-format panel as a technician uses it, keyboard only, in Debian's Chromium: a
// simulated KEBA-like 1.6 box (bytes reversed) is picked, the desktop UID typed, the card tapped at the box.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { SimStation } from '../../main/simulator/station.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';
import { unlabelled } from './labelled.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

/** Two boxes on the shell's local CSMS: a 2.0.1 box listed first, and the reversed-byte 1.6 box to learn. */
async function setup(t: TestContext) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  const { server } = await testShell(t, { staticDir: built, core });
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-A-OTHER' });
  const box = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-KEBA',
    uidFormat: 'hex-lsb-upper',
  });
  const boot = bootWatch(box);
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  return { core, box, boot, page };
}

/**
 * How the box's last boot was answered, as the box saw it. Only a box answered Accepted asks its CSMS
 * about a card; the tool lets a Pending box boot once more Accepted when learning starts, and it stays
 * Accepted (a second learning needs no new boot). The panel's "tap now" is shown once the tool got
 * the BootNotification; the tap waits until the box has its answer too.
 */
function bootWatch(box: SimStation): { accepted(): Promise<void> } {
  let last = '';
  box.on('boot', (status) => {
    last = String(status);
  });
  return { accepted: () => until(() => last === 'Accepted', 10_000).then(() => undefined) };
}

const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);

/** Picks the box in Diagnose's picker by keyboard: Tab to it, then arrow keys until it is chosen. */
async function pickBox(page: Page, identity: string) {
  await page.getByTestId('page-title').focus();
  await tabTo(page, 'box-picker');
  for (let i = 0; i < 5 && (await page.getByTestId('box-picker').inputValue()) !== identity; i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.getByTestId('box-picker').inputValue(), identity);
}

test('Diagnose learns how a KEBA-like box writes cards: typed UID, tap at the box, the format and its example, forget', {
  timeout: 120_000,
}, async (t) => {
  const { core, box, boot, page } = await setup(t);
  const panel = page.getByTestId('learn-format');
  await pickBox(page, 'WB-KEBA');
  await page.getByTestId('box-picked').getByText('connected').waitFor();
  await page.getByTestId('learn-format-none').getByText('Not learned yet').waitFor();
  assert.deepEqual(await unlabelled(page, 'learn-format'), []);

  // A typo first: the core refuses it with what is wrong and what to do, and the field keeps the text.
  await tabTo(page, 'learn-format-uid');
  await page.keyboard.type('04 A1 B2 CX');
  await page.keyboard.press('Enter');
  const alert = panel.getByRole('alert');
  await alert.getByText('"04 A1 B2 CX" is not a card UID to learn from').waitFor();
  await alert.getByText('type its UID as hex bytes').waitFor();
  assert.equal(await page.getByTestId('learn-format-uid').inputValue(), '04 A1 B2 CX');
  assert.equal(await focusedTestId(page), 'learn-format-uid');
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-KEBA' }), null);

  // The UID as the desktop reader read it; Enter starts. The box is let boot Accepted, then the panel
  // asks for the tap, and the focus is still in the field (read-only while the box is asked).
  await page.keyboard.press('Control+A');
  await page.keyboard.type('04 A1 B2 C3');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format-stage').getByText('Now tap the card at the box.').waitFor();
  assert.equal(await focusedTestId(page), 'learn-format-uid');
  assert.equal(await page.getByTestId('learn-format-uid').getAttribute('readonly'), '');
  await boot.accepted();
  await page.screenshot({ path: shot('learn-format-waiting-en'), fullPage: true });

  // The card held to the box: it writes the bytes reversed and asks the tool, which says Invalid.
  assert.deepEqual(await box.tap('04A1B2C3'), { idTag: 'C3B2A104', answeredBy: 'csms', status: 'Invalid' });
  const outcome = page.getByTestId('learn-format-outcome');
  await outcome.getByText('Card 04A1B2C3 was sent as "C3B2A104". Saved for this box:').waitFor();
  await outcome.getByText('hex reversed, upper case (KEBA and others)').waitFor();
  await outcome.getByText('0A1B2C3D → 3D2C1B0A').waitFor();
  const current = page.getByTestId('learn-format-current');
  await current.getByText('hex reversed, upper case (KEBA and others)').waitFor();
  await current.getByText('Card 04A1B2C3 was sent as "C3B2A104"').waitFor();
  await current.getByText(/\(learned .+\)/).waitFor();
  assert.equal(await page.getByTestId('learn-format-uid').inputValue(), '');
  assert.equal(await focusedTestId(page), 'learn-format-uid', 'the focus stays where the user was');
  const profile = await callOk(core, 'formats.get', { identity: 'WB-KEBA' });
  assert.equal(profile?.preset, 'hex-lsb-upper');
  assert.equal(profile?.source, 'learned');
  await page.screenshot({ path: shot('learn-format-learned-en'), fullPage: true });

  // The other box knows nothing of it.
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-A-OTHER' }), null);

  // Forget, by keyboard: the box has no format again, the panel says so and drops the old outcome, and
  // the focus lands in the UID field instead of falling to the page body with the vanished button.
  await tabTo(page, 'learn-format-clear');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format-none').getByText('Not learned yet').waitFor();
  await page.getByTestId('learn-format-outcome').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('learn-format-current').count(), 0);
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-KEBA' }), null);
  assert.equal(await focusedTestId(page), 'learn-format-uid');
  const audit = await callOk(core, 'audit.list', { entity: 'uid-format' });
  assert.deepEqual(
    audit.map((a) => a.action),
    ['uid-format.clear', 'uid-format.learn'],
  );
  assert.deepEqual(pageErrors(page), []);
  // The page goes before the core: a reload still in flight must not reach a closed database.
  await page.context().close();
});

test('a palindromic card leaves the byte order open: a second card decides; learning can be cancelled by keyboard', {
  timeout: 120_000,
}, async (t) => {
  const { core, box, boot, page } = await setup(t);
  await pickBox(page, 'WB-KEBA');
  await page.getByTestId('learn-format-none').waitFor();

  // Started with the button (not Enter in the field), then cancelled: Tab goes from the busy Start to
  // Cancel, and after the cancel the focus is back on Start.
  await tabTo(page, 'learn-format-uid');
  await page.keyboard.type('0A1B2C3D');
  await tabTo(page, 'learn-format-start');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format-stage').getByText('Now tap the card at the box.').waitFor();
  assert.equal(await page.getByTestId('learn-format-start').getAttribute('aria-disabled'), 'true');
  await tabTo(page, 'learn-format-cancel');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format').getByRole('alert').waitFor();
  await page.getByTestId('learn-format-cancel').waitFor({ state: 'detached' });
  assert.equal(await focusedTestId(page), 'learn-format-start');
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-KEBA' }), null);

  // A card that reads the same both ways round: nothing is saved, the panel asks for a second card.
  await page.getByTestId('learn-format-uid').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('04A1A104');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format-stage').getByText('Now tap the card at the box.').waitFor();
  await boot.accepted();
  assert.equal((await box.tap('04A1A104')).idTag, '04A1A104');
  const outcome = page.getByTestId('learn-format-outcome');
  await outcome.getByText('Card 04A1A104 fits more than one format, so nothing was saved.').waitFor();
  await page.getByLabel('UID of a second, different card').waitFor();
  await page.getByTestId('learn-format-start').getByText('Learn from the second card').waitFor();
  assert.equal(await callOk(core, 'formats.get', { identity: 'WB-KEBA' }), null);
  await page.screenshot({ path: shot('learn-format-second-card-en'), fullPage: true });

  // The second card settles it: bytes reversed, saved with both cards as evidence.
  await page.getByTestId('learn-format-uid').focus();
  await page.keyboard.type('04 A1 B2 C3');
  await page.keyboard.press('Enter');
  await page.getByTestId('learn-format-stage').getByText('Now tap the card at the box.').waitFor();
  await boot.accepted();
  await box.tap('04A1B2C3');
  await outcome.getByText('hex reversed, upper case (KEBA and others)').waitFor();
  const current = page.getByTestId('learn-format-current');
  await current.getByText('Card 04A1A104 was sent as "04A1A104"').waitFor();
  await current.getByText('Card 04A1B2C3 was sent as "C3B2A104"').waitFor();
  const profile = await callOk(core, 'formats.get', { identity: 'WB-KEBA' });
  assert.equal(profile?.preset, 'hex-lsb-upper');
  assert.equal(profile?.evidence.length, 2);

  // In German, the panel reads the saved format in German.
  await callOk(core, 'settings.set', { language: 'de' });
  await current.getByText('hex umgekehrt, Großbuchstaben (KEBA und andere)').waitFor();
  assert.deepEqual(pageErrors(page), []);
  // The page goes before the core: a reload still in flight must not reach a closed database.
  await page.context().close();
});
