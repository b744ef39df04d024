// The Cards page's list import and export, and its groups on boxes with a site push, as a car park's super
// user works them in Debian's Chromium, keyboard only: a German Excel file, exports, simulated boxes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Download, FileChooser, Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';
import { unlabelled } from './labelled.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

/** A core with no card-reader sources: the machine's own readers (a pcscd another test runs, USB
 *  devices) stay off the page. With the local CSMS on loopback when boxes are wanted. */
async function quietCore(t: TestContext, csms = false): Promise<{ core: Core; url: string }> {
  const core = testCore(t, { readerSources: [] });
  if (!csms) return { core, url: '' };
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: true,
    bootIntervalS: 1,
    callTimeoutMs: 60_000,
  });
  return { core, url: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp` };
}

async function openCards(t: TestContext, core: Core) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/cards`);
  // Listened for from the start: Playwright intercepts the file dialog only once someone listens, and
  // a listener added just before the key press may come after the dialog opened.
  const choosers: FileChooser[] = [];
  page.on('filechooser', (chooser) => choosers.push(chooser));
  (page as Page & { choosers?: FileChooser[] }).choosers = choosers;
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('add-group').waitFor();
  return page;
}

const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);

/** Tab from the page's heading on (where Alt+2 lands): tabTo only goes forward, never round the end. */
async function tabFromTop(page: Page, testId: string) {
  await page.getByTestId('page-title').focus();
  await tabTo(page, testId);
}

/** Space on the focused file field opens the file dialog; the file is picked there, as a user would. */
async function pickFile(page: Page, name: string, buffer: Buffer) {
  const choosers = (page as Page & { choosers: FileChooser[] }).choosers;
  await page.keyboard.press('Space');
  const chooser = await until(() => choosers.shift());
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer });
}

/** Presses Enter on the focused export button and reads the file the browser saved. */
async function download(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const [file] = (await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])) as [
    Download,
    unknown,
  ];
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** Picks an option of a select by keyboard: arrow keys until its value is the one wanted. */
async function arrowTo(page: Page, testId: string, value: string) {
  const select = page.getByTestId(testId);
  for (let i = 0; i < 8 && (await select.inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await select.inputValue(), value);
}

// A list as German Excel saves it: semicolons, Windows-1252 (umlauts as single bytes), CRLF.
const germanList = [
  'Karten-ID;Bezeichnung;Besitzer;Gruppe',
  '04 A1 B2 C3;Jürgen Größ;Müller GmbH;Mitarbeiter',
  'ZZ-12;Kaputt;;Mitarbeiter',
  '04a1b2c3;Doppelt;;Mitarbeiter',
  '1122AABB;Lieferant;;Lieferanten',
  '0A0B0C0D;=SUMME(A1:A9);Bäckerei Öztürk;Gäste',
  '04D5E6F7;+49 171 5550000;;',
].join('\r\n');

test('a German Excel list by keyboard: each bad row with its reason and nothing written, then the good rows; three exports', {
  timeout: 180_000,
}, async (t) => {
  const { core } = await quietCore(t);
  const page = await openCards(t, core);

  // Two groups through the one-field form: the focus stays in the field while each is written, so the
  // second name is typed right after the first Enter.
  await page.getByTestId('add-group-name').focus();
  await page.keyboard.type('Mitarbeiter');
  await page.keyboard.press('Enter');
  await page.getByTestId('groups-table').getByText('Mitarbeiter', { exact: true }).waitFor();
  assert.equal(await focusedTestId(page), 'add-group-name', 'the focus stays in the name field');
  assert.equal(await page.getByTestId('add-group-name').inputValue(), '');
  await page.keyboard.type('Gäste');
  await page.keyboard.press('Enter');
  await page.getByTestId('groups-table').getByText('Gäste', { exact: true }).waitFor();
  assert.equal(await focusedTestId(page), 'add-group-name');
  // A name that exists already: the typed error under the field, the text kept, the focus still there.
  await page.keyboard.type('mitarbeiter');
  await page.keyboard.press('Enter');
  await page.getByTestId('add-group').getByRole('alert').waitFor();
  assert.equal(await page.getByTestId('add-group-name').inputValue(), 'mitarbeiter');
  assert.equal(await focusedTestId(page), 'add-group-name');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  const groups = await callOk(core, 'groups.list', {});
  const staff = groups.find((g) => g.name === 'Mitarbeiter');
  const guests = groups.find((g) => g.name === 'Gäste');
  assert.ok(staff && guests);
  assert.deepEqual(await unlabelled(page, 'import-export'), []);

  // The file by keyboard: Space on the file field opens the chooser.
  await tabFromTop(page, 'import-file');
  await pickFile(page, 'Karten.csv', Buffer.from(germanList, 'latin1'));
  // Decoded as Windows-1252: the umlauts are right in the text the user sees.
  await page.waitForFunction(() =>
    (document.querySelector('[data-testid="import-text"]') as HTMLTextAreaElement).value.includes('Öztürk'),
  );
  assert.equal(
    (await page.getByTestId('import-text').inputValue()).replace(/\r\n/g, '\n'),
    germanList.replace(/\r\n/g, '\n'),
  );
  // Rows that name no group go to the staff.
  await tabTo(page, 'import-group');
  await arrowTo(page, 'import-group', String(staff.id));
  await tabTo(page, 'import-check');
  await page.keyboard.press('Enter');

  const preview = page.getByTestId('import-preview');
  await preview
    .getByText('6 rows: 3 can be imported (0 with a warning), 3 with errors.', { exact: true })
    .waitFor();
  // The preview's heading has the focus, so a screen reader says the summary first.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H4');
  const row = (n: number) => page.getByTestId(`import-row-${n}`);
  await row(2).and(page.locator('[data-status="ok"]')).getByText('Jürgen Größ').waitFor();
  await row(3)
    .and(page.locator('[data-status="error"]'))
    .getByText('"ZZ-12" cannot be enrolled: "Z" is neither a hex digit nor a separator.')
    .waitFor();
  await row(4)
    .and(page.locator('[data-status="error"]'))
    .getByText('The card 04A1B2C3 is in the file twice: first in row 2.')
    .waitFor();
  await row(5)
    .and(page.locator('[data-status="error"]'))
    .getByText('There is no group "Lieferanten".')
    .waitFor();
  await row(6).and(page.locator('[data-status="ok"]')).getByText('=SUMME(A1:A9)').waitFor();
  await row(7).and(page.locator('[data-status="ok"]')).getByText('Mitarbeiter').waitFor();
  await preview.getByText('Groups that do not exist yet: Lieferanten').waitFor();
  // Which column each field is read from, and the zone a bare date is read in.
  await preview
    .getByTestId('import-columns')
    .getByText(/Columns read: UID ← "Karten-ID", label ← "Bezeichnung", owner ← "Besitzer", group ← "Gruppe"/)
    .waitFor();
  await page.screenshot({ path: shot('cards-import-preview-en'), fullPage: true });
  // The preview wrote nothing.
  assert.deepEqual(await callOk(core, 'cards.list', {}), []);
  assert.equal((await callOk(core, 'groups.list', {})).length, 2);

  // Confirm by keyboard: the good rows are stored, the bad ones are not, and the focus goes to the result.
  await tabTo(page, 'import-confirm');
  assert.equal((await page.getByTestId('import-confirm').textContent())?.trim(), 'Import 3 cards');
  await page.keyboard.press('Enter');
  await page.getByTestId('import-done').getByText('3 cards imported, 3 rows skipped.').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'import-done');
  await page.getByTestId('import-preview').waitFor({ state: 'detached' });
  const stored = await callOk(core, 'cards.list', {});
  assert.deepEqual(stored.map((c) => [c.uidHex, c.label, c.owner, c.groupId]).sort(), [
    ['04A1B2C3', 'Jürgen Größ', 'Müller GmbH', staff.id],
    ['04D5E6F7', '+49 171 5550000', null, staff.id],
    ['0A0B0C0D', '=SUMME(A1:A9)', 'Bäckerei Öztürk', guests.id],
  ]);
  await page.getByTestId('cards-table').locator('[data-uid="0A0B0C0D"]').waitFor();
  assert.equal(await page.getByTestId('import-text').inputValue(), '');

  // Plain CSV by keyboard: UTF-8 with BOM (Excel reads the umlauts), formulas defused with a '.
  await tabTo(page, 'export-plain');
  const plain = await download(page);
  assert.match(plain.name, /^cards-all-plain-\d{4}-\d\d-\d\d\.csv$/);
  assert.deepEqual([...plain.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(
    plain.bytes.toString('utf8'),
    '\uFEFFuid,label,owner,group,valid_until\r\n' +
      '04A1B2C3,Jürgen Größ,Müller GmbH,Mitarbeiter,\r\n' +
      `0A0B0C0D,"'=SUMME(A1:A9)",Bäckerei Öztürk,Gäste,\r\n` +
      `04D5E6F7,"'+49 171 5550000",,Mitarbeiter,\r\n`,
  );
  await page.getByTestId('export-done').getByText(`3 cards written to ${plain.name}.`).waitFor();
  assert.equal(await focusedTestId(page), 'export-plain', 'the focus stays on the button');

  // The same for German Excel, only the guests: semicolons.
  await tabFromTop(page, 'export-group');
  await arrowTo(page, 'export-group', String(guests.id));
  await tabTo(page, 'export-semicolon');
  await page.keyboard.press('Space');
  await tabTo(page, 'export-plain');
  const semicolons = await download(page);
  assert.match(semicolons.name, /^cards-gaste-plain-\d{4}-\d\d-\d\d\.csv$/);
  assert.equal(
    semicolons.bytes.toString('utf8'),
    `\uFEFFuid;label;owner;group;valid_until\r\n0A0B0C0D;"'=SUMME(A1:A9)";Bäckerei Öztürk;Gäste;\r\n`,
  );

  // SteVe: every group tag first (as the parent of its cards), then the cards; back to all groups.
  await tabFromTop(page, 'export-group');
  await page.keyboard.press('Home');
  assert.equal(await page.getByTestId('export-group').inputValue(), '');
  await tabTo(page, 'export-semicolon');
  await page.keyboard.press('Space');
  await tabTo(page, 'export-steve');
  const steve = await download(page);
  assert.deepEqual(steve.bytes.toString('utf8').split('\r\n'), [
    'idTag,parentIdTag,expiryDate,maxActiveTransactionCount,note',
    `${staff.groupIdTag},,,1,group Mitarbeiter`,
    `${guests.groupIdTag},,,1,group Gäste`,
    `04A1B2C3,${staff.groupIdTag},,1,Jürgen Größ / Müller GmbH`,
    `0A0B0C0D,${guests.groupIdTag},,1,"'=SUMME(A1:A9) / Bäckerei Öztürk"`,
    `04D5E6F7,${staff.groupIdTag},,1,"'+49 171 5550000"`,
    '',
  ]);

  // OCPI without the eMSP's codes: a typed error naming both, and no file.
  await tabTo(page, 'export-ocpi');
  await page.keyboard.press('Enter');
  const alert = page.getByTestId('export-panel').getByRole('alert');
  await alert.getByText("An OCPI export needs the eMSP's country code (2 letters) and party id").waitFor();
  await alert.getByText('for example DE and ABC').waitFor();
  assert.equal(await focusedTestId(page), 'export-ocpi');
  await tabFromTop(page, 'export-country');
  await page.keyboard.type('de');
  await tabTo(page, 'export-party');
  await page.keyboard.type('abc');
  await tabTo(page, 'export-ocpi');
  const ocpi = await download(page);
  assert.match(ocpi.name, /^cards-all-ocpi-.*\.jsonl$/);
  await alert.waitFor({ state: 'detached' });
  const tokens = ocpi.bytes
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    tokens.map((k) => [k.country_code, k.party_id, k.uid, k.type, k.visual_number, k.group_id, k.valid]),
    [
      ['DE', 'ABC', '04A1B2C3', 'RFID', 'Jürgen Größ', staff.groupIdTag, true],
      ['DE', 'ABC', '0A0B0C0D', 'RFID', '=SUMME(A1:A9)', guests.groupIdTag, true],
      ['DE', 'ABC', '04D5E6F7', 'RFID', '+49 171 5550000', staff.groupIdTag, true],
    ],
  );
  await page.screenshot({ path: shot('cards-exported-en'), fullPage: true });

  // The same file again, now that its good rows are stored: the page says why each row stays out, in German.
  await callOk(core, 'settings.set', { language: 'de' });
  await page.getByText('Liste prüfen').waitFor();
  await tabFromTop(page, 'import-file');
  await pickFile(page, 'Karten.csv', Buffer.from(germanList, 'latin1'));
  await tabTo(page, 'import-check');
  await page.keyboard.press('Enter');
  // Known cards are no errors any more: they stay as they are (or are updated, with the changes shown).
  await row(2).getByText('Bekannte Karte, unverändert.').waitFor();
  await row(5).getByText('Es gibt keine Gruppe "Lieferanten".').waitFor();
  assert.equal((await page.getByTestId('import-confirm').textContent())?.trim(), '0 Karten importieren');
  assert.equal(await page.getByTestId('import-confirm').isDisabled(), true);
  // Discard by keyboard: the preview goes, the focus lands in the text.
  await tabTo(page, 'import-discard');
  await page.keyboard.press('Enter');
  await page.getByTestId('import-preview').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'import-text');
  assert.equal((await callOk(core, 'cards.list', {})).length, 3);
  assert.deepEqual(pageErrors(page), []);
  // The page goes before the core: a reload still in flight must not reach a closed database.
  await page.context().close();
});

test('groups on boxes by keyboard, a site pushed with progress per box, an offline box skipped, a push cancelled', {
  timeout: 180_000,
}, async (t) => {
  const { core, url } = await quietCore(t, true);
  const n1 = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-NORD-1' });
  const n2 = await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-NORD-2' });
  const n3 = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-NORD-3' });
  await n3.stop();
  await until(() => core.ocpp.csms.box('WB-NORD-3')?.state === 'offline');
  // A box that takes a list and never answers: its push runs until someone cancels it.
  const stuck = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-SUED',
    misbehave: { neverAnswer: ['SendLocalList'] },
  });
  const ids = Object.fromEntries(
    (await callOk(core, 'stations.list', {})).map((s) => [s.identity, s.id] as const),
  );
  const nord = await callOk(core, 'sites.create', { name: 'Tiefgarage Nord' });
  const sued = await callOk(core, 'sites.create', { name: 'Hof Süd' });
  await callOk(core, 'stations.assignSite', {
    stationIds: ['WB-NORD-1', 'WB-NORD-2', 'WB-NORD-3'].map((i) => ids[i] as number),
    siteId: nord.id,
  });
  await callOk(core, 'stations.assignSite', { stationIds: [ids['WB-SUED'] as number], siteId: sued.id });
  const staff = await callOk(core, 'groups.create', { name: 'Mitarbeiter' });
  const guests = await callOk(core, 'groups.create', { name: 'Gäste' });
  for (const uid of ['04A1B2C3', '04D5E6F7', '0A0B0C0D'])
    await callOk(core, 'cards.enroll', { uid, notation: 'hex', groupId: staff.id });
  for (const uid of ['1122AABB', '04112233445566'])
    await callOk(core, 'cards.enroll', { uid, notation: 'hex', groupId: guests.id });

  const page = await openCards(t, core);
  const section = page.getByTestId('group-stations');
  await section.getByTestId(`group-${staff.id}-box-WB-NORD-1`).waitFor();
  assert.deepEqual(await unlabelled(page, 'group-stations'), []);
  // Every box is listed under its site with what it holds: nothing from this tool yet.
  const listRow = (identity: string) => page.getByTestId(`box-list-${identity}`);
  await listRow('WB-NORD-1').getByText('no list from this tool yet').waitFor();
  await listRow('WB-NORD-3').getByText('no list from this tool yet (offline)').waitFor();
  await page.getByTestId(`site-lists-site-${sued.id}`).getByText('Hof Süd').first().waitFor();

  // The staff may charge at all three boxes of the north garage, the guests at WB-NORD-2 only.
  const tick = async (group: number, identity: string) => {
    await tabTo(page, `group-${group}-box-${identity}`);
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId(`group-${group}-box-${identity}`).isChecked(), true);
  };
  await page.getByTestId('page-title').focus();
  for (const identity of ['WB-NORD-1', 'WB-NORD-2', 'WB-NORD-3']) await tick(staff.id, identity);
  await tabTo(page, `group-${staff.id}-save`);
  await page.keyboard.press('Enter');
  await page.getByTestId(`group-${staff.id}-save`).and(page.locator('[aria-disabled="true"]')).waitFor();
  assert.equal(await focusedTestId(page), `group-${staff.id}-save`, 'the focus stays on Save');
  await tick(guests.id, 'WB-NORD-2');
  await tabTo(page, `group-${guests.id}-save`);
  await page.keyboard.press('Enter');
  await listRow('WB-NORD-2').getByText('5 cards').waitFor();
  const lists = await callOk(core, 'stations.localLists', { siteId: nord.id });
  assert.deepEqual(
    lists.map((l) => [l.identity, l.groupIds.sort(), l.shouldHold, l.toPush]),
    [
      ['WB-NORD-1', [staff.id], 3, 3],
      ['WB-NORD-2', [staff.id, guests.id].sort(), 5, 5],
      ['WB-NORD-3', [staff.id], 3, 3],
    ],
  );
  await listRow('WB-NORD-1').getByText('3 cards').waitFor();

  // Push the north garage by keyboard: each box says how it went; the offline box is skipped with why.
  await tabTo(page, `push-site-${nord.id}`);
  await page.keyboard.press('Enter');
  const summary = page.getByTestId(`push-summary-${nord.id}`);
  await summary
    .getByText('2 pushed, 0 already up to date, 1 skipped, 0 failed, 0 cancelled.', { exact: true })
    .waitFor();
  assert.equal(await focusedTestId(page), `push-site-${nord.id}`, 'the focus stays on the push button');
  const v1 = n1.localList().version;
  const v2 = n2.localList().version;
  await listRow('WB-NORD-1')
    .and(page.locator('[data-state="done"]'))
    .getByText(`done, version ${v1}`)
    .waitFor();
  await listRow('WB-NORD-2')
    .and(page.locator('[data-state="done"]'))
    .getByText(`done, version ${v2}`)
    .waitFor();
  await listRow('WB-NORD-3')
    .and(page.locator('[data-state="skipped"]'))
    .getByText('The box WB-NORD-3 is not connected to the tool right now.')
    .waitFor();
  // What each box holds now, on the page and in the box.
  await listRow('WB-NORD-1').getByText(`version ${v1}, 3 cards`).waitFor();
  await listRow('WB-NORD-2').getByText(`version ${v2}, 5 cards`).waitFor();
  assert.deepEqual(
    n1
      .localList()
      .entries.map((e) => `${e.idTag}/${e.parentIdTag}`)
      .sort(),
    ['04A1B2C3', '04D5E6F7', '0A0B0C0D'].map((uid) => `${uid}/${staff.groupIdTag}`),
  );
  assert.deepEqual(
    n2
      .localList()
      .entries.map((e) => e.idTag)
      .sort(),
    ['04112233445566', '04A1B2C3', '04D5E6F7', '0A0B0C0D', '1122AABB'],
  );
  await page.screenshot({ path: shot('cards-site-pushed-en'), fullPage: true });

  // The south yard: a tick for the guests not saved yet survives the lists reloading during a push.
  await tick(staff.id, 'WB-SUED');
  await tabTo(page, `group-${staff.id}-save`);
  await page.keyboard.press('Enter');
  await listRow('WB-SUED').getByText('3 cards').waitFor();
  await tick(guests.id, 'WB-SUED');
  // Push, and cancel by keyboard while the box sits on its list: Tab goes from the push to its Cancel.
  await tabTo(page, `push-site-${sued.id}`);
  await page.keyboard.press('Enter');
  await listRow('WB-SUED').and(page.locator('[data-state="pushing"]')).waitFor();
  await page.screenshot({ path: shot('cards-site-pushing-en'), fullPage: true });
  await page.keyboard.press('Tab');
  assert.equal(await focusedTestId(page), `cancel-push-${sued.id}`);
  await page.keyboard.press('Enter');
  await page
    .getByTestId(`push-summary-${sued.id}`)
    .getByText('0 pushed, 0 already up to date, 0 skipped, 0 failed, 1 cancelled.', { exact: true })
    .waitFor();
  await listRow('WB-SUED').and(page.locator('[data-state="cancelled"]')).getByText('cancelled').waitFor();
  assert.equal(await focusedTestId(page), `cancel-push-${sued.id}`, 'the focus stays on Cancel');
  assert.equal(await page.getByTestId(`cancel-push-${sued.id}`).getAttribute('aria-disabled'), 'true');
  // The box confirmed nothing, so the tool does not claim it holds a list; the unsaved tick is still there.
  await listRow('WB-SUED').getByText('no list from this tool yet').waitFor();
  assert.equal((await callOk(core, 'stations.localLists', { siteId: sued.id }))[0]?.holds, null);
  assert.equal(stuck.localList().entries.length, 0);
  assert.equal(await page.getByTestId(`group-${guests.id}-box-WB-SUED`).isChecked(), true);
  assert.deepEqual(pageErrors(page), []);
  // The page goes before the core: a reload still in flight must not reach a closed database.
  await page.context().close();
});
