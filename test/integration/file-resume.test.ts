// A box on a weak site link resumes a broken-off firmware download instead of starting over: HTTP Range
// and FTP REST on the real wire, with curl (a client written elsewhere) resuming, against 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { FileServer, type FileServerEvent } from '../../main/files/file-server.ts';
import type { FileJob } from '../../main/files/types.ts';
import { callOk } from '../support/core.ts';
import { type CurlResult, curl } from '../support/curl.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

process.env.WBC_FILES_PORT = '0';
process.env.WBC_FTP_PORT = '0';

const SIZE = 300_000;
const firmware = (() => {
  const bytes = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 7) % 251;
  return bytes;
})();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One GET with the given headers: status, headers and body as received. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

async function servedFirmware(t: Parameters<typeof tempDir>[0]) {
  const path = join(tempDir(t), 'box-fw-2.1.0.bin');
  writeFileSync(path, firmware);
  const events: FileServerEvent[] = [];
  const server = new FileServer({ dataDir: tempDir(t), onReceived: () => 0, onEvent: (e) => events.push(e) });
  await server.listen('127.0.0.1', 0);
  t.after(() => server.close());
  const offered = server.offerDownload({
    jobId: 7,
    identity: 'WB-RESUME',
    path,
    name: 'box-fw-2.1.0.bin',
    expiresAt: Date.now() + 60_000,
  });
  return { url: `http://127.0.0.1:${server.port}${offered.path}`, events };
}

test('HTTP: a download cut off midway is resumed by curl -C - with a Range request; the box ends with the very bytes', async (t) => {
  const { url, events } = await servedFirmware(t);
  // The first try breaks off after some bytes, as on a site link that drops.
  const kept = await new Promise<Buffer>((resolve, reject) => {
    const req = request(url, (res) => {
      const chunks: Buffer[] = [];
      let got = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got >= 100_000) {
          req.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
    });
    req.on('error', () => {});
    req.on('close', () => reject(new Error('closed before 100000 bytes')));
    req.end();
  });
  const first = await until(() => events.find((e) => e.type === 'served'), 10_000);
  assert.equal(first.type === 'served' && first.complete, false, 'the broken-off try is not called served');

  const out = join(tempDir(t), 'downloaded.bin');
  writeFileSync(out, kept);
  const run = await curl(['-C', '-', '-o', out, url]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`> Range: bytes=${kept.length}-`));
  assert.match(run.stderr, /< HTTP\/1\.1 206/);
  assert.match(run.stderr, new RegExp(`< Content-Range: bytes ${kept.length}-${SIZE - 1}/${SIZE}`, 'i'));
  assert.equal(sha(readFileSync(out)), sha(firmware), 'the resumed file is the firmware, byte for byte');
  const resumed = await until(() => events.filter((e) => e.type === 'served')[1], 10_000);
  assert.deepEqual(resumed, {
    type: 'served',
    jobId: 7,
    bytes: SIZE - kept.length,
    from: kept.length,
    complete: true,
  });
});

test('HTTP: ranges past the end get 416 with the size; a suffix range, several ranges and a stale If-Range are served right', async (t) => {
  const { url, events } = await servedFirmware(t);
  const past = await get(url, { Range: `bytes=${SIZE}-` });
  assert.equal(past.status, 416);
  assert.equal(past.headers['content-range'], `bytes */${SIZE}`);
  assert.equal(past.body.length, 0);
  assert.ok(events.some((e) => e.type === 'refused' && e.reason === 'bad-range' && e.httpStatus === 416));

  const tail = await get(url, { Range: 'bytes=-100' });
  assert.equal(tail.status, 206);
  assert.deepEqual(tail.body, firmware.subarray(SIZE - 100));

  const middle = await get(url, { Range: 'bytes=10-19' });
  assert.equal(middle.status, 206);
  assert.deepEqual(middle.body, firmware.subarray(10, 20));
  assert.equal(middle.headers['accept-ranges'], 'bytes');

  // Several ranges at once: the whole file is a correct answer, and what boxes' clients cope with.
  const several = await get(url, { Range: 'bytes=0-9,20-29' });
  assert.equal(several.status, 200);
  assert.equal(sha(several.body), sha(firmware));

  // A resume guarded by a validator the file no longer has (the file changed): the whole file again.
  const stale = await get(url, { Range: 'bytes=100-', 'If-Range': '"0-0"' });
  assert.equal(stale.status, 200);
  assert.equal(stale.body.length, SIZE);
  const fresh = await get(url, { Range: 'bytes=100-', 'If-Range': String(middle.headers.etag) });
  assert.equal(fresh.status, 206);
  assert.deepEqual(fresh.body, firmware.subarray(100));
});

function ended(core: Core, id: number): Promise<FileJob> {
  return until(() => {
    const job = core.files.job(id);
    return job.state !== 'running' ? job : undefined;
  }, 30_000);
}

test('1.6 UpdateFirmware over FTP: a box resuming with REST gets the rest, the job shows "from byte" and ends Installed', async (t) => {
  const identity = 'WB-FTP-REST';
  const dir = tempDir(t);
  const runs: CurlResult[] = [];
  const keptBytes = 120_000;
  const { core, url } = await coreWithCsms(t);
  const sim = await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity,
    files: {
      ftp: {
        // The box kept the first bytes of an earlier, broken-off try and asks only for the rest.
        async download(location) {
          const out = join(dir, 'downloaded.bin');
          writeFileSync(out, firmware.subarray(0, keptBytes));
          const run = await curl(['-C', '-', location, '-o', out]);
          runs.push(run);
          return run.code === 0 ? readFileSync(out) : null;
        },
        async upload() {
          return false;
        },
      },
    },
  });
  const source = join(tempDir(t), 'box-fw-3.0.bin');
  writeFileSync(source, firmware);
  const started = await callOk(core, 'files.firmwareUpdate', {
    identity,
    name: 'box-fw-3.0.bin',
    path: source,
    protocol: 'ftp',
  });
  const job = await ended(core, started.id);
  assert.equal(job.state, 'done', JSON.stringify(job.statuses));
  assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
  assert.match(runs[0]?.stderr ?? '', new RegExp(`REST ${keptBytes}`));
  assert.match(runs[0]?.stderr ?? '', new RegExp(`< 350 Restarting at ${keptBytes}`));
  assert.equal(sim.lastFirmware()?.sha256, sha(firmware), 'the box holds the very bytes chosen');
  const served = job.statuses.find((s) => s.status === 'served-resumed');
  assert.ok(served, JSON.stringify(job.statuses));
  assert.equal(served.from, keptBytes);
  assert.equal(served.bytes, SIZE - keptBytes);
});
