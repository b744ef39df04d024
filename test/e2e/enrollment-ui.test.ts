// Enrolling a stack of cards as the car park's super user does it, keyboard only, in Debian's Chromium:
// a keyboard-wedge reader typing into the window, a duplicate, slow typing, undo, a bad UID, a reload,
// and a serial reader on a socat pty pair that shows up live.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { SerialPort } from 'serialport';
import { serialSource } from '../../main/rfid/serial-source.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { testShell } from '../support/shell.ts';
import { wedgeBurst } from '../support/wedge.ts';
import {
  addGroup,
  connected,
  pickGroup,
  rows,
  startByKeyboard,
  tabFromTop,
  tabPastDate,
} from './enroll-page.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

async function setup(t: TestContext) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  // Serial readers only, none listed by the OS: the machine's own USB devices stay out of the test.
  const core = testCore(t, { readerSources: [serialSource({ list: async () => [] })], readerScanMs: 100 });
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/cards`);
  await connected(page);
  return { core, page };
}

/** A keyboard-wedge reader: the UID typed 5 ms per key (on the reader's clock), then Enter. */
const wedge = (page: Page, uid: string) => wedgeBurst(page, uid);

const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
const counts = async (page: Page) =>
  Object.fromEntries(
    await Promise.all(
      ['enrolled', 'duplicates', 'errors'].map(
        async (k) => [k, Number(await page.getByTestId(`count-${k}`).locator('dd').textContent())] as const,
      ),
    ),
  );

test('a stack of cards by keyboard: wedge bursts, a duplicate, slow typing, undo, a bad UID, a reload', async (t) => {
  const { core, page } = await setup(t);
  await addGroup(page, 'Staff');
  const staff = await pickGroup(page, core, 'Staff');

  // The label pattern and an owner, then Start: all by keyboard.
  await tabTo(page, 'enroll-pattern');
  assert.equal(await page.getByTestId('enroll-pattern').inputValue(), 'Card-###');
  await tabTo(page, 'enroll-owner');
  await page.keyboard.type('Fleet North');
  // The date field by keys, segment by segment as the locale (en-US) orders them.
  await tabTo(page, 'enroll-valid-until');
  await page.keyboard.type('12312099');
  assert.equal(await page.getByTestId('enroll-valid-until').inputValue(), '2099-12-31');
  assert.equal(await page.getByTestId('window-typing').isChecked(), true, 'window typing is on by default');
  await startByKeyboard(page);
  await page.getByTestId('last-card').getByText('Ready: tap the first card.').waitFor();
  assert.equal(await page.getByTestId('last-card').getAttribute('aria-live'), 'polite');

  // (1) A wedge reader types a UID: the row is there at once, with the pattern's first label.
  await wedge(page, '04A1B2C3');
  const first = rows(page).and(page.locator('[data-uid="04A1B2C3"]'));
  await first.and(page.locator('[data-label="Card-001"][data-kind="new"]')).waitFor();
  await page.getByTestId('last-card').getByText('Card-001 enrolled (04 A1 B2 C3)').waitFor();
  assert.match(
    (await first.textContent()) ?? '',
    /Staff.*Fleet North.*31 Dec 2099.*keyboard reader \(this window\).*enrolled/,
  );
  let stored = await callOk(core, 'cards.list', {});
  assert.deepEqual(
    stored.map((c) => [c.uidHex, c.label, c.groupId, c.owner, c.source]),
    [['04A1B2C3', 'Card-001', staff.id, 'Fleet North', 'hid']],
  );
  // Valid through the whole chosen day, local time.
  const until = new Date(stored[0]?.validUntil ?? '');
  assert.deepEqual(
    [until.getFullYear(), until.getMonth(), until.getDate(), until.getHours()],
    [2099, 11, 31, 23],
  );
  // The burst's Enter pressed nothing: the focus is still on the heading, the session runs.
  assert.equal(await focusedTestId(page), 'session-heading');

  // (2) The same card again: no second row; the row lights up and says so.
  await wedge(page, '04A1B2C3');
  await page.getByTestId('last-card').and(page.locator('[data-kind="duplicate"]')).waitFor();
  await first
    .and(page.locator('[data-last="yes"]'))
    .getByText('already enrolled (tapped again 1×)')
    .waitFor();
  await page.getByTestId('last-card').getByText('Card-001 is already enrolled (04 A1 B2 C3)').waitFor();
  assert.equal(await rows(page).count(), 1);
  assert.deepEqual(await counts(page), { enrolled: 1, duplicates: 1, errors: 0 });

  // (3) A second card, newest on top.
  await wedge(page, '04A1B2C4');
  await rows(page).first().and(page.locator('[data-label="Card-002"]')).waitFor();

  // (4) A person typing slowly is not a card: nothing is enrolled, nothing is tapped.
  await page.keyboard.type('DEADBEEF', { delay: 120 });
  await page.keyboard.press('Enter');
  // A fast burst after it proves the slow keys were seen and dropped (not glued to the next card).
  await wedge(page, '04C0FFEE');
  await rows(page).first().and(page.locator('[data-uid="04C0FFEE"][data-label="Card-003"]')).waitFor();
  assert.equal(await rows(page).count(), 3);
  stored = await callOk(core, 'cards.list', {});
  assert.equal(stored.length, 3);
  assert.ok(!stored.some((c) => c.uidHex === 'DEADBEEF'));

  // (5) In the typed-UID field slow typing stays in the field; a burst there is a card, and the field
  // gets its text back without the burst.
  await tabTo(page, 'type-uid');
  await page.keyboard.type('04 A1', { delay: 120 });
  assert.equal(await page.getByTestId('type-uid').inputValue(), '04 A1');
  await wedge(page, '04D00D00');
  await rows(page).first().and(page.locator('[data-uid="04D00D00"][data-label="Card-004"]')).waitFor();
  assert.equal(await page.getByTestId('type-uid').inputValue(), '04 A1');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');

  // (6) Undo by keyboard (Ctrl+Z outside a text field): the last card goes, in the store too.
  await page.getByTestId('session-heading').focus();
  await page.keyboard.press('Control+Z');
  await page.getByTestId('last-card').getByText('Card-004 (04 D0 0D 00) taken back').waitFor();
  await rows(page).and(page.locator('[data-uid="04D00D00"]')).waitFor({ state: 'detached' });
  stored = await callOk(core, 'cards.list', {});
  assert.deepEqual(stored.map((c) => c.label).sort(), ['Card-001', 'Card-002', 'Card-003']);
  assert.deepEqual(await counts(page), { enrolled: 3, duplicates: 1, errors: 0 });
  // The Undo button names the card it would take back next.
  assert.equal(await page.getByTestId('enroll-undo').getAttribute('aria-keyshortcuts'), 'Control+Z');
  await page.getByTestId('enroll-undo').getByText('Undo Card-003').waitFor();

  // (7) A bad UID, typed by hand: an error row with what is wrong and what to do.
  await tabTo(page, 'type-uid');
  await page.keyboard.type('XYZ123', { delay: 60 });
  await page.keyboard.press('Enter');
  const bad = rows(page).first().and(page.locator('[data-kind="error"][data-code="CARD_UID_INVALID"]'));
  await bad.getByText('"XYZ123" cannot be enrolled: "X" is neither a hex digit nor a separator.').waitFor();
  await bad.getByText('Tap the card again on the reader, or type its UID as hex bytes').waitFor();
  // The field keeps the text, so the typo can be fixed.
  assert.equal(await page.getByTestId('type-uid').inputValue(), 'XYZ123');
  // A card a reader cannot enroll (a random UID) is an error row too, with the sound and line of an error.
  await page.getByTestId('session-heading').focus();
  await wedge(page, '08A1B2C3');
  await rows(page).first().and(page.locator('[data-kind="error"]')).getByText('random number').waitFor();
  await page.getByTestId('last-card').and(page.locator('[data-kind="error"]')).waitFor();
  assert.deepEqual(await counts(page), { enrolled: 3, duplicates: 1, errors: 2 });
  assert.equal((await callOk(core, 'cards.list', {})).length, 3);
  await page.screenshot({ path: shot('enrollment-batch-en'), fullPage: true });

  // The beeps can be muted by keyboard; the choice outlives a reload.
  await tabTo(page, 'enroll-mute');
  await page.keyboard.press('Space');
  assert.equal(await page.getByTestId('enroll-mute').isChecked(), true);

  // (8) A reload: the session still runs and the batch's cards are listed (stored before shown).
  await page.reload();
  await connected(page);
  await page.getByTestId('enroll-session').waitFor();
  await rows(page).and(page.locator('[data-label="Card-001"]')).waitFor();
  assert.deepEqual(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-label'))), [
    'Card-003',
    'Card-002',
    'Card-001',
  ]);
  assert.deepEqual(await counts(page), { enrolled: 3, duplicates: 1, errors: 2 });
  await page.getByTestId('cards-table').locator('[data-uid="04A1B2C3"]').waitFor();
  assert.equal(await page.getByTestId('enroll-mute').isChecked(), true);

  // (9) Esc stops; the focus goes back to Start, and the core agrees.
  await page.getByTestId('session-heading').focus();
  await page.keyboard.press('Escape');
  await page.getByTestId('enroll-setup').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'enroll-start');
  assert.equal((await callOk(core, 'enrollment.status', {})).active, false);
  // Once stopped, a burst is no card.
  await page.getByTestId('page-title').focus();
  await wedge(page, '04BEEF00');
  assert.equal((await callOk(core, 'cards.list', {})).length, 3);
  assert.deepEqual(pageErrors(page), []);
});

test('the setup names its own mistakes before the core is asked, then a roster names the cards', async (t) => {
  const { core, page } = await setup(t);
  await addGroup(page, 'Guests');
  // No reader at all: untick the window's typing and press Start.
  await tabFromTop(page, 'window-typing');
  await page.keyboard.press('Space');
  await tabTo(page, 'label-mode-pattern');
  // Arrow keys move between the radio buttons: the roster, with a name that has a # in it.
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'roster-text');
  await page.keyboard.type('Anna Schmidt,Sales\nBen #2\nanna schmidt\n');
  await page
    .getByTestId('roster-summary')
    .getByText('2 names, in this order: Anna Schmidt, Ben #2')
    .waitFor();
  await page.getByTestId('roster-summary').getByText('1 repeated names left out.').waitFor();
  await tabPastDate(page, 'enroll-start');
  await page.keyboard.press('Enter');
  await page.getByTestId('issue-readers').getByText('Pick at least one reader').waitFor();
  await page.getByTestId('issue-roster').getByText('"Ben #2" contains #').waitFor();
  assert.equal(await page.getByTestId('enroll-session').count(), 0);
  assert.equal((await callOk(core, 'enrollment.status', {})).active, false, 'the core was not asked');

  // Put right: window typing back on, a clean roster; the cards take its names in turn.
  await tabFromTop(page, 'window-typing');
  await page.keyboard.press('Space');
  await tabTo(page, 'roster-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Anna Schmidt;Sales\n"Meyer, Ben";Depot\n');
  await page
    .getByTestId('roster-summary')
    .getByText('2 names, in this order: Anna Schmidt, Meyer, Ben')
    .waitFor();
  await startByKeyboard(page);
  await page.getByTestId('session-summary').getByText('Labels: 2 names from the roster').waitFor();
  // A UID of digits only could be hex or decimal: refused, until the reader's notation is named.
  await wedge(page, '04111111');
  await rows(page).first().getByText('it could be hex or a decimal number').waitFor();
  await tabTo(page, 'window-notation');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getByTestId('window-notation').inputValue(), 'hex');
  await page.getByTestId('session-heading').focus();
  await wedge(page, '04111111');
  await rows(page).first().and(page.locator('[data-label="Anna Schmidt"]')).waitFor();
  await wedge(page, '04222222');
  await rows(page).first().and(page.locator('[data-label="Meyer, Ben"]')).waitFor();
  // One card more than names: refused with the reason, nothing stored.
  await wedge(page, '04333333');
  await rows(page)
    .first()
    .and(page.locator('[data-code="ENROLLMENT_ROSTER_EXHAUSTED"]'))
    .getByText('Every name on the list (2) has a card already')
    .waitFor();
  assert.deepEqual(
    (await callOk(core, 'cards.list', {})).map((c) => c.label),
    ['Anna Schmidt', 'Meyer, Ben'],
  );
  assert.deepEqual(pageErrors(page), []);
});

test('a serial reader added by its port shows up live, and its tap is a row', async (t) => {
  const { core, page } = await setup(t);
  const pair = await ptyPair(t);
  await addGroup(page, 'Depot');
  await pickGroup(page, core, 'Depot');

  // The port, by keyboard: open the disclosure, type the path, add.
  await tabPastDate(page, 'add-serial-open');
  await page.keyboard.press('Enter');
  await tabTo(page, 'serial-path');
  await page.keyboard.type(pair.a);
  await tabTo(page, 'serial-add');
  await page.keyboard.press('Enter');
  const reader = page.getByTestId('reader-picker').locator(`[data-id="serial:${pair.a}"]`);
  await reader.getByText('Serial reader (USB adapter)').waitFor();
  assert.equal(
    await page.getByTestId(`reader-serial:${pair.a}`).isChecked(),
    true,
    'an added reader is picked',
  );

  await startByKeyboard(page);
  const listening = page.getByTestId('session-reader').and(page.locator(`[data-id="serial:${pair.a}"]`));
  await listening.and(page.locator('[data-state="open"]')).getByText('listening').waitFor();
  assert.deepEqual((await callOk(core, 'enrollment.status', {})).readers, [`serial:${pair.a}`]);

  const port = new SerialPort({ path: pair.b, baudRate: 9600, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  t.after(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  port.write(Buffer.from('Card UID: 04 A1 B2 C3\r\n', 'latin1'));

  const row = rows(page).and(page.locator('[data-uid="04A1B2C3"][data-label="Card-001"]'));
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Depot/);
  assert.match((await row.textContent()) ?? '', new RegExp(pair.a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const [card] = await callOk(core, 'cards.list', {});
  assert.equal(card?.source, 'serial');
  assert.equal(card?.reader, `serial:${pair.a}`);
  await page.screenshot({ path: shot('enrollment-serial-en'), fullPage: true });

  // The cable is pulled mid-stack: the session's reader list says so at once, with what to do.
  await pair.unplug();
  await listening
    .and(page.locator('[data-state="error"], [data-state="missing"]'))
    .getByRole('alert')
    .waitFor();
  await page.screenshot({ path: shot('enrollment-unplugged-en'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
