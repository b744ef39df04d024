// The support bundle keeps no secret: one is planted everywhere a secret could hide (the vault, a company
// CSMS's credential and URL, raw frames of an older trace, configuration snapshots, the log file, settings, a
// run, a box's uploaded log) next to a real commissioning run over a real WebSocket; `wbc bundle` (a real
// process) writes the zip, `unzip` opens it, and every file is searched for every secret.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

const planted = {
  vault: 'Vault-Secret-7f3a9c2e1b55',
  api: 'Steve-Api-Password-93ab1c',
  urlPassword: 'UrlPassw0rd-in-address',
  frame16: 'Frame16-AuthKey-5e5e5e5e',
  frame201: 'Frame201-BasicAuth-77aa77aa',
  frameUrl: 'FrameUrl-Pw-31313131',
  conf16: 'Conf16-AuthKey-abcdef123456',
  conf201: 'Conf201-BasicAuth-fedcba654321',
  logUrl: 'LogUrl-Pw-4242424242',
  logBasic: 'LogBasic-Pw-2323232323',
  setting: 'Setting-Password-8888888',
  settingUrl: 'SettingUrl-Pw-9999999',
  run: 'Run-Written-Password-1212121',
  runError: 'Run-Error-Password-3434343',
  upload: 'Upload-AuthKey-5656565656',
};

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A box that uploaded `logText` over the file server (GetDiagnostics), into a fresh data folder. */
async function boxWithUploadedLog(t: import('node:test').TestContext, identity: string, logText: string) {
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity, files: { logText } });
  const started = await callOk(core, 'files.fetchLog', { identity, type: 'diagnostics' });
  await until(() => (core.files.job(started.id).state !== 'running' ? true : undefined), 20_000);
  assert.equal(core.files.job(started.id).state, 'done', JSON.stringify(core.files.job(started.id)));
  return { core, dataDir };
}

test('`wbc bundle` writes one zip with trace, configuration, runs, logs and uploads, and not one secret', async (t) => {
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const company = await BareCsms.start(t);
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'WB-B1' });
  // A real run: the box's generated password goes into the vault and over the wire as AuthorizationKey.
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-B1',
    template: { name: 'Depot', csms: { url: company.url('/ocpp'), securityProfile: 1 }, verifyWindowS: 1 },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  const boxPassword = core.vault.use(run.state.passwordSecretId as number, (v) => v);

  await callOk(core, 'secrets.put', { purpose: 'csms-credential', label: 'spare', value: planted.vault });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'SteVe',
    baseUrl: `https://apiuser:${planted.urlPassword}@steve.invalid/steve`,
    user: 'apiuser',
    credential: planted.api,
  });
  // What an older version (before redaction at write) could have left: raw frames, snapshots, settings, runs.
  const db = core.store.db;
  const frame = db.prepare(
    'INSERT INTO trace_frames (at, identity, direction, kind, action, message_id, frame) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const at = new Date().toISOString();
  frame.run(
    at,
    'WB-B1',
    'out',
    'call',
    'ChangeConfiguration',
    'p1',
    JSON.stringify([2, 'p1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: planted.frame16 }]),
  );
  frame.run(
    at,
    'WB-B1',
    'out',
    'call',
    'SetVariables',
    'p2',
    JSON.stringify([
      2,
      'p2',
      'SetVariables',
      {
        setVariableData: [
          {
            attributeValue: planted.frame201,
            component: { name: 'SecurityCtrlr' },
            variable: { name: 'BasicAuthPassword' },
          },
        ],
      },
    ]),
  );
  frame.run(
    at,
    'WB-B1',
    'event',
    'connected',
    null,
    null,
    `dialled ws://WB-B1:${planted.frameUrl}@127.0.0.1/ocpp with ${boxPassword}`,
  );
  frame.run(at, 'WB-OTHER', 'in', 'call', 'Heartbeat', 'h1', JSON.stringify([2, 'h1', 'Heartbeat', {}]));
  db.prepare(
    "INSERT INTO config_snapshots (identity, ocpp_version, taken_at, reason, entries) VALUES ('WB-B1', '2.0.1', ?, 'read', ?)",
  ).run(
    at,
    JSON.stringify([
      { key: 'AuthorizationKey', value: planted.conf16, readonly: false },
      { key: 'SecurityCtrlr.BasicAuthPassword', value: planted.conf201, readonly: false },
      { key: 'HeartbeatInterval', value: '300', readonly: false },
    ]),
  );
  db.prepare("INSERT INTO settings (key, value) VALUES ('legacy.csms', ?)").run(
    JSON.stringify({ password: planted.setting, url: `ws://box:${planted.settingUrl}@10.0.0.1/ocpp` }),
  );
  const state = JSON.parse(
    (db.prepare('SELECT state FROM commissioning_runs WHERE id = ?').get(run.id) as { state: string }).state,
  );
  state.plan.writes.push({ key: 'AuthorizationKey', from: null, to: planted.run, secret: true });
  db.prepare('UPDATE commissioning_runs SET state = ?, error = ? WHERE id = ?').run(
    JSON.stringify(state),
    JSON.stringify({ code: 'BOX_CALL_FAILED', params: { detail: `password=${planted.runError}` } }),
    run.id,
  );
  appendFileSync(
    join(dataDir, 'logs', 'core.log'),
    `${JSON.stringify({ at, level: 'info', message: `dial wss://u:${planted.logUrl}@h/x`, header: `Authorization: Basic ${Buffer.from(`WB-B1:${planted.logBasic}`).toString('base64')}` })}\n` +
      `plain line with the box password ${boxPassword} and the vault secret ${planted.vault}\n`,
  );
  const uploads = join(dataDir, 'uploads', 'WB-B1');
  mkdirSync(uploads, { recursive: true });
  writeFileSync(
    join(uploads, 'diagnostics.log'),
    `boot ok\nAuthorizationKey=${planted.upload}\nkey ${boxPassword}\n`,
  );
  writeFileSync(
    join(uploads, 'diag.tar.gz'),
    Buffer.concat([Buffer.from([0x1f, 0x8b, 0, 0]), Buffer.from(planted.upload)]),
  );

  // The app's own api: a bundle of one box leaves the other out.
  const one = await callOk(core, 'support.bundle', { identity: 'WB-B1' });
  const oneFiles = Object.keys(unzipSync(Buffer.from(one.base64, 'base64')));
  assert.ok(oneFiles.includes('trace/WB-B1.jsonl'), oneFiles.join(' '));
  assert.ok(!oneFiles.includes('trace/WB-OTHER.jsonl'), 'another box stays out of a box bundle');
  await core.close();

  const out = join(tempDir(t), 'bundle.zip');
  const made = await wbc(['bundle', '--out', out, '--data-dir', dataDir]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Support bundle written to .*bundle\.zip/);
  assert.match(made.stdout, /diag\.tar\.gz/, 'the binary upload is named as left out');
  assert.equal(statSync(out).mode & 0o777, 0o600);

  const dir = tempDir(t);
  execFileSync('unzip', ['-q', out, '-d', dir]);
  const files = allFiles(dir).map((f) => relative(dir, f));
  for (const expected of [
    'README.txt',
    'manifest.json',
    'environment.json',
    'stations.json',
    'audit.jsonl',
    'trace/WB-B1.jsonl',
    'trace/WB-OTHER.jsonl',
    'configuration/WB-B1.json',
    `runs/${run.id}-WB-B1.json`,
    `runs/${run.id}-WB-B1-report.html`,
    'logs/core.log',
    'box-uploads/WB-B1/diagnostics.log',
  ])
    assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
  assert.ok(
    !files.some((f) => f.endsWith('diag.tar.gz')),
    'a binary upload cannot be checked, so it stays out',
  );

  const secrets = [...Object.values(planted), boxPassword];
  const needles = secrets.flatMap((s) => [
    s,
    Buffer.from(s).toString('base64'),
    Buffer.from(`WB-B1:${s}`).toString('base64'),
  ]);
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'latin1');
    for (const needle of needles)
      assert.ok(!text.includes(needle), `${file} holds a planted secret (${needle})`);
  }
  // Still useful to support: the frames, keys and values that are no secret are all there.
  const trace = readFileSync(join(dir, 'trace/WB-B1.jsonl'), 'utf8');
  assert.match(trace, /ChangeConfiguration/);
  assert.match(trace, /BasicAuthPassword/);
  assert.match(trace, /\*\*\*/);
  const config = readFileSync(join(dir, 'configuration/WB-B1.json'), 'utf8');
  assert.match(config, /"HeartbeatInterval"[\s\S]*"300"/);
  const environment = JSON.parse(readFileSync(join(dir, 'environment.json'), 'utf8'));
  assert.equal(environment.app.name, 'Wallbox Commissioner');
  assert.ok(environment.versions.node);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.leftOut, [{ path: 'box-uploads/WB-B1/diag.tar.gz', reason: 'binary' }]);
});

test('a log a box uploads over the file server goes in with credentials masked as firmware writes them; the README names each part that is there, and only those', async (t) => {
  const inLog = {
    psk: 'Wifi-Psk-6a6a6a6a',
    clientSecret: 'Client-Secret-5b5b5b5b',
    accessToken: 'Access-Token-4c4c4c4c',
    cookie: 'Cookie-Session-3d3d3d3d',
    passwort: 'Passwort-2e2e2e2e',
    mqtt: 'Mqtt-Pass-1f1f1f1f',
  };
  const logText = [
    'boot ok',
    `wifi: connect ssid=Depot psk=${inLog.psk}`,
    `oauth client_id=box client_secret=${inLog.clientSecret}`,
    `GET /v1/x?access_token=${inLog.accessToken}&page=2`,
    `Cookie: sid=${inLog.cookie}; lang=de`,
    `Netzwerk Passwort: ${inLog.passwort}`,
    `{"mqtt_pass":"${inLog.mqtt}","SessionTimeout":30}`,
    'HeartbeatInterval=300 tokenType=Bearer',
  ].join('\n');
  const { core, dataDir } = await boxWithUploadedLog(t, 'WB-L1', logText);
  await callOk(core, 'config.backup', { identity: 'WB-L1' });
  await core.close();

  const out = join(tempDir(t), 'box.zip');
  const made = await wbc([
    'bundle',
    '--identity',
    'WB-L1',
    '--out',
    out,
    '--lang',
    'de',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(made.code, 0, made.stderr);
  const zip = unzipSync(readFileSync(out));
  const text = (path: string) => Buffer.from(zip[path] as Uint8Array).toString('utf8');
  const [upload] = Object.keys(zip).filter((f) => f.startsWith('box-uploads/WB-L1/'));
  assert.ok(upload, Object.keys(zip).join(' '));
  const log = text(upload);
  for (const secret of Object.values(inLog))
    for (const [path, bytes] of Object.entries(zip))
      assert.ok(!Buffer.from(bytes).toString('latin1').includes(secret), `${path} holds ${secret}`);
  // What support needs stays: the lines, the names, the settings that are no secret.
  assert.match(log, /psk=\*\*\*/);
  assert.match(log, /access_token=\*\*\*&page=2/);
  assert.match(log, /HeartbeatInterval=300 tokenType=Bearer/);
  assert.match(log, /"SessionTimeout":30/);

  const readme = text('README.txt');
  for (const line of [
    '- trace/: jeder OCPP-Frame',
    '- configuration/: die Konfiguration jeder Box',
    '- box-uploads/: von den Boxen hochgeladene Protokolldateien',
    '- manifest.json: jede Datei in diesem Zip',
    'Geheimnisse sind als *** maskiert',
  ])
    assert.ok(readme.includes(line), `README says "${line}":\n${readme}`);
  // This box was never commissioned: the README does not promise runs it does not hold.
  assert.ok(!Object.keys(zip).some((f) => f.startsWith('runs/')));
  assert.ok(!readme.includes('runs/'), readme);
});

test('`wbc bundle` of a box the tool never saw, and `wbc report`/`wbc bundle` into a folder that is not there, say so and write nothing', async (t) => {
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`,
    identity: 'WB-K1',
  });
  await core.close();
  const out = join(tempDir(t), 'typo.zip');
  const typo = await wbc(['bundle', '--identity', 'WB-K2', '--out', out, '--data-dir', dataDir]);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /NOT_FOUND: The box WB-K2 does not exist/);
  assert.ok(!existsSync(out), 'no empty bundle to send to support');

  const missing = join(tempDir(t), 'no-such-folder', 'support.zip');
  for (const [language, words] of [
    ['en', /REPORT_OUT_UNWRITABLE: Cannot write .*support\.zip: its folder does not exist/],
    ['de', /REPORT_OUT_UNWRITABLE: .*support\.zip lässt sich nicht schreiben: sein Ordner existiert nicht/],
  ] as const) {
    const made = await wbc(['bundle', '--out', missing, '--lang', language, '--data-dir', dataDir]);
    assert.equal(made.code, 1);
    assert.match(made.stderr, words);
    assert.doesNotMatch(made.stderr, /INTERNAL/);
  }
  const site = await wbc(['sites', 'add', 'Hof', '--data-dir', dataDir]);
  assert.equal(site.code, 0, site.stderr);
  assert.equal((await wbc(['sites', 'boxes', 'add', 'Hof', 'WB-K1', '--data-dir', dataDir])).code, 0);
  const intoFolder = await wbc(['report', '--site', 'Hof', '--out', dataDir, '--data-dir', dataDir]);
  assert.equal(intoFolder.code, 1);
  assert.match(intoFolder.stderr, /REPORT_OUT_UNWRITABLE: Cannot write .*: it is a folder/);
});

test('a box log with credentials in JSON, XML, URLs, Authorization headers and OCPP frames goes into the bundle with each value masked and each name kept', async (t) => {
  // Each secret with parts a cut at a space or an escaped quote would leave standing.
  const inLog = {
    json: ['Json Pw', 'q7q7q7', 'tail-8x8x8x'],
    jsonNested: ['Nested Two', 'w9w9w9w9'],
    xml: ['Xml-Pass-k3k3k3'],
    xmlKey: ['XmlAuthKey0A0B0C0D'],
    cdata: ['cdata', 'm4m4m4m4'],
    url: ['Url@Pw', 'u5u5u5u5'],
    basic: [Buffer.from('WB-X:Basic-Pw-r6r6r6').toString('base64')],
    bearer: ['eyJhbGciOiJIUzI1NiJ9.Bearer-t7t7t7'],
    key16: ['OcppKey16-s8s8s8s8'],
    key16Reversed: ['OcppKey16-v1v1v1v1'],
    var201: ['Basic201-Pw-z2z2z2z2'],
    escaped201: ['Escaped201-Pw-y3y3y3'],
  };
  const logText = [
    'boot ok',
    `cfg {"wifi" : { "ssid": "Depot", "password" :  "${inLog.json[0]} \\"${inLog.json[1]}\\" ${inLog.json[2]}" }, "HeartbeatInterval": 300}`,
    `{"level":"info","msg":"saved","data":"{\\"mqtt\\":{\\"Password\\": \\"${inLog.jsonNested[0]} ${inLog.jsonNested[1]}\\"}}"}`,
    `<Config><Host>csms.example</Host><Password>${inLog.xml[0]}</Password><AuthorizationKey>${inLog.xmlKey[0]}</AuthorizationKey></Config>`,
    `<cs:Password type="plain"><![CDATA[${inLog.cdata[0]} <${inLog.cdata[1]}>]]></cs:Password>`,
    `upload to ftp://box:${inLog.url[0]}${inLog.url[1]}@10.0.0.5/logs failed`,
    `Authorization: Basic ${inLog.basic[0]}`,
    `  Authorization: Bearer ${inLog.bearer[0]}`,
    `send [2,"42","ChangeConfiguration",{"key":"AuthorizationKey","value":"${inLog.key16[0]}"}]`,
    `conf {"configurationKey":[{"value":"${inLog.key16Reversed[0]}","readonly":false,"key":"AuthorizationKey"},{"key":"HeartbeatInterval","readonly":false,"value":"300"}]}`,
    `send [2,"43","SetVariables",{"setVariableData":[{"attributeType":"Actual","attributeValue":"${inLog.var201[0]}","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}]`,
    `{"msg":"[2,\\"44\\",\\"SetVariables\\",{\\"setVariableData\\":[{\\"variable\\":{\\"name\\":\\"BasicAuthPassword\\"},\\"attributeValue\\":\\"${inLog.escaped201[0]}\\",\\"component\\":{\\"name\\":\\"SecurityCtrlr\\"}}]}]"}`,
  ].join('\n');
  const { core, dataDir } = await boxWithUploadedLog(t, 'WB-X', logText);
  await core.close();

  const out = join(tempDir(t), 'forms.zip');
  const made = await wbc(['bundle', '--identity', 'WB-X', '--out', out, '--data-dir', dataDir]);
  assert.equal(made.code, 0, made.stderr);
  const dir = tempDir(t);
  execFileSync('unzip', ['-q', out, '-d', dir]);
  const files = allFiles(dir).map((f) => relative(dir, f));
  const upload = files.find((f) => f.startsWith('box-uploads/WB-X/'));
  assert.ok(upload, files.join(' '));
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'latin1');
    for (const [form, parts] of Object.entries(inLog))
      for (const part of parts) assert.ok(!text.includes(part), `${file} holds ${part} (${form})`);
  }
  // Each name stays with *** where its value was, so support sees what the box had set.
  const log = readFileSync(join(dir, upload), 'utf8');
  for (const kept of [
    '"password" :  "***" }, "HeartbeatInterval": 300}',
    '\\"Password\\": \\"***\\"',
    '<Password>***</Password><AuthorizationKey>***</AuthorizationKey>',
    '<cs:Password type="plain">***</cs:Password>',
    'ftp://box:***@10.0.0.5/logs failed',
    'Authorization: Basic ***',
    'Authorization: Bearer ***',
    '{"key":"AuthorizationKey","value":"***"}',
    '{"value":"***","readonly":false,"key":"AuthorizationKey"},{"key":"HeartbeatInterval","readonly":false,"value":"300"}',
    '"attributeValue":"***","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}',
    '\\"variable\\":{\\"name\\":\\"BasicAuthPassword\\"},\\"attributeValue\\":\\"***\\"',
    '<Host>csms.example</Host>',
  ])
    assert.ok(log.includes(kept), `the log shows ${kept}:\n${log}`);
});
