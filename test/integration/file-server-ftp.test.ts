// The file server's FTP face on the real wire: the project's simulator (over a real WebSocket on loopback)
// gets ftp:// locations and transfers with curl, an FTP client written elsewhere, against 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { boxFolder } from '../../main/files/box-folder.ts';
import { FileServer } from '../../main/files/file-server.ts';
import { FtpServer } from '../../main/files/ftp-server.ts';
import type { FileJob } from '../../main/files/types.ts';
import type { FtpClient, SimFileOptions } from '../../main/simulator/file-transfer.ts';
import { wbc, wbcWaitingForBox } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { type CurlResult, curl } from '../support/curl.ts';
import { coreWithCsms, simBox, startedSimBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

process.env.WBC_FILES_PORT = '0';
process.env.WBC_FTP_PORT = '0';

/** The box's FTP client is curl; every run is kept for the test to look at. */
function curlClient(
  dir: string,
  runs: CurlResult[],
  uploadUrl?: (location: string) => string,
  extra: string[] = [],
): FtpClient {
  return {
    async download(url) {
      const out = join(dir, 'downloaded.bin');
      const run = await curl([...extra, url, '-o', out]);
      runs.push(run);
      return run.code === 0 ? readFileSync(out) : null;
    },
    async upload(url, name, content) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const run = await curl([...extra, '-T', file, uploadUrl ? uploadUrl(url) : url]);
      runs.push(run);
      return run.code === 0;
    },
  };
}

async function boxAt(t: Parameters<typeof coreWithCsms>[0], identity: string, files: SimFileOptions) {
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity, files });
  return { core, sim };
}

function ended(core: Core, id: number): Promise<FileJob> {
  return until(() => {
    const job = core.files.job(id);
    return job.state !== 'running' ? job : undefined;
  }, 30_000);
}

const stored = (core: Core, identity: string) => readdirSync(boxFolder(core.dataDir, identity));

test('1.6 GetDiagnostics over FTP: curl uploads with the job token, the file is listed and the job done; the same URL is refused the second time', async (t) => {
  const identity = 'WB-FTP-UP';
  const runs: CurlResult[] = [];
  const dir = tempDir(t);
  const client = curlClient(dir, runs);
  const twice: FtpClient = {
    download: client.download,
    async upload(url, name, content) {
      const first = await client.upload(url, name, content);
      await client.upload(url, name, content);
      return first;
    },
  };
  const { core } = await boxAt(t, identity, { ftp: twice, logText: 'ftp log line\n'.repeat(200) });
  const started = await callOk(core, 'files.fetchLog', { identity, protocol: 'ftp' });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', JSON.stringify(job.statuses));
  assert.equal(runs.length, 2);
  assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
  assert.notEqual(runs[1]?.code, 0, 'the second upload on the same URL is refused');
  assert.match(runs[1]?.stderr ?? '', /< 530/);
  assert.ok(job.statuses.some((s) => s.status === 'received'));
  assert.ok(job.statuses.some((s) => s.status === 'refused-used' && s.httpStatus === 530));
  const files = await callOk(core, 'files.list', { identity });
  assert.equal(files.length, 1);
  assert.equal(files[0]?.receivedVia, 'ftp');
  assert.equal(files[0]?.boxName, `diagnostics-${identity}.log`);
  const content = await callOk(core, 'files.read', { id: files[0]?.id ?? 0 });
  assert.equal(Buffer.from(content.base64, 'base64').toString('utf8'), 'ftp log line\n'.repeat(200));
});

test('a 1.6 box listing only FTP in SupportedFileTransferProtocols gets an ftp:// location without asking; PASV works too', async (t) => {
  const identity = 'WB-FTP-ONLY';
  const runs: CurlResult[] = [];
  const client = curlClient(tempDir(t), runs, undefined, ['--disable-epsv']);
  const { core } = await boxAt(t, identity, { ftp: client, transferProtocols: 'FTP' });
  await callOk(core, 'config.read', { identity });
  const started = await callOk(core, 'files.fetchLog', { identity });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', `${JSON.stringify(job.statuses)} ${runs[0]?.stderr}`);
  assert.match(runs[0]?.stderr ?? '', /> PASV/);
  assert.match(runs[0]?.stderr ?? '', /< 227 Entering Passive Mode \(127,0,0,1,/);
  assert.equal((await callOk(core, 'files.list', { identity }))[0]?.receivedVia, 'ftp');
});

test('a 2.0.1 box listing only FTP in OCPPCommCtrlr.FileTransferProtocols gets an ftp:// location for GetLog without asking', async (t) => {
  const identity = 'WB-FTP-201';
  const runs: CurlResult[] = [];
  const client = curlClient(tempDir(t), runs);
  const { core, url } = await coreWithCsms(t);
  await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity,
    files: { ftp: client, transferProtocols: 'FTP,SFTP' },
  });
  await callOk(core, 'config.read', { identity });
  const started = await callOk(core, 'files.fetchLog', { identity });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', `${JSON.stringify(job.statuses)} ${runs[0]?.stderr}`);
  assert.equal(runs.length, 1, 'the box was given an ftp:// location and used its FTP client');
  assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
  assert.equal((await callOk(core, 'files.list', { identity }))[0]?.receivedVia, 'ftp');
});

test('a box listing HTTP keeps the HTTP default', async (t) => {
  const identity = 'WB-FTP-HTTP';
  const { core } = await boxAt(t, identity, { transferProtocols: 'FTP,HTTP' });
  await callOk(core, 'config.read', { identity });
  const started = await callOk(core, 'files.fetchLog', { identity });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', JSON.stringify(job.statuses));
  assert.equal((await callOk(core, 'files.list', { identity }))[0]?.receivedVia, 'multipart');
});

test('a wrong token is refused with 530 and nothing is stored', async (t) => {
  const identity = 'WB-FTP-WRONG';
  const runs: CurlResult[] = [];
  const wrong = (url: string) => url.replace(/:[A-Za-z0-9_-]{32}@/, `:${'x'.repeat(32)}@`);
  const { core } = await boxAt(t, identity, { ftp: curlClient(tempDir(t), runs, wrong) });
  const started = await callOk(core, 'files.fetchLog', { identity, protocol: 'ftp' });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'failed');
  assert.notEqual(runs[0]?.code, 0);
  assert.match(runs[0]?.stderr ?? '', /< 530/);
  assert.deepEqual(await callOk(core, 'files.list', { identity }), []);
});

test('an FTP upload over the size limit is cut off with 552, recorded, and nothing is kept', async (t) => {
  const identity = 'WB-FTP-BIG';
  const runs: CurlResult[] = [];
  const { core } = await boxAt(t, identity, { ftp: curlClient(tempDir(t), runs), logBytes: 200_000 });
  const started = await callOk(core, 'files.fetchLog', { identity, protocol: 'ftp', maxUploadBytes: 4096 });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.reason, 'too-large');
  assert.ok(job.statuses.some((s) => s.status === 'refused-too-large' && s.httpStatus === 552));
  assert.notEqual(runs[0]?.code, 0);
  assert.deepEqual(await callOk(core, 'files.list', { identity }), []);
  assert.deepEqual(stored(core, identity), [], 'no partial file left in the box folder');
});

test('a client name with ../ stays in the box folder and is shown only', async (t) => {
  const identity = 'WB-FTP-DOTS';
  const runs: CurlResult[] = [];
  // As is: the name goes to the server unchanged, in one STOR (no CWD).
  const hostile = (url: string) => `${url}../../escape.log`;
  const asIs = ['--path-as-is', '--ftp-method', 'nocwd'];
  const { core } = await boxAt(t, identity, { ftp: curlClient(tempDir(t), runs, hostile, asIs) });
  const started = await callOk(core, 'files.fetchLog', { identity, protocol: 'ftp' });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', `${JSON.stringify(job.statuses)} ${runs[0]?.stderr}`);
  assert.match(runs[0]?.stderr ?? '', /STOR \.\.\/\.\.\/escape\.log/);
  const files = await callOk(core, 'files.list', { identity });
  assert.equal(files[0]?.boxName, 'escape.log');
  const dataDir = core.dataDir;
  assert.equal(stored(core, identity).length, 1);
  assert.equal(existsSync(join(dataDir, 'escape.log')), false);
  assert.equal(existsSync(join(dataDir, 'box-files', 'escape.log')), false);
});

test('1.6 UpdateFirmware over FTP: curl downloads the firmware byte-identical and the job ends Installed', async (t) => {
  const identity = 'WB-FTP-FW';
  const runs: CurlResult[] = [];
  const dir = tempDir(t);
  const { core, sim } = await boxAt(t, identity, { ftp: curlClient(dir, runs) });
  const bytes = Buffer.alloc(250_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) % 251;
  const source = join(tempDir(t), 'box-fw-3.0.bin');
  writeFileSync(source, bytes);
  const started = await callOk(core, 'files.firmwareUpdate', {
    identity,
    name: 'box-fw-3.0.bin',
    path: source,
    protocol: 'ftp',
  });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', JSON.stringify(job.statuses));
  assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
  assert.match(runs[0]?.stderr ?? '', /RETR box-fw-3\.0\.bin/);
  assert.deepEqual(readFileSync(join(dir, 'downloaded.bin')), bytes);
  assert.equal(sim.lastFirmware()?.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.ok(job.statuses.some((s) => s.status === 'served' && s.bytes === bytes.length));
});

test('wbc logs fetch --protocol ftp: the box uploads over FTP and the log is saved into --out (exit 0)', async (t) => {
  const out = join(tempDir(t), 'logs');
  const runs: CurlResult[] = [];
  const args = ['logs', 'fetch', '--identity', 'WB-FTP-CLI', '--protocol', 'ftp', '--out', out];
  const cli = await wbcWaitingForBox(t, [
    ...args,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    tempDir(t),
  ]);
  await startedSimBox(t, {
    ocppVersion: '1.6',
    endpoint: cli.url,
    identity: 'WB-FTP-CLI',
    files: { ftp: curlClient(tempDir(t), runs), logText: 'cli ftp log\n' },
  });
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
  const saved = readdirSync(out);
  assert.equal(saved.length, 1);
  assert.equal(readFileSync(join(out, saved[0] ?? ''), 'utf8'), 'cli ftp log\n');
});

test('wbc logs fetch --protocol gopher is refused with what the option takes', async (t) => {
  const dir = tempDir(t);
  const args = ['logs', 'fetch', '--identity', 'X', '--protocol', 'gopher', '--out', dir, '--data-dir', dir];
  const result = await wbc(args);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /--protocol must be http or ftp/);
});

/** A raw FTP control connection: the lines the server sent so far, and a way to wait for one. */
async function rawControl(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => {
    text += c;
  });
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return {
    socket,
    closed,
    text: () => text,
    async ask(line: string, answer: RegExp): Promise<void> {
      const before = text.length;
      socket.write(`${line}\r\n`);
      await until(() => answer.test(text.slice(before)) || undefined, 10_000);
    },
  };
}

/** The FTP face alone on loopback, on the slots of a file server that is not listening (no job around it). */
async function lonelyFtp(
  t: Parameters<typeof tempDir>[0],
  limits: { idleMs?: number; maxConnections?: number },
) {
  const files = new FileServer({ dataDir: tempDir(t), onReceived: () => 0, onEvent: () => {} });
  const ftp = new FtpServer({
    dataDir: tempDir(t),
    slotFor: (token) => files.slotFor(token),
    onReceived: () => 0,
    onEvent: () => {},
    ...limits,
  });
  await ftp.listen('127.0.0.1', 0);
  t.after(() => ftp.close());
  const { token } = files.expectUpload({
    jobId: 1,
    identity: 'WB-RAW',
    fileKind: 'diagnostics',
    maxBytes: 1000,
    expiresAt: Date.now() + 60_000,
  });
  return { ftp, token };
}

test('FTP commands outside the file jobs get 502, other folders 550, and nothing works before the login', async (t) => {
  const { ftp, token } = await lonelyFtp(t, {});
  const c = await rawControl(ftp.port);
  t.after(() => c.socket.destroy());
  await until(() => c.text().startsWith('220 ') || undefined, 10_000);
  await c.ask('STOR x.log', /^530 /);
  await c.ask('LIST', /^502 /);
  await c.ask('USER wbc', /^331 /);
  await c.ask(`PASS ${token}`, /^230 /);
  await c.ask('LIST', /^502 /);
  await c.ask('DELE x.log', /^502 /);
  await c.ask('PORT 127,0,0,1,4,1', /^502 /);
  await c.ask('CWD /etc', /^550 /);
  await c.ask('CWD /', /^250 /);
  await c.ask('TYPE E', /^504 /);
  await c.ask('RETR firmware.bin', /^550 /);
  await c.ask('QUIT', /^221 /);
  await c.closed;
});

test('FTP: connections beyond the limit get 421, and an idle control connection is closed with 421', async (t) => {
  const { ftp } = await lonelyFtp(t, { maxConnections: 2, idleMs: 500 });
  const first = await rawControl(ftp.port);
  const second = await rawControl(ftp.port);
  t.after(() => {
    first.socket.destroy();
    second.socket.destroy();
  });
  await until(() => (first.text().startsWith('220') && second.text().startsWith('220')) || undefined, 10_000);
  const third = await rawControl(ftp.port);
  await third.closed;
  assert.match(third.text(), /^421 /);
  // The two that said nothing are closed once idle.
  await first.closed;
  assert.match(first.text(), /421 Idle/);
});

test('an FTP port already taken is a typed error naming the port, not a crash', async (t) => {
  const { ftp } = await lonelyFtp(t, {});
  const second = new FtpServer({
    dataDir: tempDir(t),
    slotFor: () => undefined,
    onReceived: () => 0,
    onEvent: () => {},
  });
  await assert.rejects(second.listen('127.0.0.1', ftp.port), (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'FILES_FTP_PORT_IN_USE');
    return true;
  });
});
