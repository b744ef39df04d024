// A linked pair of virtual serial ports from socat, standing in for a USB-serial reader: the reader under
// test opens one end, the test writes what the bridge would send into the other, and can "unplug" it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from './temp.ts';

export interface PtyPair {
  /** The reader's end. */
  a: string;
  /** The device's end. */
  b: string;
  /** Ends socat, as pulling the USB cable would: both ends go away. Resolves when it has exited. */
  unplug(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function ptyPair(t: TestContext, timeoutMs = 5000): Promise<PtyPair> {
  const dir = tempDir(t, 'wbc-pty-');
  return ptyPairAt(t, join(dir, 'ttyA'), join(dir, 'ttyB'), timeoutMs);
}

/** A pair at fixed link paths, so a test can unplug the "adapter" and plug it back in at the same path. */
export async function ptyPairAt(t: TestContext, a: string, b: string, timeoutMs = 5000): Promise<PtyPair> {
  const socat = spawn(
    '/usr/bin/socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  socat.stderr?.setEncoding('utf8');
  socat.stderr?.on('data', (text: string) => {
    log += text;
  });
  const unplug = async () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
    await exited(socat);
  };
  // Registered before waiting, so a pair that never comes up is still cleaned up.
  t.after(unplug);
  const started = Date.now();
  while (!(existsSync(a) && existsSync(b))) {
    if (socat.exitCode !== null) throw new Error(`socat exited with ${socat.exitCode}: ${log}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`socat made no pty pair in ${timeoutMs} ms: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { a, b, unplug };
}
