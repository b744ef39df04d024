// The super user's stack of cards on a PC/SC desktop reader, in Debian's Chromium: a private pcscd with
// vpcd's virtual reader, cards tapped from another thread, the page worked by keyboard only.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pcscSource } from '../../main/rfid/pcsc-source.ts';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { type PrivatePcscd, startPcscd } from '../support/pcscd.ts';
import { testShell } from '../support/shell.ts';
import { VirtualCardHost } from '../support/virtual-card.ts';
import { addGroup, connected, pickGroup, rows, startByKeyboard } from './enroll-page.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

let pcscd: PrivatePcscd;
let cards: VirtualCardHost;
let cleanup: (() => Promise<void>) | undefined;

before(async () => {
  pcscd = await startPcscd({ cleanup: (fn) => (cleanup = fn) });
  cards = await VirtualCardHost.start();
});

after(async () => {
  await cards?.close();
  await cleanup?.();
});

const uid = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

test('a stack of cards on a PC/SC reader: each tap a row, the same card once, a card pulled too early, the service stopped', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t, { readerSources: [pcscSource()], readerScanMs: 200 });
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/cards`);
  await connected(page);
  const [readerName = ''] = pcscd.readers;
  const [port = 0] = pcscd.ports;
  const readerId = `pcsc:${readerName}`;

  await addGroup(page, 'Depot');
  await pickGroup(page, core, 'Depot');
  // The reader shows up by itself, with its kind, and is picked for the batch.
  const picked = page.getByTestId(`reader-${readerId}`);
  await picked.waitFor();
  if (!(await picked.isChecked())) {
    await picked.focus();
    await page.keyboard.press('Space');
  }
  await startByKeyboard(page);
  assert.ok((await callOk(core, 'enrollment.status', {})).readers.includes(readerId));

  const tap = async (hex: string, misbehave?: 'vanish-on-get-data') => {
    await cards.tapAndRemove({ port, uid: uid(hex), ...(misbehave ? { misbehave } : {}) });
    await pcscd.waitForEmpty();
  };

  await tap('04A1B2C3D4E5F6');
  await rows(page).and(page.locator('[data-uid="04A1B2C3D4E5F6"][data-label="Card-001"]')).waitFor();
  await tap('04A1B2C3D4E5F6');
  await page.getByTestId('last-card').and(page.locator('[data-kind="duplicate"]')).waitFor();
  await tap('1122AABB');
  await rows(page).and(page.locator('[data-uid="1122AABB"][data-label="Card-002"]')).waitFor();
  assert.equal(await rows(page).count(), 2, 'the card tapped twice has one row');

  // Pulled away while its UID was being read: a refused tap saying so, and the next tap works.
  await tap('04C0FFEE112233', 'vanish-on-get-data');
  await rows(page).and(page.locator('[data-kind="error"]')).first().waitFor();
  await tap('04C0FFEE112233');
  await rows(page).and(page.locator('[data-uid="04C0FFEE112233"][data-label="Card-003"]')).waitFor();

  const stored = await callOk(core, 'cards.list', {});
  assert.deepEqual(stored.map((c) => [c.label, c.uidHex, c.source, c.reader]).sort(), [
    ['Card-001', '04A1B2C3D4E5F6', 'pcsc', readerId],
    ['Card-002', '1122AABB', 'pcsc', readerId],
    ['Card-003', '04C0FFEE112233', 'pcsc', readerId],
  ]);
  await page.screenshot({ path: shot('enrollment-pcsc-en'), fullPage: true });

  // The smart-card service stops mid-stack: the batch's reader says so, with what to do.
  await pcscd.stop();
  await page
    .getByTestId('session-reader')
    .and(page.locator(`[data-id="${readerId}"]`))
    .getByRole('alert')
    .waitFor();
  assert.deepEqual(pageErrors(page), []);
});
