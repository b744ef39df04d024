// `wbc backup`, `wbc diff` and `wbc swap` as a technician runs them: the real command (bin/wbc.js) on a data
// folder that knows a broken box, a simulated replacement dialling the command's CSMS over a real WebSocket.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { createSimStation, type SimStation } from '../../main/simulator/station.ts';
import { brokenBox } from '../support/broken-box.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { testCa } from '../support/tls-certs.ts';
import { until } from '../support/until.ts';

/** A data folder in which the tool knew WB-OLD (now gone) and WB-B (factory settings), and a template. */
async function knownFolder(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; password: string }> {
  const dir = tempDir(t);
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  try {
    await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
    const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
    const { password } = await brokenBox(t, core, url);
    const b = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-B' });
    await callOk(core, 'config.read', { identity: 'WB-B' });
    await b.stop();
    await callOk(core, 'templates.save', {
      template: {
        name: 'Garage',
        csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 0 },
        heartbeatIntervalS: 120,
      },
    });
    return { dir, password };
  } finally {
    await core.close();
  }
}

/** `wbc swap --from WB-OLD --to ID` on the folder's own CSMS (a free loopback port), waiting for the replacement. */
function swapCli(t: Parameters<typeof tempDir>[0], dir: string, to: string, ...extra: string[]) {
  const args = ['swap', '--from', 'WB-OLD', '--to', to, ...extra];
  return wbcWaitingForBox(t, [...args, '--host', '127.0.0.1', '--port', '0', '--data-dir', dir]);
}

/** `wbc swap --from-file FILE --to ID` on another laptop's data folder (`site`), waiting for the replacement. */
function swapFromFileCli(
  t: Parameters<typeof tempDir>[0],
  file: string,
  site: string,
  to: string,
  ...extra: string[]
) {
  const args = ['swap', '--from-file', file, '--to', to, ...extra];
  return wbcWaitingForBox(t, [...args, '--host', '127.0.0.1', '--port', '0', '--data-dir', site]);
}

function replacementAt(t: Parameters<typeof tempDir>[0], url: string, identity: string): SimStation {
  const sim = createSimStation({
    ocppVersion: '1.6',
    endpoint: url,
    identity,
    serialNumber: `SN-${identity}`,
  });
  t.after(() => sim.stop());
  void sim.start();
  return sim;
}

test('wbc backup writes the configuration as a private JSON file without the password, naming what it lacks', async (t) => {
  const { dir, password } = await knownFolder(t);
  const out = `${dir}/backup.json`;
  const run = await wbc(['backup', '--identity', 'WB-OLD', '--out', out, '--data-dir', dir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /WB-OLD is not connected: its last configuration/);
  assert.match(run.stdout, /Not in the file .*: AuthorizationKey\./);
  assert.match(run.stdout, /Cards on the box: 4, local list version 2\./);
  const text = readFileSync(out, 'utf8');
  assert.doesNotMatch(text, new RegExp(password, 'i'));
  assert.equal(statSync(out).mode & 0o077, 0, 'only the user may read the backup');
  const file = JSON.parse(text) as { settings: Array<{ key: string; value: string }> };
  assert.equal(file.settings.find((s) => s.key === 'CpoName')?.value, 'ACME Parking');
  const missing = await wbc(['backup', '--identity', 'WB-NEVER', '--out', out, '--data-dir', dir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No configuration of WB-NEVER has been read yet/);
});

test('wbc diff compares with another box and with a stored template; a wrong call is a usage error', async (t) => {
  const { dir } = await knownFolder(t);
  const boxes = await wbc(['diff', '--identity', 'WB-OLD', '--against', 'WB-B', '--data-dir', dir]);
  assert.equal(boxes.code, 0, boxes.stderr);
  assert.match(boxes.stdout, /CpoName\s+different value\s+ACME Parking \| \n/);
  assert.match(boxes.stdout, /MeterValueSampleInterval\s+different value\s+15 \| 60/);
  const template = await wbc([
    'diff',
    '--identity',
    'WB-B',
    '--template',
    'Garage',
    '--json',
    '--data-dir',
    dir,
  ]);
  assert.equal(template.code, 0, template.stderr);
  const rows = (JSON.parse(template.stdout) as { rows: Array<{ key: string; a: string; b: string }> }).rows;
  assert.deepEqual(rows, [
    { key: 'HeartbeatInterval', change: 'changed', a: '300', b: '120', writeOnly: false },
  ]);
  const wrong = await wbc(['diff', '--identity', 'WB-B', '--data-dir', dir]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Usage: wbc diff --identity A \(--against B \| --template NAME\)/);
});

test('wbc swap without --yes shows the plan and writes nothing', async (t) => {
  const { dir } = await knownFolder(t);
  const cli = await swapCli(t, dir, 'FACTORY-C');
  const sim = replacementAt(t, cli.url, 'FACTORY-C');
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.match(cli.stdout(), /FACTORY-C takes the place of WB-OLD\./);
  assert.match(cli.stdout(), /CpoName\s+ -> ACME Parking/);
  assert.match(cli.stdout(), /Cst_ChargeBoxId\s+FACTORY-C -> WB-OLD/);
  assert.match(cli.stdout(), /AuthorizationKey\s+\*\*\* -> \(its password from the vault\)/);
  assert.match(cli.stdout(), /Nothing was written/);
  assert.equal(sim.configuration().CpoName, '');
  assert.equal(sim.configuration().Cst_ChargeBoxId, 'FACTORY-C');
});

test('wbc swap --yes moves the broken box to the replacement and exits 3 (left, not confirmed)', async (t) => {
  const { dir, password } = await knownFolder(t);
  const cli = await swapCli(t, dir, 'FACTORY-D', '--yes', '--verify-window', '2');
  const sim = replacementAt(t, cli.url, 'FACTORY-D');
  assert.equal(await cli.exited, 3, cli.stderr());
  assert.equal(sim.configuration().CpoName, 'ACME Parking');
  assert.equal(sim.secret('AuthorizationKey'), password);
  assert.equal(sim.localList().entries.length, 4);
  assert.doesNotMatch(cli.stdout() + cli.stderr(), new RegExp(password, 'i'));
  // It dials as WB-OLD after its reset (the command's CSMS is gone by then; the identity is what it holds).
  await until(() => sim.configuration().Cst_ChargeBoxId === 'WB-OLD', 20_000);
  const record = await wbc(['boxes', 'show', 'WB-OLD', '--json', '--data-dir', dir]);
  const shown = JSON.parse(record.stdout) as { replacements: Array<{ serialNumber: string }> };
  assert.equal(shown.replacements[0]?.serialNumber, 'SN-FACTORY-D');
});

test('Ctrl+C (SIGINT) cancels a running wbc swap: it ends with CANCELLED, exit 1', async (t) => {
  const { dir } = await knownFolder(t);
  const cli = await swapCli(t, dir, 'FACTORY-E', '--yes', '--verify-window', '600');
  replacementAt(t, cli.url, 'FACTORY-E');
  // Ctrl+C while the run watches the replacement after its reset (its handler is surely in place by then).
  await until(() => /watch it leave for the new CSMS/.test(cli.stderr()), 60_000);
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 1, cli.stderr());
  assert.match(cli.stderr(), /CANCELLED/);
});

test('wbc swap --from-file on a laptop that never knew the box: the plan from the file; no password is invented; --new-password sets one', async (t) => {
  const { dir } = await knownFolder(t);
  const file = `${dir}/backup.json`;
  const made = await wbc(['backup', '--identity', 'WB-OLD', '--out', file, '--data-dir', dir]);
  assert.equal(made.code, 0, made.stderr);
  const site = tempDir(t);
  const fromFile = (to: string, ...extra: string[]) => swapFromFileCli(t, file, site, to, ...extra);
  const blocked = await fromFile('FACTORY-K');
  replacementAt(t, blocked.url, 'FACTORY-K');
  assert.equal(await blocked.exited, 1, blocked.stderr());
  assert.match(blocked.stdout(), /Source: the backup file of WB-OLD, exported /);
  assert.match(blocked.stdout(), /CpoName\s+ -> ACME Parking/);
  assert.match(
    blocked.stdout(),
    /the vault of the laptop that made the backup; this laptop does not have it/,
  );
  assert.match(blocked.stderr(), /the vault of this laptop holds no password of WB-OLD/);

  const planned = await fromFile('FACTORY-L', '--new-password');
  const sim = replacementAt(t, planned.url, 'FACTORY-L');
  assert.equal(await planned.exited, 0, planned.stderr());
  assert.match(
    planned.stdout(),
    /AuthorizationKey\s+\*\*\* -> A new password is written right before the reset .*: the company CSMS must accept WB-OLD with it\./,
  );
  assert.match(planned.stdout(), /Nothing was written/);
  assert.equal(sim.configuration().CpoName, '');
});

test('wbc swap --from-file refuses a bad file at once, in the user language, before waiting for any box', async (t) => {
  const dir = tempDir(t);
  const swap = (file: string, lang: string) =>
    wbc(['swap', '--from-file', file, '--to', 'FACTORY-M', '--lang', lang, '--data-dir', dir]);
  const broken = `${dir}/broken.json`;
  writeFileSync(broken, '{"format": "wallbox-commissioner.config-backup", "version": 1, "settings": [');
  const notJson = await swap(broken, 'de');
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /Die Datei ist keine Sicherung: sie ist kein gültiges JSON/);
  const newer = `${dir}/newer.json`;
  writeFileSync(newer, JSON.stringify({ format: 'wallbox-commissioner.config-backup', version: 7 }));
  const tooNew = await swap(newer, 'en');
  assert.equal(tooNew.code, 1);
  assert.match(tooNew.stderr, /The backup file has version 7; this tool reads files up to version 1\./);
  const missing = await swap(`${dir}/nowhere.json`, 'en');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /File not found: .*nowhere\.json/);
  const both = await wbc(['swap', '--from', 'WB-OLD', '--from-file', broken, '--to', 'X', '--data-dir', dir]);
  assert.match(both.stderr, /Usage: wbc swap \(--from OLD \| --from-file BACKUP\.json\)/);
});

test('wbc swap --ca: a profile 2 box whose CA certificate the file lacks is blocked and says why; with --ca FILE the plan installs it first', async (t) => {
  const { dir } = await knownFolder(t);
  const file = `${dir}/backup.json`;
  const made = await wbc(['backup', '--identity', 'WB-OLD', '--out', file, '--data-dir', dir]);
  assert.equal(made.code, 0, made.stderr);
  // The box as a tool that did not record its CA left it: at profile 2 on wss://, no certificate in the file.
  const backup = JSON.parse(readFileSync(file, 'utf8')) as {
    settings: Array<{ key: string; value: string }>;
  };
  for (const setting of backup.settings) {
    if (setting.key === 'SecurityProfile') setting.value = '2';
    if (setting.key === 'Cst_BackendUrl') setting.value = 'wss://127.0.0.1:9/ocpp';
  }
  writeFileSync(file, JSON.stringify(backup));
  const ca = `${dir}/company-ca.pem`;
  writeFileSync(ca, (await testCa()).cert);
  const site = tempDir(t);

  const blocked = await swapFromFileCli(t, file, site, 'FACTORY-P', '--new-password');
  replacementAt(t, blocked.url, 'FACTORY-P');
  assert.equal(await blocked.exited, 1, blocked.stderr());
  assert.match(blocked.stderr(), /does not know which CA certificate it trusted/);
  assert.match(blocked.stderr(), /--ca FILE/);

  const given = await swapFromFileCli(t, file, site, 'FACTORY-Q', '--new-password', '--ca', ca);
  replacementAt(t, given.url, 'FACTORY-Q');
  assert.equal(await given.exited, 0, given.stderr());
  assert.match(given.stdout(), /InstallCertificate CentralSystemRootCertificate/);
  assert.match(given.stdout(), /SecurityProfile\s+0 -> 2/);
  assert.match(given.stdout(), /Nothing was written/);
});
