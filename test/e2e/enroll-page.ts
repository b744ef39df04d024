// The Cards page as the enrollment tests drive it, by keyboard: a group added, picked, the batch
// started; shared by the wedge/serial test and the PC/SC test so both work the page the same way.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Core } from '../../main/core.ts';
import { tabTo } from '../support/browser.ts';
import { callOk } from '../support/core.ts';

export async function connected(page: Page) {
  await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
}

export const rows = (page: Page) => page.getByTestId('batch-table').getByTestId('batch-row');
/** Creates a group through the page's one-field form, by keyboard. */
export async function addGroup(page: Page, name: string) {
  await page.getByTestId('add-group').getByLabel('Group name').focus();
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await page.getByTestId('groups-table').getByText(name, { exact: true }).waitFor();
}

/** Picks the group in the enrollment form by keyboard (arrow keys on the select). */
export async function pickGroup(page: Page, core: Core, name: string) {
  const group = (await callOk(core, 'groups.list', {})).find((g) => g.name === name);
  assert.ok(group);
  await tabFromTop(page, 'enroll-group');
  for (let i = 0; i < 5 && (await page.getByTestId('enroll-group').inputValue()) !== String(group.id); i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.getByTestId('enroll-group').inputValue(), String(group.id));
  return group;
}

/** Tab from the page's heading on (where Alt+2 lands): tabTo only goes forward, never round the end. */
export async function tabFromTop(page: Page, testId: string) {
  await page.getByTestId('page-title').focus();
  await tabTo(page, testId);
}

/**
 * Like tabTo, for targets behind the validity date field: Chromium gives the date input's calendar button
 * a Tab stop inside its closed shadow root, where tabTo's ':focus' locator waits out its whole timeout.
 * document.activeElement still names the input there.
 */
export async function tabPastDate(page: Page, testId: string, max = 60) {
  await page.locator(`[data-testid="${testId}"]:not([disabled])`).waitFor();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
  }
  throw new Error(`${testId} not reached with ${max} presses of Tab`);
}

export async function startByKeyboard(page: Page) {
  await page.getByTestId('page-title').focus();
  await tabPastDate(page, 'enroll-start');
  await page.keyboard.press('Enter');
  await page.getByTestId('enroll-session').waitFor();
  // The focus moves off every field and button, so a reader's typing lands nowhere but the detector.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'session-heading');
}
