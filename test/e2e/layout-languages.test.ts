// Every page at the two laptop sizes technicians carry (1024 x 700, 1366 x 768), in English and German:
// no sideways scrolling, and no raw OCPP enum value or English fallback reaching a German reader.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { href as addressOf } from '../../renderer/routing/address.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const shot = (name: string) => fileURLToPath(new URL(`../../.test-results/${name}.png`, import.meta.url));
const sizes = [
  { width: 1024, height: 700 },
  { width: 1366, height: 768 },
];

/** OCPP enum values a user must never read untranslated in German (box data in frames is exempt). */
const ocppEnums = [
  'Accepted',
  'Rejected',
  'RebootRequired',
  'NotSupported',
  'UnknownComponent',
  'UnknownVariable',
  'Preparing',
  'Charging',
  'SuspendedEV',
  'SuspendedEVSE',
  'Finishing',
  'Faulted',
  'Occupied',
  'Unavailable',
  'ConcurrentTx',
  'NotImplemented',
];

/** The elements wider than the window, named so a failure says where to look; and boxes that scroll
 *  sideways inside the page (a table cut off at the right), except the trace and raw JSON, whose
 *  frames are wider than any window by nature. */
const overflowScript = `(() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) {
    const inner = [];
    for (const el of document.querySelectorAll('main *')) {
      const style = getComputedStyle(el);
      if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
      if (el.closest('[data-scroll-ok]') || el.querySelector('[data-testid="trace-table"], pre')) continue;
      const id = el.getAttribute('data-testid') || el.className || '';
      inner.push('inside ' + el.tagName.toLowerCase() + '[' + id + '] ' + el.scrollWidth + '/' + el.clientWidth + ' px: ' + (el.textContent || '').trim().slice(0, 40));
    }
    return inner;
  }
  const limit = root.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 1) continue;
    if ([...el.children].some((c) => c.getBoundingClientRect().right > limit + 1)) continue;
    const id = el.getAttribute('data-testid') || el.id || el.className || '';
    wide.push(el.tagName.toLowerCase() + (id ? '[' + id + ']' : '') + ' right=' + Math.round(box.right) + ': ' + (el.textContent || '').trim().slice(0, 40));
    if (wide.length >= 6) break;
  }
  return wide.length ? wide : ['page ' + root.scrollWidth + ' px wide in a ' + limit + ' px window'];
})()`;

/** The text a user reads, without what the box itself sent (frames, raw configuration values). */
const readableTextScript = `(() => {
  const clone = document.body.cloneNode(true);
  for (const el of clone.querySelectorAll('pre, code, [data-raw], [data-testid="trace-table"], script, style')) el.remove();
  return clone.innerText;
})()`;

async function populated(t: TestContext): Promise<Core> {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-TIEFGARAGE-NORD-0001',
    vendor: 'Elektrotechnik Süd',
    model: 'Ladestation Doppelanschluss 22',
  });
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-0201' });
  await callOk(core, 'sites.create', { name: 'Tiefgarage Verwaltungsgebäude Nord' });
  const group = await callOk(core, 'groups.create', { name: 'Hausmeisterdienst und Fuhrparkverwaltung' });
  const insert = core.store.db.prepare(
    "INSERT INTO cards (uid, source, group_id, label, created_at, updated_at) VALUES (?, 'typed', ?, ?, 'x', 'x')",
  );
  for (let i = 0; i < 12; i++) {
    insert.run(
      Buffer.from(`04A1B2C3D4E5${String(i).padStart(2, '0')}`, 'hex'),
      group.id,
      `Dienstwagen Nummer ${i}`,
    );
  }
  await callOk(core, 'templates.save', {
    template: {
      name: 'Tiefgarage',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 2,
    },
  });
  // One run finished (left, not confirmed: the bare CSMS is not a connector) and one waiting for approval.
  const done = await callOk(core, 'commissioning.start', {
    identity: 'WB-0201',
    template: {
      name: 'Tiefgarage',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 2,
    },
    approval: 'auto',
  });
  await core.commissioning.settled(done.id);
  const waiting = await callOk(core, 'commissioning.start', {
    identity: 'WB-TIEFGARAGE-NORD-0001',
    template: {
      name: 'Tiefgarage',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 2,
    },
  });
  await core.commissioning.settled(waiting.id);
  return core;
}

/** Every page the navigation offers, read from the page itself so new pages are checked too. */
async function navPages(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('nav a[data-testid^="nav-"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  assert.ok(hrefs.length >= 5, `navigation lists ${hrefs.length} pages`);
  return hrefs;
}

async function checkEveryPage(t: TestContext, core: Core, label: string, extra: string[] = []) {
  const { server } = await testShell(t, { staticDir: built, core });
  const browser = await launchBrowser(t);
  const problems: string[] = [];
  for (const language of ['en', 'de'] as const) {
    await callOk(core, 'settings.set', { language });
    for (const size of sizes) {
      const page = await openPage(browser, server.url);
      await page.setViewportSize(size);
      await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
      await page.locator(`html[lang="${language}"]`).waitFor();
      for (const href of [...(await navPages(page)), ...extra]) {
        await page.evaluate(`window.location.hash = ${JSON.stringify(href)}`);
        await page.getByTestId('page-title').waitFor();
        // Let lists that load after the page settle before measuring.
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(300);
        const where = `${label} ${language} ${size.width}px ${href}`;
        if (size.width === 1024) {
          await page.screenshot({
            path: shot(`layout-${label}-${language}-${href.replace(/\W/g, '')}`),
            fullPage: true,
          });
        }
        const wide = (await page.evaluate(overflowScript)) as string[];
        if (wide.length > 0) problems.push(`${where}: scrolls sideways: ${wide.join(' | ')}`);
        if (language === 'de') {
          const text = (await page.evaluate(readableTextScript)) as string;
          for (const word of ocppEnums) {
            if (new RegExp(`\\b${word}\\b`).test(text)) problems.push(`${where}: raw OCPP value "${word}"`);
          }
        }
      }
      assert.deepEqual(pageErrors(page), [], `${label} ${language} ${size.width}px`);
      await page.context().close();
    }
  }
  assert.deepEqual(problems, []);
}

test('an empty app: every page fits 1024 and 1366 px in English and German', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const { core } = await coreWithCsms(t);
  await checkEveryPage(t, core, 'empty');
});

test('a working day: boxes, long German names, cards, a finished run and one waiting, at both sizes', async (t) => {
  const core = await populated(t);
  // Beyond the navigation: a box's page, a run and its report, a site's page, a run on the Commission page.
  const runs = await callOk(core, 'commissioning.list', {});
  const extra = [
    addressOf('boxes', 'WB-TIEFGARAGE-NORD-0001'),
    addressOf('sites', 'Tiefgarage Verwaltungsgebäude Nord'),
    ...runs.flatMap((run) => [
      addressOf('boxes', run.identity, 'runs', String(run.id)),
      addressOf('boxes', run.identity, 'runs', String(run.id), 'report'),
      addressOf('commission', 'runs', String(run.id)),
    ]),
  ];
  assert.ok(runs.length >= 2, `${runs.length} runs`);
  await checkEveryPage(t, core, 'populated', extra);
});
