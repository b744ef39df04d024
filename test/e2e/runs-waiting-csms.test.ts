// The Commission page in Debian's Chromium after the tool stopped mid-run: with the local CSMS stopped it
// names the runs waiting for it and says that starting it takes them up; once it runs, the hint is gone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { templateSchema } from '../../main/commissioning/template-schema.ts';
import { launchBrowser, openPage, pageErrors } from '../support/browser.ts';
import { callOk, testCore } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { testShell } from '../support/shell.ts';

const built = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

test('runs left under way by a stopped tool are named next to the stopped CSMS, and the hint goes once it runs', async (t) => {
  assert.ok(existsSync(`${built}index.html`), 'the UI is built (npm run build)');
  const core = testCore(t);
  // A run as a crash leaves it: stored as running, nothing moving it (written straight to the run store:
  // a process killed mid-run has no wire to stand in for).
  const template = templateSchema.parse({
    name: 'Depot',
    csms: { url: 'ws://127.0.0.1:9/ocpp', securityProfile: 1 },
  });
  core.commissioning.runs.create('test', 'WB-CRASHED', template, 'auto', null);
  const { server } = await testShell(t, { core, staticDir: built });
  const browser = await launchBrowser(t);
  const page = await openPage(browser, `${server.url}#/commission`);
  const hint = page.getByTestId('csms-runs-waiting');
  await hint.waitFor();
  assert.equal(
    await hint.textContent(),
    'Commissioning runs stopped where they were when the tool or its CSMS stopped: WB-CRASHED. Start the local CSMS and they go on from there.',
  );
  await callOk(core, 'csms.start', { host: '127.0.0.1', port: await freePort() });
  await hint.waitFor({ state: 'detached' });
  // Taken up: the run waits for its box, still under way, not ended.
  assert.equal(core.commissioning.runs.list({ identity: 'WB-CRASHED', limit: 1 })[0]?.status, 'running');
  assert.deepEqual(pageErrors(page), []);
});
