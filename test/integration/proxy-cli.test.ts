// `wbc proxy` as a technician runs it: a real process relaying a box to a company CSMS on wss:// with its
// own CA, one line per frame without credentials, and Ctrl+C closing the box with 1001. Loopback only.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { tempDir } from '../support/temp.ts';
import { testCa } from '../support/tls-certs.ts';
import { until } from '../support/until.ts';

test('wbc proxy relays a box to a wss:// CSMS it trusts through --ca, prints every frame without the password, and stops on Ctrl+C', async (t) => {
  const ca = await testCa();
  const company = await BareCsms.start(t, {
    tls: await ca.issue('127.0.0.1'),
    password: () => 'company-box-password-42',
  });
  const dir = tempDir(t);
  const caFile = join(dir, 'company-ca.pem');
  writeFileSync(caFile, ca.cert);
  const port = await freePort();
  const proxy = wbcRunning(
    t,
    [
      'proxy',
      '--upstream',
      company.url('/ocpp'),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--ca',
      caFile,
    ],
    { stdin: 'ignore', env: { WBC_DATA_DIR: join(dir, 'data') } },
  );
  // The heading and the address are separate writes: wait for the address itself.
  await until(() => proxy.stdout().includes(`ws://127.0.0.1:${port}/ocpp/<identity>`), 20_000);
  assert.match(proxy.stdout(), new RegExp(`Relaying to wss://127\\.0\\.0\\.1:${company.port}/ocpp`));
  assert.ok(proxy.stdout().includes(`ws://127.0.0.1:${port}/ocpp/<identity>`));

  const box = bareBox(t, {
    url: `ws://127.0.0.1:${port}/ocpp`,
    identity: 'WB-CLI',
    password: 'company-box-password-42',
  });
  const closed = new Promise<number>((resolve) => box.on('close', (e: { code: number }) => resolve(e.code)));
  await box.connect();
  assert.equal(((await boot16(box)) as { status: string }).status, 'Accepted');
  await until(() => /WB-CLI \[CSMS → box\] ← \[3,/.test(proxy.stdout()), 10_000);
  assert.match(proxy.stdout(), /WB-CLI connected through the proxy \(ocpp1\.6\)/);
  assert.match(proxy.stdout(), /WB-CLI \[box → CSMS\] → \[2,"[^"]+","BootNotification"/);

  proxy.child.kill('SIGINT');
  assert.equal(await closed, 1001);
  assert.equal(await proxy.exited, 0);
  assert.match(proxy.stdout(), /Proxy stopped/);
  const printed = proxy.stdout() + proxy.stderr();
  assert.ok(!printed.includes('company-box-password-42'));
  assert.ok(!printed.includes(Buffer.from('WB-CLI:company-box-password-42').toString('base64')));
});

test('without the CA a wss:// CSMS with a private certificate is unreachable (502), and bad options are typed errors', async (t) => {
  const ca = await testCa();
  const company = await BareCsms.start(t, { tls: await ca.issue('127.0.0.1') });
  const dir = tempDir(t);
  const env = { WBC_DATA_DIR: join(dir, 'data') };
  const port = await freePort();
  const proxy = wbcRunning(
    t,
    ['proxy', '--upstream', company.url('/ocpp'), '--port', String(port), '--host', '127.0.0.1'],
    { stdin: 'ignore', env },
  );
  await until(() => proxy.stdout().includes('Point boxes at'), 20_000);
  const box = bareBox(t, { url: `ws://127.0.0.1:${port}/ocpp`, identity: 'WB-NOCA' });
  await assert.rejects(box.connect(), /Bad Gateway/);
  await until(() => /WB-NOCA refused: upstream-unreachable \(HTTP 502\)/.test(proxy.stdout()), 10_000);
  proxy.child.kill('SIGINT');
  assert.equal(await proxy.exited, 0);

  const missingCa = await wbc(
    ['proxy', '--upstream', 'wss://127.0.0.1:1/ocpp', '--ca', join(dir, 'nope.pem')],
    env,
  );
  assert.equal(missingCa.code, 1);
  assert.match(missingCa.stderr, /PROXY_CA_UNREADABLE|cannot be read/);
  const http = await wbc(
    ['proxy', '--upstream', 'http://user:secret-in-url@127.0.0.1/ocpp', '--port', '0'],
    env,
  );
  assert.equal(http.code, 1);
  assert.match(http.stderr, /not ws:\/\/ or wss:\/\//);
  assert.ok(!http.stderr.includes('secret-in-url'));
});
