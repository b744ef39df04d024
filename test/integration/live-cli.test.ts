// `wbc live` as a technician runs it: a real process listening as the local CSMS, a bare ocpp-rpc box on
// loopback sending frames with explicit timestamps, the state and the notices printed, Ctrl+C ending it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { wbcRunning } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { chargingBox16 } from '../support/live-box.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

test('wbc live prints connectors, errors, the transaction and the idle notice as they happen, and ends on Ctrl+C', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const live = wbcRunning(t, ['live', 'WB-CLI-LIVE', '--port', String(port), '--host', '127.0.0.1'], {
    stdin: 'ignore',
    env: { WBC_DATA_DIR: join(dir, 'data') },
  });
  await until(() => live.stdout().includes('Waiting for WB-CLI-LIVE'), 20_000);
  const { transactionId, sample } = await chargingBox16(t, `ws://127.0.0.1:${port}/ocpp`, 'WB-CLI-LIVE');
  await sample(1, 1200);
  await sample(12, 1200);
  await until(() => live.stdout().includes('! Charging idle'), 10_000);
  const out = live.stdout();
  // Who is on the line first: connected, its OCPP version, and its boot as it said it.
  assert.match(out, /^Connected, OCPP 1\.6$/m);
  assert.match(
    out,
    /^Boot at \d\d:\d\d:\d\d: TestVendor T1, firmware 1\.0\.0; the CSMS answered: pending \(not accepted yet\)$/m,
  );
  assert.match(out, /Connector 1: Faulted \(07:55:00\)/);
  assert.match(out, /Errors: Ground fault \(RCD\) \(Vendor code E-RCD-42, RCD tripped\) 07:55:00/);
  assert.match(out, new RegExp(`Transaction ${transactionId}: open since 08:00:00`));
  assert.match(out, /08:01:00 Transaction \d+ Energy: 1\.20 kWh/);
  assert.match(
    out,
    new RegExp(
      `! Charging idle since 08:01:00 \\(connector 1, transaction ${transactionId}\\): no energy for 11 min, meter at 1\\.20 kWh\\.`,
    ),
  );
  live.child.kill('SIGINT');
  assert.equal(await live.exited, 0);
  assert.match(live.stdout(), /Live view ended\./);
});
