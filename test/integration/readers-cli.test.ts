// `wbc readers` as a technician reads it when the smart-card service runs but no reader is plugged in: a
// private pcscd without any reader (its own process, as every private pcscd is per test process).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { wbc } from '../support/cli.ts';
import { startPcscd } from '../support/pcscd.ts';
import { tempDir } from '../support/temp.ts';

let cleanup: (() => Promise<void>) | undefined;

before(async () => {
  await startPcscd({
    withoutReaders: true,
    cleanup: (fn) => {
      cleanup = fn;
    },
  });
});

after(async () => {
  await cleanup?.();
});

test('wbc readers with the service up and no reader says so and what to check, and blames no tool', async (t) => {
  const dir = tempDir(t);
  // No udevadm on PATH either: serial ports are listed all the same.
  const run = await wbc(['--data-dir', dir, 'readers'], { PATH: '/nonexistent' });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^No card reader found\.$/m);
  assert.match(run.stdout, /The reader services answer, but no reader is plugged in\. Check the USB cable/);
  assert.doesNotMatch(run.stdout, /not running|udevadm|Unplug the reader and plug it in again/);
});
