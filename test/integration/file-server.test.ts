// The file server and its jobs on the real wire: the project's simulator over a real WebSocket on loopback
// downloads firmware and uploads logs over real HTTP (multipart POST and raw PUT) to the tool's file server.
// Hostile uploads (../ names, absolute paths, wrong and used tokens) are raw HTTP requests on loopback.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { boxFolder } from '../../main/files/box-folder.ts';
import { FileServer, type FileServerEvent, type ReceivedFile } from '../../main/files/file-server.ts';
import type { FileJob } from '../../main/files/types.ts';
import type { SimFileOptions } from '../../main/simulator/file-transfer.ts';
import { callOk, callRaw } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

// Any free port for the file server, as the CSMS gets one.
process.env.WBC_FILES_PORT = '0';

async function boxAt(
  t: Parameters<typeof coreWithCsms>[0],
  ocppVersion: '1.6' | '2.0.1',
  identity: string,
  files: SimFileOptions = {},
) {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion, endpoint: url, identity, files });
  return { core, sim };
}

function ended(core: Core, id: number): Promise<FileJob> {
  return until(() => {
    const job = core.files.job(id);
    return job.state !== 'running' ? job : undefined;
  }, 20_000);
}

function firmwareFile(t: Parameters<typeof tempDir>[0], size = 300_000): { path: string; sha256: string } {
  const path = join(tempDir(t), 'box-fw-2.1.0.bin');
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7) % 251;
  writeFileSync(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function send(
  url: string,
  method: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'Content-Length': String(body.length), ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A request to a URL that should no longer work: its HTTP status, or 'closed' when nobody listens any more
 *  (the file server closes when no job runs). */
async function refusedStatus(url: string, method: string): Promise<number | 'closed'> {
  try {
    return await send(url, method, Buffer.from('again'));
  } catch {
    return 'closed';
  }
}

/** A file server alone on loopback (its own data folder), for raw requests; what it received and saw. */
async function lonelyServer(t: Parameters<typeof tempDir>[0]) {
  const dataDir = tempDir(t);
  const received: ReceivedFile[] = [];
  const events: FileServerEvent[] = [];
  const server = new FileServer({
    dataDir,
    onReceived: (_slot, file) => received.push(file),
    onEvent: (e) => events.push(e),
  });
  await server.listen('127.0.0.1', 0);
  t.after(() => server.close());
  const upload = (jobId: number, identity: string, expiresAt = Date.now() + 60_000) =>
    server.expectUpload({ jobId, identity, fileKind: 'diagnostics', maxBytes: 1000, expiresAt });
  return { dataDir, server, received, events, upload, base: `http://127.0.0.1:${server.port}` };
}

/** The URL the tool gave the box, as the trace recorded the call. */
function locationSent(core: Core, identity: string, action: string): string {
  core.ocpp.trace.flush();
  const row = core.store.db
    .prepare(
      "SELECT frame FROM trace_frames WHERE identity = ? AND action = ? AND frame LIKE '[2,%' ORDER BY id DESC LIMIT 1",
    )
    .get(identity, action) as { frame: string } | undefined;
  assert.ok(row, `${action} in the trace`);
  const match = /"(?:location|remoteLocation)":"([^"]+)"/.exec(row.frame);
  assert.ok(match?.[1]);
  return match[1];
}

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`${ocppVersion}: a firmware update is downloaded from the tool over HTTP and ends Installed, with every status shown`, async (t) => {
    const identity = `WB-FW-${ocppVersion}`;
    const { core, sim } = await boxAt(t, ocppVersion, identity);
    const firmware = firmwareFile(t);
    const progress: string[] = [];
    core.router.subscribe((event, payload) => {
      if (event === 'files.job') progress.push(...(payload as FileJob).statuses.map((s) => s.status));
    });
    const started = await callOk(core, 'files.firmwareUpdate', {
      identity,
      name: 'box-fw-2.1.0.bin',
      path: firmware.path,
      retries: 2,
    });
    assert.equal(started.state, 'running');
    assert.equal(started.kind, 'firmware');
    const job = await ended(core, started.id);
    assert.equal(job.state, 'done');
    assert.equal(job.lastBoxStatus, 'Installed');
    const said = job.statuses.filter((s) => s.by === 'box').map((s) => s.status);
    assert.deepEqual(said, ['Downloading', 'Downloaded', 'Installing', 'Installed']);
    assert.ok(
      job.statuses.some((s) => s.status === 'served' && s.bytes === 300_000),
      'the tool saw the whole file go out',
    );
    assert.equal(sim.lastFirmware()?.sha256, firmware.sha256, 'the box got the very bytes chosen');
    assert.ok(
      progress.includes('Downloading') && progress.includes('Installed'),
      'progress went out as events',
    );
    // The URL ends with the job: a later download is refused.
    const location = locationSent(
      core,
      identity,
      ocppVersion === '1.6' ? 'UpdateFirmware' : 'UpdateFirmware',
    );
    assert.ok([404, 'closed'].includes(await refusedStatus(location, 'GET')));
    assert.deepEqual(
      (await callOk(core, 'files.jobs', { identity })).map((j) => j.id),
      [job.id],
      'the job is kept with the box',
    );
  });
}

test('1.6: a box that fails to install is reported failed with its own reason, never installed', async (t) => {
  const identity = 'WB-FW-FAIL16';
  const { core } = await boxAt(t, '1.6', identity, { firmwareOutcome: 'InstallationFailed' });
  const firmware = firmwareFile(t, 4096);
  const started = await callOk(core, 'files.firmwareUpdate', {
    identity,
    name: 'fw.bin',
    path: firmware.path,
  });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.reason, 'InstallationFailed');
  assert.ok(!job.statuses.some((s) => s.status === 'Installed'));
});

for (const ocppVersion of ['1.6', '2.0.1'] as const) {
  test(`${ocppVersion}: signed firmware goes with its certificate and signature; a bad signature is reported failed (InvalidSignature)`, async (t) => {
    const identity = `WB-SIGNED-${ocppVersion}`;
    const { core } = await boxAt(t, ocppVersion, identity, { firmwareOutcome: 'InvalidSignature' });
    const firmware = firmwareFile(t, 4096);
    const signingCertificate = '-----BEGIN CERTIFICATE-----\nMIIBsim\n-----END CERTIFICATE-----';
    const started = await callOk(core, 'files.firmwareUpdate', {
      identity,
      name: 'fw-signed.bin',
      path: firmware.path,
      signature: 'c2lnbmF0dXJl',
      signingCertificate,
    });
    assert.notEqual(started.requestId, null);
    const job = await ended(core, started.id);
    assert.equal(job.state, 'failed');
    assert.equal(job.reason, 'InvalidSignature');
    const action = ocppVersion === '1.6' ? 'SignedUpdateFirmware' : 'UpdateFirmware';
    const row = core.store.db
      .prepare(
        "SELECT frame FROM trace_frames WHERE identity = ? AND action = ? AND frame LIKE '[2,%' ORDER BY id DESC LIMIT 1",
      )
      .get(identity, action) as { frame: string };
    assert.match(row.frame, /"signature":"c2lnbmF0dXJl"/);
    assert.match(row.frame, /"signingCertificate"/);
  });
}

test('1.6: GetDiagnostics uploads by multipart POST; the file is stored 0600 in the box folder (0700) and listed', async (t) => {
  const identity = 'WB-DIAG16';
  const { core } = await boxAt(t, '1.6', identity, { uploadVia: 'multipart', logBytes: 3000 });
  const started = await callOk(core, 'files.fetchLog', { identity, type: 'diagnostics' });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done');
  assert.equal(job.lastBoxStatus, 'Uploaded');
  const files = await callOk(core, 'files.list', { identity });
  assert.equal(files.length, 1);
  const [file] = files;
  assert.ok(file);
  assert.equal(file.id, job.fileId);
  assert.equal(file.size, 3000);
  assert.equal(file.receivedVia, 'multipart');
  assert.equal(file.boxName, `diagnostics-${identity}.log`);
  const content = await callOk(core, 'files.read', { id: file.id });
  assert.match(Buffer.from(content.base64, 'base64').toString(), /simulated log line/);
  const folder = boxFolder(core.dataDir, identity);
  const stored = readdirSync(folder).filter((n) => !n.startsWith('.'));
  assert.equal(stored.length, 1);
  if (process.platform !== 'win32') {
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(join(folder, stored[0] as string)).mode & 0o777, 0o600);
  }
  // The one-time URL took its file: a second upload to it is refused.
  const location = locationSent(core, identity, 'GetDiagnostics');
  assert.ok([410, 404, 'closed'].includes(await refusedStatus(location, 'POST')));
  assert.equal((await callOk(core, 'files.list', { identity })).length, 1);
});

test('2.0.1: GetLog SecurityLog uploads by PUT with its name appended; the file arrives with the box', async (t) => {
  const identity = 'WB-LOG201';
  const { core } = await boxAt(t, '2.0.1', identity, { uploadVia: 'put' });
  const started = await callOk(core, 'files.fetchLog', { identity, type: 'security' });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', JSON.stringify(job));
  const [file] = await callOk(core, 'files.list', { identity });
  assert.ok(file);
  assert.equal(file.kind, 'security-log');
  assert.equal(file.receivedVia, 'put');
  assert.equal(file.boxName, `security-${identity}.log`);
  assert.match(
    locationSent(core, identity, 'GetLog'),
    /^http:\/\/127\.0\.0\.1:\d+\/files\/up\/[A-Za-z0-9_-]{32}$/,
  );
});

test('1.6 with the security extension: GetLog SecurityLog is answered with LogStatusNotification and the file arrives', async (t) => {
  const identity = 'WB-SEC16';
  const { core } = await boxAt(t, '1.6', identity);
  const job = await ended(core, (await callOk(core, 'files.fetchLog', { identity, type: 'security' })).id);
  assert.equal(job.state, 'done', JSON.stringify(job));
  assert.notEqual(job.requestId, null);
  assert.deepEqual(
    job.statuses.filter((s) => s.by === 'box').map((s) => s.status),
    ['Uploading', 'Uploaded'],
  );
  const [file] = await callOk(core, 'files.list', { identity });
  assert.equal(file?.kind, 'security-log');
});

test('an upload over the size limit is refused with 413, recorded on the job, and the job says too large', async (t) => {
  const identity = 'WB-BIG';
  const { core } = await boxAt(t, '2.0.1', identity, { logBytes: 50_000 });
  const started = await callOk(core, 'files.fetchLog', { identity, maxUploadBytes: 10_000 });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.reason, 'too-large');
  assert.equal(job.lastBoxStatus, 'UploadFailure');
  const refused = job.statuses.find((s) => s.status === 'refused-too-large');
  assert.equal(refused?.httpStatus, 413);
  assert.deepEqual(await callOk(core, 'files.list', { identity }), []);
  const folder = boxFolder(core.dataDir, identity);
  assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], [], 'nothing half-written is left');
});

test('a box naming its upload ../../ or /etc/passwd cannot place a file outside its folder', async (t) => {
  const identity = 'WB-EVIL';
  const { core } = await boxAt(t, '1.6', identity, { logName: '../../../../escaped.log' });
  const job = await ended(core, (await callOk(core, 'files.fetchLog', { identity })).id);
  assert.equal(job.state, 'done');
  const [file] = await callOk(core, 'files.list', { identity });
  assert.equal(file?.boxName, 'escaped.log', 'only the last part of its name is shown');
  assert.equal(existsSync(join(core.dataDir, '..', 'escaped.log')), false);
  assert.equal(existsSync(join(core.dataDir, 'escaped.log')), false);

  // Raw requests: a path with ../ after the token, an encoded absolute path, a multipart absolute filename.
  const lonely = await lonelyServer(t);
  const { dataDir, base } = lonely;
  const upload = () => lonely.upload(1, '../../evil');
  const a = upload();
  assert.equal(await send(`${base}${a.path}/..%2F..%2F..%2Fetc%2Fpasswd`, 'PUT', Buffer.from('a')), 201);
  const b = upload();
  assert.equal(
    await send(`${base}${a.path.replace(a.token, b.token)}/%2Fetc%2Fpasswd`, 'PUT', Buffer.from('b')),
    201,
  );
  const c = upload();
  const boundary = 'xyz';
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="/etc/cron.d/evil"\r\n\r\nc\r\n--${boundary}--\r\n`,
  );
  assert.equal(
    await send(`${base}${c.path}`, 'POST', body, {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    }),
    200,
  );
  const folder = boxFolder(dataDir, '../../evil');
  assert.ok(folder.startsWith(join(dataDir, 'box-files')), 'an identity with ../ gets a hashed folder');
  const received = lonely.received.map((f) => f.storedPath);
  assert.equal(received.length, 3);
  for (const path of received) {
    assert.ok(!path.includes('..') && !path.startsWith('/'), path);
    assert.ok(existsSync(join(dataDir, 'box-files', path)));
  }
  assert.deepEqual(readdirSync(dataDir), ['box-files'], 'nothing outside the box files folder');
  assert.equal(readFileSync(join(dataDir, 'box-files', received[2] as string), 'utf8'), 'c');
});

test('a wrong token, a used upload URL and an expired one are refused and recorded; a raw POST is taken', async (t) => {
  const { upload, base, events, received } = await lonelyServer(t);
  const slot = upload(7, 'WB-1');
  const wrong = `${slot.token.slice(0, -1)}${slot.token.endsWith('A') ? 'B' : 'A'}`;
  assert.equal(await send(`${base}/files/up/${wrong}`, 'PUT', Buffer.from('x')), 404);
  assert.equal(await send(`${base}${slot.path}`, 'PUT', Buffer.from('x')), 201);
  assert.equal(await send(`${base}${slot.path}`, 'PUT', Buffer.from('y')), 410);
  const old = upload(8, 'WB-1', Date.now() - 1);
  assert.equal(await send(`${base}${old.path}`, 'PUT', Buffer.from('z')), 410);
  assert.deepEqual(
    events.map((e) => (e.type === 'refused' ? `${e.jobId}:${e.reason}:${e.httpStatus}` : e.type)),
    ['null:unknown-token:404', '7:used:410', '8:expired:410'],
  );
  const raw = upload(9, 'WB-1');
  assert.equal(
    await send(`${base}${raw.path}`, 'POST', Buffer.from('raw log'), { 'Content-Type': 'text/plain' }),
    200,
  );
  assert.deepEqual(
    received.map((f) => f.via),
    ['put', 'post'],
  );
});

test('a chunked upload (no Content-Length) that grows past the limit is cut off with 413, nothing kept', async (t) => {
  const { upload, server, events, dataDir } = await lonelyServer(t);
  const slot = upload(3, 'WB-2');
  const status = await new Promise<number | 'broken'>((resolve) => {
    const req = request(`http://127.0.0.1:${server.port}${slot.path}`, { method: 'PUT' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('broken'));
    for (let i = 0; i < 5; i++) req.write(Buffer.alloc(600, 65));
    req.end();
  });
  assert.ok(status === 413 || status === 'broken', String(status));
  await until(() => events.length > 0, 10_000);
  assert.deepEqual(
    events.map((e) => (e.type === 'refused' ? `${e.reason}:${e.httpStatus}` : e.type)),
    ['too-large:413'],
  );
  const folder = boxFolder(dataDir, 'WB-2');
  assert.deepEqual(readdirSync(folder), [], 'the partial upload is removed');
});

test('the support bundle of a box holds the log it uploaded, redacted like the rest', async (t) => {
  const identity = 'WB-BUNDLE';
  const { core } = await boxAt(t, '1.6', identity, {
    logText: 'boot ok\nsimulated log line: AuthorizationKey=PlantedSecret0123456789\n',
  });
  const job = await ended(core, (await callOk(core, 'files.fetchLog', { identity })).id);
  assert.equal(job.state, 'done');
  const bundle = await callOk(core, 'support.bundle', { identity });
  const uploads = bundle.files.filter((f) => f.startsWith('box-uploads/'));
  assert.equal(uploads.length, 1, JSON.stringify(bundle.files));
  assert.match(uploads[0] as string, /diagnostics-.*\.log$/);
  const { unzipSync } = await import('fflate');
  const zip = unzipSync(Buffer.from(bundle.base64, 'base64'));
  const text = Buffer.from(zip[uploads[0] as string] as Uint8Array).toString();
  assert.match(text, /simulated log line/);
  assert.doesNotMatch(text, /PlantedSecret0123456789/);
  assert.match(text, /AuthorizationKey=\*\*\*/);
});

test('forgetting a box removes its files from the folder and the list', async (t) => {
  const identity = 'WB-FORGET';
  const { core, sim } = await boxAt(t, '1.6', identity);
  const job = await ended(core, (await callOk(core, 'files.fetchLog', { identity })).id);
  assert.equal(job.state, 'done');
  const folder = boxFolder(core.dataDir, identity);
  assert.equal(readdirSync(folder).length, 1);
  await sim.stop();
  await until(() => core.ocpp.csms.box(identity)?.state === 'offline', 10_000);
  await callOk(core, 'boxes.forget', { identity });
  assert.deepEqual(await callOk(core, 'files.list', { identity }), []);
  assert.deepEqual(await callOk(core, 'files.jobs', { identity }), []);
  assert.equal(existsSync(folder), false);
});

test('a job left running by a tool that stopped ends unconfirmed once past its time; a fresh one is left alone', async (t) => {
  const { core } = await coreWithCsms(t);
  const { insertJob } = await import('../../main/files/file-records.ts');
  const old = core.store.write(() =>
    insertJob(core.store, {
      identity: 'WB-OLD',
      kind: 'firmware',
      ocppVersion: '1.6',
      requestId: null,
      firmware: null,
    }),
  );
  const fresh = core.store.write(() =>
    insertJob(core.store, {
      identity: 'WB-OLD',
      kind: 'diagnostics',
      ocppVersion: '1.6',
      requestId: null,
      firmware: null,
    }),
  );
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
  core.store.write(() =>
    core.store.db.prepare('UPDATE file_jobs SET started_at = ? WHERE id = ?').run(twoHoursAgo, old.id),
  );
  const jobs = await callOk(core, 'files.jobs', { identity: 'WB-OLD' });
  assert.deepEqual(
    jobs.map((j) => [j.id, j.state, j.reason]),
    [
      [fresh.id, 'running', null],
      [old.id, 'unconfirmed', 'tool-restarted'],
    ],
  );
});

test('a firmware job needs the file: a missing path is a typed error, not a crash', async (t) => {
  const identity = 'WB-NOFILE';
  const { core } = await boxAt(t, '1.6', identity);
  const reply = await callRaw(core, 'files.firmwareUpdate', {
    identity,
    name: 'x.bin',
    path: '/nonexistent/fw.bin',
  });
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'FILES_SOURCE_UNREADABLE');
});
