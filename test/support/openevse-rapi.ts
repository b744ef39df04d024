// An OpenEVSE controller (main/simulator/openevse-rapi.ts) on the device end of a socat pty pair, and the
// RAPI driver on the other end, as a USB-serial cable between laptop and box would join them.
import type { TestContext } from 'node:test';
import type { RapiClientOptions } from '../../main/drivers/openevse/rapi-client.ts';
import { OpenEvseRapiDriver } from '../../main/drivers/openevse/rapi-driver.ts';
import { type RapiSimOptions, RapiSimulator } from '../../main/simulator/openevse-rapi.ts';
import { type PtyPair, ptyPair } from './pty-pair.ts';

export interface RapiBench {
  pair: PtyPair;
  sim: RapiSimulator;
  driver: OpenEvseRapiDriver;
}

export async function rapiOnPty(
  t: TestContext,
  sim: RapiSimOptions = {},
  client: RapiClientOptions = {},
): Promise<RapiBench> {
  const pair = await ptyPair(t);
  const driver = await OpenEvseRapiDriver.open(pair.a, { timeoutMs: 300, retries: 2, ...client });
  t.after(() => driver.close());
  const simulator = new RapiSimulator(sim);
  await simulator.open(pair.b);
  t.after(() => simulator.close());
  return { pair, sim: simulator, driver };
}
