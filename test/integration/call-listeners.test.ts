// A run hands one abort signal to every call it makes; ocpp-rpc leaves a listener on each call's signal.
// Over the real wire (the project's simulator on loopback): many calls on one signal leave none behind.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { coreWithCsms, simBox } from '../support/sim.ts';

test('a hundred calls on one signal leave no abort listener on it, and the signal still cancels a call', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-CALLS' });
  const session = core.ocpp.csms.session('WB-CALLS');
  const run = new AbortController();
  for (let i = 0; i < 100; i++)
    await session.call('GetConfiguration', { key: ['HeartbeatInterval'] }, { signal: run.signal });
  assert.equal(getEventListeners(run.signal, 'abort').length, 0);

  // Still one signal for the run: aborting it cancels the call in flight.
  const pending = session.call('GetConfiguration', {}, { signal: run.signal, timeoutMs: 60_000 });
  run.abort();
  await assert.rejects(pending, (error: { code?: string }) => error.code === 'CANCELLED');
});
