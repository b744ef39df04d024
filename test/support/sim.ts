// A simulated wallbox (main/simulator) pointed at a test's local CSMS over a real WebSocket, stopped
// when the test ends, plus a helper that waits until the tool sees it connected and booted.
import type { TestContext } from 'node:test';
import type { Core } from '../../main/core.ts';
import { createSimStation, type SimStation, type SimStationOptions } from '../../main/simulator/station.ts';
import { testCore } from './core.ts';

export async function coreWithCsms(
  t: TestContext,
  options: { callTimeoutMs?: number; expected?: string[] } = {},
) {
  const core = testCore(t);
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: options.expected === undefined,
    bootIntervalS: 1,
    ...options,
  });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  return { core, url };
}

/** A simulated box started against any CSMS (a core's, a `wbc` command's), stopped when the test ends. */
export async function startedSimBox(t: TestContext, options: SimStationOptions): Promise<SimStation> {
  const station = createSimStation(options);
  t.after(() => station.stop());
  await station.start();
  return station;
}

export async function simBox(
  t: TestContext,
  core: Core,
  options: Omit<SimStationOptions, 'endpoint'> & { endpoint: string },
): Promise<SimStation> {
  const station = await startedSimBox(t, options);
  await core.ocpp.csms.waitFor(options.identity, { timeoutMs: 10_000, booted: true });
  return station;
}

/** The stations row a box got at its boot (its id for stations.assignSite and groups.setStations). */
export function stationId(core: Core, identity: string): number {
  const row = core.store.db.prepare('SELECT id FROM stations WHERE identity = ?').get(identity) as
    | { id: number }
    | undefined;
  if (!row) throw new Error(`station ${identity} was not recorded at boot`);
  return row.id;
}
