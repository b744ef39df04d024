// Accessibility check shared by the browser tests: every form control in a section has a name a screen
// reader says (a label, aria-label, aria-labelledby or, for buttons, its text).
import type { Page } from 'playwright-core';

/** The controls inside the element with this test id that have no accessible name (empty when all do). */
export async function unlabelled(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluate((root) =>
    Array.from(root.querySelectorAll('input, select, textarea, button'))
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const text = el.tagName === 'BUTTON' ? (el.textContent ?? '').trim() : '';
        return (
          !labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !text
        );
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}
