// A car park commissioned at once must not look like a leak: each run listens to its own box by identity,
// not with a listener of its own on the OCPP service. Over the real wire: 13 simulated boxes, one of them
// locked out by its password, against the tool's local CSMS on loopback and a bare company CSMS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { boxPasswords } from '../../main/ocpp/box-passwords.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, testCore } from '../support/core.ts';
import { simBox } from '../support/sim.ts';

test('thirteen boxes commissioned at once raise no listener-leak warning, and each run follows its own box', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  const core = testCore(t);
  const locked = 'WB-L-13';
  // Every box gets in with the shared password (then with the one its run gives it); once the fleet runs,
  // the tool expects another one from WB-L-13 alone, so its reconnects are refused (as a box holding an
  // old password would be). The address backoff is left out: all boxes share 127.0.0.1 here.
  const passwords = boxPasswords(core.vault, 'shared-password-0001');
  let lockedOut = false;
  await core.ocpp.start({
    host: '127.0.0.1',
    port: 0,
    admitUnexpected: true,
    bootIntervalS: 1,
    password: (identity) =>
      identity === locked && lockedOut ? ['rotated-password-0002'] : passwords(identity),
    throttle: { freeFailures: 1000 },
  });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const company = await BareCsms.start(t);
  const identities = Array.from({ length: 13 }, (_, i) => `WB-L-${String(i + 1).padStart(2, '0')}`);
  await Promise.all(
    identities.map((identity) =>
      simBox(t, core, {
        ocppVersion: '1.6',
        endpoint: url,
        identity,
        password: 'shared-password-0001',
        securityProfile: 1,
        ...(identity === locked ? { misbehave: { dropAfterCalls: 2 } } : {}),
      }),
    ),
  );
  const boxListeners = core.ocpp.listenerCount('box');
  const refusedListeners = core.ocpp.listenerCount('refused');
  lockedOut = true;

  const fleet = await callOk(core, 'commissioning.fleet', {
    identities,
    template: { name: 'Car park', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  const runs = await Promise.all(fleet.runs.map((r: RunSummary) => core.commissioning.settled(r.id)));
  // A warning is emitted on the next turn: one more turn before looking.
  await new Promise((resolve) => setImmediate(resolve));

  assert.deepEqual(
    warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
    [],
  );
  assert.deepEqual(
    runs.map((r) => r.identity),
    identities,
  );
  for (const run of runs) {
    if (run.identity === locked) {
      // Its refusals, and only its own, ended its run.
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'COMMISSION_BOX_LOCKED_OUT');
      assert.equal(run.error?.params.identity, locked);
    } else {
      // Each of the others saw its own box leave after its reset, and none was locked out by another's refusals.
      assert.equal(run.status, 'left-not-confirmed', `${run.identity}: ${JSON.stringify(run.error)}`);
      assert.equal(run.state.verify?.outcome, 'left');
      assert.ok(company.lastBoot(run.identity), `${run.identity} reached the company CSMS`);
    }
  }
  // Nothing of the runs is left listening on the service.
  assert.equal(core.ocpp.listenerCount('box'), boxListeners);
  assert.equal(core.ocpp.listenerCount('refused'), refusedListeners);
});
