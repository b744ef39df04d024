// The Live panel of the Diagnose page in Chromium: a bare ocpp-rpc box on loopback sends status, an error
// with vendor code, a transaction and meter values with explicit timestamps; the page shows them, the
// meter chart and the notices (idle, energy management), in English and in German.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { chargingBox16 } from '../support/live-box.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));

test('Diagnose shows a box live: connector, error with vendor code, transaction with chart, idle and energy management notices, German', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  const { server } = await testShell(t, { staticDir: built, core });
  const { transactionId, sample } = await chargingBox16(t, url, 'WB-LIVE-UI');

  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  const live = page.getByTestId('live-view');
  await live.getByText('Connector 1: Charging').waitFor();
  await live.getByText(/Ground fault \(RCD\).*Vendor code: E-RCD-42.*Info: RCD tripped.*cleared/).waitFor();
  await live.getByText(`Transaction ${transactionId}`).waitFor();

  await sample(1, 1500, 16);
  await sample(2, 2000, 16);
  await sample(14, 2000, 16);
  await sample(15, 2100, 8);
  const notices = live.getByTestId('live-notices');
  await notices
    .getByText(
      /Charging idle since .*\(connector 1, transaction \d+\): no energy for 12 min, meter at 2\.00 kWh/,
    )
    .waitFor();
  await notices
    .getByText(/Energy management intervened at .*: the current offered dropped from 16 A to 8 A/)
    .waitFor();
  await live.getByText('Current offered: 8 A', { exact: false }).waitFor();
  const path = await live.getByTestId('live-chart').locator('svg path').getAttribute('d');
  assert.equal(path?.split(/[ML]/).filter(Boolean).length, 4, 'one point per meter value');
  await page.screenshot({ path: shot('live-en'), fullPage: true });

  await core.router.call('settings.set', { language: 'de' }, core.context('cli'));
  await live.getByText('Anschluss 1: Lädt').waitFor();
  await live.getByText(/Fehlerstrom \(FI ausgelöst\).*Herstellercode: E-RCD-42/).waitFor();
  await notices.getByText(/Laden ruht seit .*seit 12 min keine Energie/).waitFor();
  await notices.getByText(/Lastmanagement hat eingegriffen .*von 16 A auf 8 A/).waitFor();
  const text = (await live.textContent()) ?? '';
  for (const raw of ['Charging', 'Faulted', 'GroundFailure'])
    assert.ok(!text.includes(raw), `no raw ${raw} in German`);
  await page.screenshot({ path: shot('live-de'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
