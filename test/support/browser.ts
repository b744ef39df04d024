// Debian's Chromium, headless, driven by playwright-core, for tests of the UI through the browser
// shell. The flags keep Chromium off the network: it may only talk to the loopback server under test.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.WBC_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(t: TestContext): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: run scripts/ensure-test-deps.sh (apt-get install chromium)`,
    );
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
  t.after(() => browser.close());
  return browser;
}

export async function openPage(browser: Browser, url: string, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/WebSocket|Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(url);
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Presses Tab until the element with this test id has the focus: proof it is reachable by keyboard.
 *  The target must be on the page (and enabled) first: a panel still loading has no Tab stop yet.
 *  The focus is read from document.activeElement, not a ':focus' locator: inside a closed shadow root
 *  (the calendar button of Chromium's date input) or with the focus on BODY, that locator finds nothing
 *  and waits out its whole timeout, while activeElement still names the host element (or BODY). */
export async function tabTo(page: Page, testId: string, max = 80): Promise<void> {
  await page.locator(`[data-testid="${testId}"]:not([disabled])`).waitFor();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    // A string expression: this file is compiled without the DOM types (it runs in Node).
    const focused = await page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null");
    if (focused === testId) return;
  }
  throw new Error(`${testId} not reached with ${max} presses of Tab`);
}
