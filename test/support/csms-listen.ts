// `wbc csms listen --json` (or `wbc serve`) running as its own process on a test's data folder (loopback), and
// the JSON lines it printed: the face other `wbc` commands reach over the folder's local channel.
import assert from 'node:assert/strict';
import { type RunningCli, wbcRunning } from './cli.ts';
import { freePort } from './free-port.ts';
import { until } from './until.ts';

export interface ListenEvent {
  event: string;
  port?: number;
  box?: { identity: string; state: string; admitted: boolean; boot: unknown };
}

/** The JSON lines the listener printed so far. */
export function listenEvents(cli: RunningCli): ListenEvent[] {
  return cli
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ListenEvent);
}

/** Starts `wbc csms listen` on dir (on port, or a free one) and waits until it listens; csms listen takes
 *  1..65535, not 0. */
export async function listening(
  t: { after(fn: () => void): void },
  dir: string,
  port?: number,
): Promise<{ cli: RunningCli; port: number }> {
  const cli = wbcRunning(t, [
    'csms',
    'listen',
    '--host',
    '127.0.0.1',
    '--port',
    String(port ?? (await freePort())),
    '--json',
    '--data-dir',
    dir,
  ]);
  await until(() => listenEvents(cli).some((e) => e.event === 'listening'), 20_000);
  const bound = listenEvents(cli).find((e) => e.event === 'listening')?.port;
  assert.ok(bound);
  return { cli, port: bound };
}

/** Starts `wbc serve --json` on dir (the browser shell's core, no CSMS running) and waits until it serves. */
export async function serving(t: { after(fn: () => void): void }, dir: string): Promise<RunningCli> {
  const serve = wbcRunning(t, ['serve', '--json', '--data-dir', dir]);
  await until(() => serve.stdout().includes('}'), 20_000);
  return serve;
}
