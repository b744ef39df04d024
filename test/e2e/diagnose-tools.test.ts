// The Diagnose page's support tools in Debian's Chromium, by keyboard, against the project's simulator and
// a bare ocpp-rpc CSMS on loopback: the proxy relays a box and shows each frame's side, a read-only call is
// answered, the support bundle and the site report download as a real zip and PDF.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Download, Page } from 'playwright-core';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser, openPage, pageErrors, tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox, startedSimBox, stationId } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

/** The first bytes of what the browser saved. */
async function savedBytes(download: Download): Promise<Buffer> {
  const path = await download.path();
  assert.ok(path, 'the browser saved the file');
  return readFileSync(path);
}

/** Presses a key on the focused control and waits for the download it starts. */
async function downloadBy(page: Page, testId: string, key: string): Promise<Download> {
  await tabTo(page, testId);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.keyboard.press(key),
  ]);
  return download;
}

async function setup(t: TestContext) {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-A' });
  // WB-B lacks the SecurityProfile key and gets another meter sample interval: two differences to find.
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-B', noSecurityProfileKey: true });
  const site = await callOk(core, 'sites.create', { name: 'Garage' });
  await callOk(core, 'stations.assignSite', { stationIds: [stationId(core, 'WB-A')], siteId: site.id });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  return { core, server, browser };
}

test('Diagnose: proxy to a CSMS, frames show their side, a read-only call answered, bundle and site report downloaded', async (t) => {
  const { server, browser } = await setup(t);
  const csms = await BareCsms.start(t);
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  const panel = page.getByTestId('proxy-panel');
  const port = await freePort();
  // A wrong address is refused with what to do, and nothing starts.
  await panel.getByLabel('Company CSMS address').fill('http://127.0.0.1:9/ocpp');
  await panel.getByLabel('Company CSMS address').press('Enter');
  const refused = panel.locator('[role="alert"][data-code="PROXY_UPSTREAM_INVALID"]');
  await refused.getByText(/starting with ws:\/\/ or wss:\/\//).waitFor();
  await panel.getByLabel('Company CSMS address').fill(csms.url('/ocpp'));
  await panel.getByLabel('Listen on').selectOption('127.0.0.1');
  await panel.getByLabel('Port').fill(String(port));
  await panel.getByLabel('Port').press('Enter');
  await panel
    .getByTestId('proxy-state')
    .getByText(`Relaying to ${csms.url('/ocpp')} on port ${port}.`)
    .waitFor();
  const proxyUrl = `ws://127.0.0.1:${port}/ocpp`;
  await panel.getByTestId('proxy-urls').getByText(proxyUrl, { exact: true }).waitFor();

  // A box dials the proxy; the bare CSMS sees it, the panel lists it with the CSMS side up.
  await startedSimBox(t, { ocppVersion: '1.6', endpoint: proxyUrl, identity: 'WB-P' });
  const row = panel.getByTestId('proxy-box-WB-P');
  await row.getByText('connected', { exact: true }).waitFor({ timeout: 20_000 });
  await panel.getByTestId('proxy-count').getByText('Boxes relayed: 1').waitFor();
  await tabTo(page, 'proxy-show-WB-P');
  await page.keyboard.press('Enter');

  // The trace says who sent each frame, in words.
  const session = panel.getByTestId('proxy-session');
  const boot = session.locator('tr[data-action="BootNotification"]');
  await boot.and(page.locator('[data-side="box"]')).getByText('box → CSMS').waitFor({ timeout: 20_000 });
  await session.locator('tr[data-side="csms"]').first().getByText('CSMS → box').waitFor();

  // A read-only call of the tool's own: answered by the box, marked as the tool's in the trace.
  await tabTo(page, 'proxy-call-send');
  await page.keyboard.press('Enter');
  const answer = session.getByTestId('proxy-answer');
  await answer.getByText('The box answered GetConfiguration:').waitFor({ timeout: 30_000 });
  assert.match((await answer.locator('pre').textContent()) ?? '', /"configurationKey"/);
  await session
    .locator('tr[data-side="tool"][data-action="GetConfiguration"]')
    .getByText('tool → box')
    .waitFor();

  // Support bundle of everything: a zip (PK\x03\x04), and the page says so.
  const bundle = await downloadBy(page, 'bundle-all', 'Enter');
  assert.match(bundle.suggestedFilename(), /\.zip$/);
  assert.deepEqual([...(await savedBytes(bundle)).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  await page
    .getByTestId('bundle-status')
    .getByText(/^Saved .*\.zip \(\d+ files, secrets masked\)\.$/)
    .waitFor();

  // The bundle of the box chosen on the page: a zip as well.
  const boxBundle = await downloadBy(page, 'bundle-box', 'Enter');
  assert.match(boxBundle.suggestedFilename(), /WB-A.*\.zip$/);
  assert.deepEqual([...(await savedBytes(boxBundle)).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);

  // The site report as PDF from the site's page.
  await page.goto(`${server.url}#/sites/Garage`);
  const report = await downloadBy(page, 'site-report-pdf', 'Enter');
  assert.match(report.suggestedFilename(), /\.pdf$/);
  assert.equal((await savedBytes(report)).subarray(0, 5).toString('latin1'), '%PDF-');
  await page
    .getByTestId('site-report-status')
    .getByText(/^Saved .*\.pdf \(boxes: 1\)\.$/)
    .waitFor();

  await page.goto(`${server.url}#/diagnose`);
  await tabTo(page, 'proxy-stop');
  await page.keyboard.press('Enter');
  await page.getByTestId('proxy-start').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('Diagnose: a box compared with another box and with a template, differences in words, exported as CSV', async (t) => {
  const { core, server, browser } = await setup(t);
  await callOk(core, 'config.set', {
    identity: 'WB-B',
    changes: [{ key: 'MeterValueSampleInterval', value: '42' }],
  });
  for (const identity of ['WB-A', 'WB-B']) await callOk(core, 'config.read', { identity });
  await callOk(core, 'templates.save', {
    template: {
      name: 'Garage default',
      csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
      meterValues: { sampleIntervalS: 42 },
      settings: { NoSuchKey: '1' },
    },
  });
  const page = await openPage(browser, `${server.url}#/diagnose`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();

  // WB-A (chosen first) against WB-B (offered first): one key only on WB-A; the interval and each box's
  // own identity key with another value.
  const compare = page.getByTestId('config-compare');
  await compare
    .getByTestId('diff-summary')
    .getByText('Only on WB-A: 1. Only on WB-B: 0. Different values: 2.')
    .waitFor();
  const onlyA = compare.locator('tr[data-key="SecurityProfile"]');
  await onlyA.getByText('only on WB-A', { exact: true }).waitFor();
  const interval = compare.locator('tr[data-key="MeterValueSampleInterval"]');
  await interval.getByText('different value', { exact: true }).waitFor();
  assert.deepEqual(await interval.locator('td').allTextContents(), [
    'MeterValueSampleInterval',
    'different value',
    '60',
    '42',
  ]);
  assert.equal(
    await compare.locator('tr[data-key="AuthorizationKey"]').count(),
    0,
    'write-only keys are not compared',
  );

  const [csv] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    (async () => {
      await tabTo(page, 'diff-export');
      await page.keyboard.press('Enter');
    })(),
  ]);
  const text = (await savedBytes(csv)).toString('utf8');
  assert.match(text, /^Setting,Difference,WB-A,WB-B\r\n/);
  assert.match(text, /MeterValueSampleInterval,different value,60,42\r\n/);

  // Against the template: the interval the box lacks of it, and a key the box does not have.
  await compare.getByLabel('Compare with').focus();
  await compare.getByLabel('Compare with').selectOption({ label: 'Template Garage default' });
  await compare
    .locator('tr[data-key="NoSuchKey"]')
    .getByText('missing on the box (the template sets it)')
    .waitFor();
  await compare.locator('tr[data-key="MeterValueSampleInterval"]').getByText('different value').waitFor();
  assert.equal(await compare.locator('tbody tr').count(), 2);
  assert.deepEqual(pageErrors(page), []);
});
