// A fleet id that names no fleet (a stale address, a typo in `wbc report --fleet`): each fleet method
// refuses it as NOT_FOUND in words a technician reads, in English and German, naming the fleet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callOk, callRaw, testCore } from '../support/core.ts';

const fleetId = '00000000-0000-4000-8000-000000000000';

test('an unknown fleet is NOT_FOUND with the fleet named, for its plan, its result and its report', async (t) => {
  const core = testCore(t);
  for (const [method, params] of [
    ['commissioning.fleetPlan', { fleetId }],
    ['commissioning.fleetResult', { fleetId }],
    ['report.fleet', { fleetId, format: 'html' }],
  ] as const) {
    const reply = await callRaw(core, method, params);
    assert.equal(!reply.ok && reply.error.code, 'NOT_FOUND', method);
    assert.equal(!reply.ok && reply.error.message, `The fleet ${fleetId} does not exist (any more).`, method);
  }
  await callOk(core, 'settings.set', { language: 'de' });
  const german = await callRaw(core, 'commissioning.fleetResult', { fleetId });
  assert.match(!german.ok ? german.error.message : '', new RegExp(`Flotte ${fleetId}`));
});
