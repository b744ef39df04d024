// A keyboard-wedge reader typing into Chromium: real (trusted) key events sent over the DevTools protocol
// with the reader's own clock, 5 ms a key, so a loaded CI machine cannot stretch the burst into typing.
import type { Page } from 'playwright-core';

const enter = { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' };

function keyOf(char: string) {
  const upper = char.toUpperCase();
  const code = /[0-9]/.test(char) ? `Digit${char}` : /[A-Z]/i.test(char) ? `Key${upper}` : '';
  return { key: char, code, windowsVirtualKeyCode: upper.charCodeAt(0), text: char, unmodifiedText: char };
}

/** Types `uid` then Enter as one burst whose event timestamps are 5 ms apart, whatever the load. */
export async function wedgeBurst(page: Page, uid: string, gapMs = 5): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    let at = Date.now() / 1000;
    for (const key of [...[...uid].map(keyOf), enter]) {
      at += gapMs / 1000;
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', timestamp: at, ...key });
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyUp',
        timestamp: at + 0.001,
        key: key.key,
        code: key.code,
        windowsVirtualKeyCode: key.windowsVirtualKeyCode,
      });
    }
  } finally {
    await cdp.detach();
  }
}
