// A whole OpenEVSE box commissioned through one run: its controller over RAPI on a socat pty pair and its
// WiFi module over HTTP on loopback, with a real SQLite run store; plan, write, read back, audit, put back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { runDriverCommissioning } from '../../main/commissioning/driver-run.ts';
import { RunStore } from '../../main/commissioning/run-store.ts';
import { type Template, templateSchema } from '../../main/commissioning/template-schema.ts';
import { CombinedDriver } from '../../main/drivers/combined-driver.ts';
import { OpenEvseHttpDriver } from '../../main/drivers/openevse/http-driver.ts';
import { OpenEvseHttpSimulator } from '../../main/simulator/openevse-http.ts';
import type { RapiSimOptions } from '../../main/simulator/openevse-rapi.ts';
import { openStore } from '../../main/store/database.ts';
import { rapiOnPty } from '../support/openevse-rapi.ts';
import { tempDir } from '../support/temp.ts';

const template = (extra: Partial<Template> = {}): Template =>
  templateSchema.parse({
    name: 'Garage',
    csms: { url: 'wss://csms.example.com/ocpp', securityProfile: 0 },
    maxCurrentA: 20,
    ...extra,
  });

async function wholeBox(t: TestContext, rapi: RapiSimOptions = {}) {
  const store = openStore(join(tempDir(t), 'wbc.sqlite'));
  t.after(() => store.close());
  const serial = await rapiOnPty(t, rapi, { timeoutMs: 300, retries: 1 });
  const http = new OpenEvseHttpSimulator();
  const url = await http.listen();
  t.after(() => http.close());
  const driver = new CombinedDriver([serial.driver, new OpenEvseHttpDriver(url)]);
  const audit = () =>
    store.db
      .prepare("SELECT action, after FROM audit_log WHERE action LIKE 'commissioning.%' ORDER BY id")
      .all() as Array<{
      action: string;
      after: string;
    }>;
  return { store, runs: new RunStore(store), serial, http, driver, audit };
}

test('one run plans old → new, writes the current over RAPI and the CSMS over HTTP, reads back and audits', async (t) => {
  const { runs, serial, http, driver, audit } = await wholeBox(t);
  const run = await runDriverCommissioning(runs, {
    actor: 'test',
    identity: 'WB-0001',
    template: template(),
    driver,
  });
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  assert.deepEqual(run.state.driver?.plan?.writes, [
    { key: 'current.installation', from: '16', to: '20', secret: false },
    { key: 'ocpp.server', from: '', to: 'wss://csms.example.com/ocpp', secret: false },
    { key: 'ocpp.identity', from: '', to: 'WB-0001', secret: false },
    { key: 'ocpp.enabled', from: 'false', to: 'true', secret: false },
  ]);
  assert.equal(run.state.driver?.readBack['current.installation'], '20');
  assert.equal(serial.sim.state.savedAmps, 20);
  assert.equal(http.config.ocpp_server, 'wss://csms.example.com/ocpp');
  assert.equal(http.config.ocpp_enabled, true);
  assert.deepEqual(
    run.state.steps.map((s) => s.status),
    ['done', 'done', 'done', 'done', 'skipped', 'skipped', 'done', 'done'],
  );
  assert.equal(audit().filter((a) => a.action === 'commissioning.driver.write').length, 4);
  // The run is in the same store as OCPP runs, found by the box's name.
  assert.equal(runs.list({ identity: 'WB-0001', limit: 5 })[0]?.id, run.id);
  // A second run finds nothing to change.
  const again = await runDriverCommissioning(runs, {
    actor: 'test',
    identity: 'WB-0001',
    template: template(),
    driver,
  });
  assert.deepEqual(again.state.driver?.plan?.writes, []);
});

test('a current above what the box allows stops the run at the plan: nothing is written anywhere', async (t) => {
  const { runs, serial, http, driver } = await wholeBox(t, { hardwareMaxAmps: 32 });
  const run = await runDriverCommissioning(runs, {
    actor: 'test',
    identity: 'WB-0002',
    template: template({ maxCurrentA: 40 }),
    driver,
  });
  assert.equal(run.status, 'failed');
  assert.equal(run.step, 'plan');
  assert.deepEqual(run.error, {
    code: 'DRIVER_VALUE_OUT_OF_RANGE',
    params: { name: 'current.installation', value: 40, min: 6, max: 32, unit: 'A' },
  });
  assert.equal(serial.sim.received.filter((c) => c.startsWith('$SC')).length, 0);
  assert.equal(http.posts.length, 0);
});

test('the serial cable pulled during the current write: unconfirmed, nothing after it written, no claim of success', async (t) => {
  const { runs, serial, http, driver } = await wholeBox(t);
  const original = serial.sim.received.length;
  // The controller takes the $SC but its answer never comes: the cable is pulled before it does.
  const watch = setInterval(() => {
    if (serial.sim.received.slice(original).some((c) => c.startsWith('$SC'))) {
      clearInterval(watch);
      void serial.pair.unplug();
    }
  }, 1);
  t.after(() => clearInterval(watch));
  const run = await runDriverCommissioning(runs, {
    actor: 'test',
    identity: 'WB-0003',
    template: template(),
    driver,
    approve: async () => {
      serial.sim.faults = { silentCommands: 1 };
      return true;
    },
  });
  assert.equal(run.status, 'failed');
  assert.equal(run.step, 'write');
  assert.equal(run.error?.code, 'DRIVER_WRITE_UNCONFIRMED');
  assert.equal(run.state.results['current.installation'], 'DRIVER_WRITE_UNCONFIRMED');
  assert.equal(http.posts.length, 0, 'the OCPP fields were not touched after the failed write');
  assert.deepEqual(
    run.state.rollback?.entries.map((e) => [e.key, e.outcome]),
    [['current.installation', 'not-restored']],
  );
});

test('a box that takes a value but reads back another fails the run and gets the earlier values back', async (t) => {
  const { runs, serial, http, driver } = await wholeBox(t);
  http.ignores.add('ocpp_chargeBoxId');
  const run = await runDriverCommissioning(runs, {
    actor: 'test',
    identity: 'WB-0004',
    template: template(),
    driver,
  });
  assert.equal(run.status, 'failed');
  assert.equal(run.step, 'verify');
  assert.deepEqual(run.error, {
    code: 'DRIVER_READBACK_MISMATCH',
    params: { name: 'ocpp.identity', expected: 'WB-0004', actual: '' },
  });
  assert.deepEqual(
    run.state.rollback?.entries.map((e) => [e.key, e.outcome, e.readBack]),
    [
      ['ocpp.enabled', 'restored', 'false'],
      ['ocpp.identity', 'restored', ''],
      ['ocpp.server', 'restored', ''],
      ['current.installation', 'restored', '16'],
    ],
  );
  assert.equal(serial.sim.state.savedAmps, 16);
  assert.equal(http.config.ocpp_server, '');
});
