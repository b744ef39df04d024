// The Connect page as the browser tests open it: a template saved in the core, the browser shell on it and
// Debian's Chromium at #/connect, connected and showing the form.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { launchBrowser, openPage } from '../support/browser.ts';
import { callOk } from '../support/core.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

/** Saves the template "Garage" (to the example CSMS, with maxCurrentA when given) and opens the page. */
export async function openConnect(t: TestContext, core: Core, maxCurrentA?: number): Promise<Page> {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  await callOk(core, 'templates.save', {
    template: {
      name: 'Garage',
      csms: { url: 'ws://csms.example.com/ocpp', securityProfile: 0 },
      ...(maxCurrentA === undefined ? {} : { maxCurrentA }),
    },
  });
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/connect`);
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('connect-form').waitFor();
  return page;
}
