// Pre-flight checks against real peers on loopback: simulated boxes over a real WebSocket (one with its clock
// hours off), a real HTTPS server with test certificates (valid, expired), a closed port, an unresolvable name.
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { test } from 'node:test';
import { savePushedList } from '../../main/commissioning/cards-for-box.ts';
import { runPreflight } from '../../main/diagnostics/preflight.ts';
import type { PreflightReport } from '../../main/diagnostics/preflight-types.ts';
import { createSimStation } from '../../main/simulator/station.ts';
import { wbc } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { testCa } from '../support/tls-certs.ts';

const DAY = 86_400_000;
const of = (report: PreflightReport, check: string) => {
  const found = report.results.find((r) => r.check === check);
  assert.ok(found, `${check} was checked: ${JSON.stringify(report.results)}`);
  return found;
};

async function httpsServer(t: import('node:test').TestContext, cert: { cert: string; key: string }) {
  const server = createServer(cert, (_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

test('a healthy box next to ones whose clock is hours off: the clock check fails, and a whole number of hours off is named as a wrong time zone, in German too', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PF-GOOD', heartbeatIntervalS: 300 });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PF-LATE', clockOffsetS: 3 * 3600 });
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'PF-201', clockOffsetS: -2 * 3600 });
  // Off by 3 h 10 min: a clock that drifted or was set by hand, not a time zone.
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'PF-DRIFT',
    clockOffsetS: 3 * 3600 + 600,
  });
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };

  const good = await runPreflight(deps, { identity: 'PF-GOOD', url, language: 'en', timeoutMs: 10_000 });
  for (const check of ['url', 'dns', 'tcp', 'clock', 'connectors', 'localList', 'heartbeat'])
    assert.equal(of(good, check).status, 'ok', JSON.stringify(of(good, check)));
  assert.equal(of(good, 'url').params.dialed, `${url}/PF-GOOD`, 'the identity is appended once');
  assert.ok(!good.results.some((r) => r.check === 'tls'), 'no TLS check claimed for ws://');

  const late = await runPreflight(deps, { identity: 'PF-LATE', url, language: 'en', timeoutMs: 10_000 });
  const clock = of(late, 'clock');
  assert.equal(clock.status, 'fail');
  assert.equal(clock.outcome, 'aheadHours');
  assert.match(
    clock.detail,
    /180 min .*about 3 h, so its time zone is probably set wrong \(the box must send UTC\)/,
  );
  assert.match(clock.remedy ?? '', /time zone to UTC.*NTP/);

  const v201 = await runPreflight(deps, { identity: 'PF-201', url, language: 'de', timeoutMs: 10_000 });
  const behind = of(v201, 'clock');
  assert.equal(behind.status, 'fail');
  assert.equal(behind.outcome, 'behindHours');
  assert.match(
    behind.detail,
    /120 min .* nach: etwa 2 h, die Zeitzone der Box ist also wahrscheinlich falsch/,
  );
  assert.match(behind.detail, /die Box muss UTC senden/);
  assert.match(behind.remedy ?? '', /Stellen Sie die Zeitzone der Box auf UTC/);

  const drift = await runPreflight(deps, { identity: 'PF-DRIFT', url, language: 'en', timeoutMs: 10_000 });
  const drifted = of(drift, 'clock');
  assert.equal(drifted.status, 'fail');
  assert.equal(drifted.outcome, 'ahead');
  assert.match(drifted.detail, /190 min/);
  assert.doesNotMatch(`${drifted.detail} ${drifted.remedy}`, /time zone is probably|UTC/);
});

test('a 2.0.1 box answered Pending at boot reports no connectors by itself: the pre-flight asks for them once and shows them; a box that will not report them is "not reported"', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'PF-PEND', connectors: 2 });
  await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'PF-MUTE',
    misbehave: { noStatusWhilePending: true },
  });
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  for (const identity of ['PF-PEND', 'PF-MUTE']) {
    assert.equal(core.ocpp.csms.registration(identity), 'Pending', 'the tool answers a box Pending at boot');
    assert.deepEqual(
      core.ocpp.csms.box(identity)?.connectors,
      {},
      'a Pending 2.0.1 box sends no StatusNotification by itself',
    );
  }

  const pending = await runPreflight(deps, { identity: 'PF-PEND', url, language: 'en', timeoutMs: 10_000 });
  const shown = of(pending, 'connectors');
  assert.equal(shown.status, 'ok', JSON.stringify(shown));
  assert.equal(shown.detail, 'Connectors: 1/1: Available, 2/1: Available.');

  const mute = await runPreflight(deps, { identity: 'PF-MUTE', url, language: 'en', timeoutMs: 10_000 });
  const missing = of(mute, 'connectors');
  assert.equal(missing.status, 'warn');
  assert.equal(missing.outcome, 'notReported');
  assert.match(missing.detail, /did not report its connectors, not even when asked .*not reported/);
  const german = await runPreflight(deps, { identity: 'PF-MUTE', url, language: 'de', timeoutMs: 10_000 });
  assert.match(of(german, 'connectors').detail, /auch nicht auf Anfrage.*nicht gemeldet/);
  const asked = core.ocpp.trace
    .list({ identity: 'PF-MUTE', limit: 1000 })
    .filter((f) => f.action === 'TriggerMessage' && f.direction === 'out' && f.kind === 'call');
  assert.equal(asked.length, 2, 'asked once per pre-flight run');
});

test('TLS as the laptop sees it: a trusted certificate passes, an expired one and an unknown CA fail', async (t) => {
  const core = testCore(t);
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  const ca = await testCa();
  const valid = await httpsServer(
    t,
    await ca.issue('127.0.0.1', {
      from: new Date(Date.now() - DAY),
      until: new Date(Date.now() + 200 * DAY),
    }),
  );
  const expired = await httpsServer(
    t,
    await ca.issue('127.0.0.1', { from: new Date(Date.now() - 60 * DAY), until: new Date(Date.now() - DAY) }),
  );
  const run = (port: number, trusted: string[]) =>
    runPreflight(deps, {
      identity: 'PF-TLS',
      url: `wss://127.0.0.1:${port}/ocpp`,
      language: 'en',
      timeoutMs: 10_000,
      trusted,
    });

  const ok = of(await run(valid, [ca.cert]), 'tls');
  assert.equal(ok.status, 'ok', JSON.stringify(ok));

  const old = of(await run(expired, [ca.cert]), 'tls');
  assert.equal(old.status, 'fail');
  assert.equal(old.outcome, 'expired');
  assert.match(old.remedy ?? '', /renew/);

  const stranger = of(await run(valid, []), 'tls');
  assert.equal(stranger.status, 'fail');
  assert.equal(stranger.outcome, 'untrusted');
  assert.match(stranger.remedy ?? '', /root certificate/);

  const report = await run(valid, [ca.cert]);
  const box = of(report, 'clock');
  assert.equal(box.status, 'warn', 'a box the tool never saw is not claimed checked');
  assert.equal(box.outcome, 'notSeen');
});

test('names and ports: localhost resolves, an unresolvable name and a closed port fail with their remedy', async (t) => {
  const core = testCore(t);
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  const closed = await freePort();

  const local = await runPreflight(deps, {
    identity: 'PF-NET',
    url: `ws://localhost:${closed}/ocpp`,
    language: 'en',
    timeoutMs: 10_000,
  });
  assert.equal(of(local, 'dns').status, 'ok');
  const tcp = of(local, 'tcp');
  assert.equal(tcp.status, 'fail');
  assert.equal(tcp.outcome, 'refused');
  assert.match(tcp.remedy ?? '', /port/);

  const nowhere = await runPreflight(deps, {
    identity: 'PF-NET',
    url: 'ws://no-such-host.invalid/ocpp',
    language: 'en',
    timeoutMs: 10_000,
  });
  const dns = of(nowhere, 'dns');
  assert.equal(dns.status, 'fail');
  assert.match(dns.remedy ?? '', /DNS server/);
  assert.ok(
    !nowhere.results.some((r) => r.check === 'tcp'),
    'no connection claimed to a name that did not resolve',
  );

  const twice = await runPreflight(deps, {
    identity: 'PF-NET',
    url: `ws://127.0.0.1:${closed}/ocpp/PF-NET`,
    language: 'en',
    timeoutMs: 10_000,
  });
  const url = of(twice, 'url');
  assert.equal(url.status, 'fail');
  assert.equal(url.outcome, 'identityTwice');
  assert.equal(url.params.dialed, `ws://127.0.0.1:${closed}/ocpp/PF-NET/PF-NET`);
});

test('profile 2 with a ws:// address fails; the results are stored with the run and printed in its report', async (t) => {
  const core = testCore(t);
  const port = await freePort();
  const template = {
    name: 'Secure',
    csms: { url: `wss://127.0.0.1:${port}/ocpp`, securityProfile: 2 },
    groups: [],
    settings: {},
  };
  const run = core.commissioning.runs.create('test', 'PF-SEC', template, 'manual', null);

  const report = await callOk(core, 'preflight.run', {
    identity: 'PF-SEC',
    url: `ws://127.0.0.1:${port}/ocpp`,
    language: 'en',
  });
  const profile = of(report, 'profile');
  assert.equal(profile.status, 'fail');
  assert.equal(profile.outcome, 'needsWss');
  assert.match(profile.remedy ?? '', /wss:\/\//);
  assert.equal(report.runId, run.id);

  const stored = core.commissioning.runs.get(run.id).state.preflight;
  assert.ok(stored);
  assert.deepEqual(
    stored.map((p) => [p.check, p.status]),
    report.results.map((r) => [r.name, r.status]),
  );
  const file = await callOk(core, 'report.run', { runId: run.id, format: 'html', language: 'en' });
  const html = Buffer.from(file.base64, 'base64').toString('utf8');
  assert.ok(html.includes('Security profile'), 'the report lists the pre-flight checks');
  assert.ok(html.includes('needs wss://'), 'with what each saw');
  assert.ok(html.includes('Warning'), 'a check that only warns is not reported as failed');
});

test('wbc preflight prints each check with its remedy and exits non-zero on a fail', async (t) => {
  const dir = tempDir(t);
  const result = await wbc([
    'preflight',
    '--identity',
    'PF-CLI',
    '--url',
    'ws://no-such-host.invalid/ocpp',
    '--data-dir',
    dir,
  ]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stdout,
    /\[OK\] CSMS address: The box will dial ws:\/\/no-such-host\.invalid\/ocpp\/PF-CLI\./,
  );
  assert.match(result.stdout, /\[Failed\] Name lookup \(DNS\): no-such-host\.invalid does not resolve/);
  assert.match(result.stdout, /-> Check the spelling of the host name/);

  const missing = await wbc(['preflight', '--identity', 'PF-CLI', '--data-dir', dir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr + missing.stdout, /No company CSMS address to check for PF-CLI/);
});

test('an address carrying a password or a token is refused or warned about without repeating the secret', async (t) => {
  const core = testCore(t);
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  const port = await freePort();
  const cases: Array<[string, string, string]> = [
    [`wss://PF-SECRET:s3cret-pw@127.0.0.1:${port}/ocpp`, 'fail', 'user'],
    [`https://PF-SECRET:s3cret-pw@127.0.0.1:${port}/ocpp`, 'fail', 'scheme'],
    [`ws://127.0.0.1:${port}/ocpp?token=s3cret-pw`, 'warn', 'query'],
    ['ws//PF-SECRET:s3cret-pw@127.0.0.1/ocpp', 'fail', 'invalid'],
  ];
  for (const [url, status, outcome] of cases) {
    const report = await runPreflight(deps, {
      identity: 'PF-SECRET',
      url,
      language: 'en',
      timeoutMs: 10_000,
    });
    const found = of(report, 'url');
    assert.deepEqual([found.status, found.outcome], [status, outcome], url);
    assert.ok(!JSON.stringify(report.results).includes('s3cret-pw'), `the secret in ${url} is not repeated`);
  }
});

test('a box holding another local list than the tool pushed and a heartbeat turned off are warned about', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'PF-LIST', heartbeatIntervalS: 0 });
  savePushedList(core.store, 'PF-LIST', 7, [{ idTag: 'AABBCCDD', status: 'Accepted' }]);
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  const report = await runPreflight(deps, { identity: 'PF-LIST', url, language: 'en', timeoutMs: 10_000 });
  const list = of(report, 'localList');
  assert.deepEqual([list.status, list.outcome], ['warn', 'differs']);
  assert.deepEqual(list.params, { box: 0, tool: 7 });
  assert.match(list.remedy ?? '', /Push the cards/);
  const heartbeat = of(report, 'heartbeat');
  assert.deepEqual([heartbeat.status, heartbeat.outcome], ['warn', 'off']);
});

test('a connected 2.0.1 box that had not reported its connectors, and was never given a list: the words say what was seen, in EN and DE', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'PF-QUIET' });
  const deps = { store: core.store, ocpp: core.ocpp, runs: core.commissioning.runs };
  for (const language of ['en', 'de'] as const) {
    const report = await runPreflight(deps, { identity: 'PF-QUIET', url, language, timeoutMs: 10_000 });
    // It answered the clock and heartbeat questions: it is connected, so no line may say it is not.
    assert.equal(of(report, 'clock').status, 'ok', JSON.stringify(of(report, 'clock')));
    // Asked for them (it is Pending), it reported them: what it said is shown, not "not checked".
    const connectors = of(report, 'connectors');
    assert.equal(connectors.status, 'ok', JSON.stringify(connectors));
    assert.match(
      connectors.detail,
      language === 'en' ? /^Connectors: 1\/1: Available/ : /^Ladepunkte: 1\/1: /,
    );
    // Nothing was ever pushed to it: no line claims a push.
    const list = of(report, 'localList');
    assert.equal(list.status, 'ok');
    assert.doesNotMatch(list.detail, /pushed|übertragen/, list.detail);
  }
});

test('wbc preflight --timeout runs the local CSMS itself and waits for the box, so its clock is checked; without it, it says how to let the box answer', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const url = 'ws://127.0.0.1:1/ocpp';
  const waiting = wbc(
    ['preflight', '--identity', 'PF-WAIT', '--url', url, '--timeout', '60', '--host', '127.0.0.1'].concat([
      '--port',
      String(port),
      '--admit-all',
      '--data-dir',
      dir,
    ]),
  );
  // The box dials until the command's CSMS answers (not awaited: the command's end is what the test waits for).
  const box = createSimStation({
    ocppVersion: '1.6',
    endpoint: `ws://127.0.0.1:${port}/ocpp`,
    identity: 'PF-WAIT',
    clockOffsetS: 4 * 3600,
  });
  t.after(() => box.stop());
  void box.start();
  const result = await waiting;
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`ws://127\\.0\\.0\\.1:${port}/ocpp`),
    'the address to point the box at',
  );
  assert.match(result.stdout, /\[Failed\] Box clock: The box's clock is 240 min \(14400 s\) ahead/);
  assert.doesNotMatch(result.stdout, /wbc csms listen/);

  const alone = await wbc([
    'preflight',
    '--identity',
    'PF-WAIT',
    '--url',
    url,
    '--lang',
    'de',
    '--data-dir',
    dir,
  ]);
  assert.equal(alone.code, 1);
  assert.match(
    alone.stdout,
    /Starten Sie `wbc csms listen` in einem anderen Terminal oder ergänzen Sie --timeout 120/,
  );
});
