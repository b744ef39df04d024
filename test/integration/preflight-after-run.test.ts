// Pre-flight by itself after a commissioning run that reached the reset: simulated boxes over a real
// WebSocket, a company CSMS on loopback (and a closed port for one that is not there), the report as a user opens it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../main/commissioning/types.ts';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { callOk } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';

/** The run as the runner ended it, before anything ran after it. */
function firstEnd(core: Core, id: number): Promise<RunSummary> {
  return new Promise((resolve) => {
    const listener = (r: RunSummary) => {
      if (r.id !== id || !['confirmed', 'left-not-confirmed', 'failed'].includes(r.status)) return;
      core.commissioning.off('run', listener);
      resolve(r);
    };
    core.commissioning.on('run', listener);
  });
}

test('after a run that reached the reset the checks run by themselves: stored in the run and its report, the outcome unchanged', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PA-OK' });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'PA-OK',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 1 },
    approval: 'auto',
  });
  const ended = firstEnd(core, started.id);
  const run = await core.commissioning.settled(started.id);
  const before = await ended;
  assert.equal(run.status, before.status, 'the checks do not change the outcome');
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.deepEqual(run.error, before.error);
  const lines = run.state.preflight ?? [];
  const line = (check: string) => lines.find((l) => l.check === check);
  assert.equal(line('CSMS address')?.status, 'ok', JSON.stringify(lines));
  assert.match(line('CSMS address')?.detail ?? '', new RegExp(`${company.url('/ocpp')}/PA-OK`));
  assert.equal(line('Connection (TCP)')?.status, 'ok');
  // The box has left for the company CSMS: what only the box can say is not claimed, and said once.
  const unseen = lines.filter((l) => /Not checked/.test(l.detail));
  assert.equal(unseen.length, 1, JSON.stringify(lines));
  assert.match(unseen[0]?.check ?? '', /Box clock.*Heartbeat interval/);
  assert.equal(unseen[0]?.status, 'warn');
  assert.match(unseen[0]?.detail ?? '', /the box was not connected to this tool after its reset/);

  const file = await callOk(core, 'report.run', { runId: run.id, format: 'html', language: 'en' });
  const html = Buffer.from(file.base64, 'base64').toString('utf8');
  assert.ok(html.includes('Connection (TCP)'), 'the report lists the checks that ran after the run');
  // Printed in German, the same findings are said in German (the run keeps their words, not only the text).
  const de = await callOk(core, 'report.run', { runId: run.id, format: 'html', language: 'de' });
  const german = Buffer.from(de.base64, 'base64').toString('utf8');
  assert.ok(german.includes('Verbindung (TCP)'), german);
  assert.ok(
    german.includes('Nicht geprüft: Die Box war nach ihrem Neustart nicht mit diesem Tool verbunden'),
  );
  assert.ok(!german.includes('Not checked'), 'no English left in the German report');
});

test('a company CSMS that refuses connections: the failed check carries its remedy, in German too, and the run says what it said', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await callOk(core, 'settings.set', { language: 'de' });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PA-CLOSED' });
  const closed = await freePort();
  const started = await callOk(core, 'commissioning.start', {
    identity: 'PA-CLOSED',
    template: {
      name: 'Depot',
      csms: { url: `ws://127.0.0.1:${closed}/ocpp`, securityProfile: 1 },
      verifyWindowS: 1,
    },
    approval: 'auto',
  });
  const ended = firstEnd(core, started.id);
  const run = await core.commissioning.settled(started.id);
  const before = await ended;
  assert.equal(run.status, before.status);
  assert.deepEqual(run.error, before.error);
  const tcp = (run.state.preflight ?? []).find((l) => l.check === 'Verbindung (TCP)');
  assert.equal(tcp?.status, 'fail', JSON.stringify(run.state.preflight));
  assert.match(tcp?.detail ?? '', new RegExp(`hat die Verbindung auf Port ${closed} abgelehnt`));
  assert.match(tcp?.detail ?? '', /Prüfen Sie den Port in der Adresse/);
});

test('a run that failed before its reset gets no pre-flight findings of its own', async (t) => {
  const company = await BareCsms.start(t);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'PA-EARLY',
    misbehave: { rejectKeys: ['Cst_BackendUrl'] },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'PA-EARLY',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 1,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed');
  assert.equal(run.state.reset, null);
  assert.equal(run.state.preflight, undefined);
});
