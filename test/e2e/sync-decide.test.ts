// The Sync page's dry run and conflicts, and the sync state on each card's row, in Debian's Chromium
// against a SteVe stand-in over real HTTP: what a send would do (nothing sent), a card SteVe holds in
// another group side by side, decided by keyboard; English and German.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { holdCardElsewhere, startSteveServer } from '../support/steve-server.ts';
import { unlabelled } from './labelled.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('Sync: the dry run says what a send would do and sends nothing; a conflict kept ours by keyboard', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const steve = await startSteveServer(t);
  holdCardElsewhere(steve);
  const { core, server } = await testShell(t, { staticDir: built });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  await callOk(core, 'cards.enroll', { uid: '04C0FFEE', groupId: group.id, label: 'Van' });
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id, label: 'Car 1' });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+4');
  const panel = page.getByTestId('sync-steve');
  await panel
    .getByTestId('sync-counts')
    .getByText(/^2 waiting/)
    .waitFor();

  await tabTo(page, 'sync-dry-run-steve');
  await page.keyboard.press('Enter');
  const dry = panel.getByTestId('sync-dry-run-result');
  await dry.locator('tr[data-action="conflict"]').getByText('group: OTHER → FLEET').waitFor();
  assert.deepEqual(await dry.locator('tr[data-action="conflict"] td').allTextContents(), [
    '04C0FFEE',
    'conflict (you decide)',
    'group: OTHER → FLEET; label: Boss car → Van',
  ]);
  assert.deepEqual((await dry.locator('tr[data-action="create"] td').allTextContents()).slice(0, 2), [
    '04A1B2C3',
    'create',
  ]);
  assert.deepEqual(steve.writes, [], 'a dry run sends nothing');

  await tabTo(page, 'sync-send-steve');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-sent')
    .getByText(/1 delivered, 0 still waiting, 0 failed, 1 conflicts/)
    .waitFor();
  const conflict = panel.getByTestId('sync-conflict-04C0FFEE');
  await conflict.waitFor();
  assert.deepEqual(await unlabelled(page, 'sync-conflicts-steve'), []);
  const differing = await conflict.locator('tr[data-differs="yes"]').allInnerTexts();
  assert.deepEqual(
    differing.map((row) => row.split('\t').map((cell) => cell.trim())),
    [
      ['group', 'FLEET', 'OTHER', 'differs'],
      ['label', 'Van', 'Boss car', 'differs'],
    ],
  );
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/sync-conflict-en.png', import.meta.url)),
  });
  await tabTo(page, 'sync-keep-ours-04C0FFEE');
  await page.keyboard.press('Enter');
  await conflict.waitFor({ state: 'detached' });
  // The dry run from before the send is gone (it is no longer true); the focus waits on "Send now".
  await dry.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'sync-send-steve');
  await page.keyboard.press('Enter');
  await panel
    .getByTestId('sync-sent')
    .getByText(/^Sent: 1 delivered, 0 still waiting/)
    .waitFor();
  const tag = steve.tags.get(901);
  assert.equal(tag?.parentIdTag, 'FLEET', 'ours was sent');
  assert.equal(tag?.note, 'Van');

  // Each card's row says where it stands at the company CSMS.
  await page.keyboard.press('Alt+2');
  const row = page.locator('[data-testid="card-row"][data-uid="04C0FFEE"]');
  await row
    .getByTestId('sync-badge')
    .getByText(/^confirmed at steve /)
    .waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('Sync (German): a card waiting for a CSMS that refuses says why on its row; taking theirs changes it here', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const steve = await startSteveServer(t);
  holdCardElsewhere(steve);
  const { core, server } = await testShell(t, { staticDir: built });
  await callOk(core, 'settings.set', { language: 'de' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'steve',
    baseUrl: steve.url,
    user: 'api',
    credential: 'steve-api-secret',
  });
  await callOk(core, 'groups.create', { name: 'Other', groupIdTag: 'OTHER' });
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  await callOk(core, 'cards.enroll', { uid: '04C0FFEE', groupId: group.id, label: 'Van' });
  await callOk(core, 'sync.run', { connector: 'steve', maxWaitS: 0 });
  // The CSMS's password is changed: the next card waits, and its row says why.
  steve.setPassword('rotated-password');
  await callOk(core, 'cards.enroll', { uid: '04A1B2C3', groupId: group.id, label: 'Car 1' });
  await callOk(core, 'sync.run', { connector: 'steve', maxWaitS: 0 });

  const browser = await launchBrowser(t);
  const page = await openPage(browser, server.url, 'de-DE');
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.keyboard.press('Alt+2');
  const waiting = page.locator('[data-testid="card-row"][data-uid="04A1B2C3"]').getByTestId('sync-badge');
  await waiting.getByText(/^wartet auf steve: .*Zugangsdaten des Werkzeugs abgelehnt/).waitFor();
  const held = page.locator('[data-testid="card-row"][data-uid="04C0FFEE"]').getByTestId('sync-badge');
  await held.getByText('wartet auf steve: dort anders hinterlegt, auf der Sync-Seite entscheiden').waitFor();

  await page.keyboard.press('Alt+4');
  const conflict = page.getByTestId('sync-conflict-04C0FFEE');
  await page
    .getByTestId('sync-conflicts-steve')
    .getByText('Bei steve anders hinterlegt: Sie entscheiden')
    .waitFor();
  await conflict.getByText('weicht ab').first().waitFor();
  await tabTo(page, 'sync-take-theirs-04C0FFEE');
  await page.keyboard.press('Enter');
  await conflict.waitFor({ state: 'detached' });
  const card = (await callOk(core, 'cards.list', {})).find((c) => c.uidHex === '04C0FFEE');
  assert.equal(card?.label, 'Boss car', 'theirs was taken here');
  assert.equal(
    steve.writes.filter((w) => w.idTag === '04C0FFEE').length,
    0,
    'nothing was sent to SteVe for it',
  );
  await page.screenshot({
    path: fileURLToPath(new URL('../../.test-results/sync-decided-de.png', import.meta.url)),
  });
  assert.deepEqual(pageErrors(page), []);
});
