// The local CSMS stopped while a run writes to its box (the user stops it, a command that started it ends)
// and started again: the run stops where it is instead of failing, and goes on when the CSMS runs again.
// Simulated box over a real WebSocket, company CSMS on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { openCore } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk, testCore } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

test('a run whose CSMS stops mid-write is not failed for it, and goes on to its end when the CSMS runs again', {
  timeout: 90_000,
}, async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  const port = core.ocpp.csms.port;
  const box = await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-PAUSED',
    misbehave: { answerDelayMs: 150 },
  });
  const seen: RunSummary[] = [];
  core.commissioning.on('run', (r: RunSummary) => seen.push(r));
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-PAUSED',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'auto',
  });
  await new Promise<void>((resolve) => {
    const check = (r: RunSummary) => {
      if (r.step !== 'write') return;
      core.commissioning.off('run', check);
      resolve();
    };
    core.commissioning.on('run', check);
  });
  await core.ocpp.stop();
  const paused = core.commissioning.runs.get(started.id);
  assert.ok(
    paused.status === 'running' || paused.status === 'waiting-for-box',
    `stopped where it was, not ended: ${paused.status} ${JSON.stringify(paused.error)}`,
  );
  assert.equal(
    seen.some((r) => r.id === started.id && r.status === 'failed'),
    false,
    'never shown failed',
  );

  await core.ocpp.start({ host: '127.0.0.1', port, admitUnexpected: true, bootIntervalS: 1 });
  const run = await new Promise<RunSummary>((resolve) => {
    const check = (r: RunSummary) => {
      if (r.id !== started.id || r.status === 'running' || r.status === 'waiting-for-box') return;
      core.commissioning.off('run', check);
      resolve(r);
    };
    core.commissioning.on('run', check);
  });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  const detail = core.commissioning.runs.get(started.id);
  await company.waitFor('the box at the company CSMS', () => company.connected('WB-PAUSED'), 20_000);
  assert.equal(
    box.secret('BasicAuthPassword'),
    core.vault.use(detail.state.passwordSecretId ?? -1, (v) => v),
  );
});

test('after a restart, the box of a run waiting for approval is let in, not held in the lobby, and the approved run goes on', {
  timeout: 90_000,
}, async (t) => {
  const company = await BareCsms.start(t);
  const dir = tempDir(t);
  const first = openCore({ dataDir: dir, defaultLanguage: 'en' });
  await first.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const port = first.ocpp.csms.port;
  const url = `ws://127.0.0.1:${port}/ocpp`;
  await simBox(t, first, { ocppVersion: '1.6', endpoint: url, identity: 'WB-ASK' });
  const started = await callOk(first, 'commissioning.start', {
    identity: 'WB-ASK',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 2 },
    approval: 'manual',
  });
  const waiting = await first.commissioning.settled(started.id);
  assert.equal(waiting.status, 'awaiting-approval');
  await first.close();

  // Started again without letting unknown boxes in: the box dials back and would wait in the lobby.
  const core = testCore(t, { dataDir: dir });
  await core.ocpp.start({ host: '127.0.0.1', port, admitUnexpected: false, bootIntervalS: 1 });
  await core.ocpp.csms.waitFor('WB-ASK', { timeoutMs: 30_000, booted: true });
  assert.equal(core.ocpp.csms.box('WB-ASK')?.admitted, true);
  await callOk(core, 'commissioning.approve', { id: started.id });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  await company.waitFor('the box at the company CSMS', () => company.connected('WB-ASK'), 20_000);
});
