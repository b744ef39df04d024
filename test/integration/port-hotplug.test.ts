// Hot-plug of serial adapters as the Connect page and `wbc serial list --watch` see it: ptys are not in the
// OS's list, so a socat pair is made in the folder WBC_SERIAL_DIR names (the lister's seam over the real
// serialport list) and pulled again; drivers.ports and the watching CLI follow both.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFolderPorts } from '../../main/drivers/serial/port-folder.ts';
import { osPortLister } from '../../main/drivers/serial/port-list.ts';
import { wbcRunning } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { ptyPairAt } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

test('drivers.ports lists an adapter plugged in and drops it when it is pulled', async (t) => {
  const ports = tempDir(t, 'wbc-ports-');
  const core = testCore(t, { serialPorts: withFolderPorts(osPortLister, ports) });
  const path = join(ports, 'ttyUSB-sim');
  const listed = async () => (await callOk(core, 'drivers.ports', {})).map((p) => p.path);

  assert.equal((await listed()).includes(path), false);
  const pair = await ptyPairAt(t, path, join(tempDir(t), 'ttyB'));
  assert.equal((await listed()).includes(path), true, 'the plugged adapter is listed');
  const entry = (await callOk(core, 'drivers.ports', {})).find((p) => p.path === path);
  assert.equal(entry?.vendorId, null, 'a pty has no USB ids, and none is made up');

  await pair.unplug();
  const stillThere = await listed();
  assert.equal(stillThere.includes(path), false, 'the pulled adapter is gone from the list');
});

test('wbc serial list --watch says when an adapter in WBC_SERIAL_DIR comes and goes', async (t) => {
  const ports = tempDir(t, 'wbc-ports-');
  const path = join(ports, 'ttyACM-sim');
  const cli = wbcRunning(t, ['serial', 'list', '--watch'], {
    stdin: 'ignore',
    env: { WBC_SERIAL_DIR: ports },
  });
  await until(() => cli.stdout().length > 0 || cli.stderr().length > 0, 20_000);
  const pair = await ptyPairAt(t, path, join(tempDir(t), 'ttyB'));
  await until(() => cli.stdout().includes(`plugged in: ${path}`), 20_000);
  await pair.unplug();
  await until(() => cli.stdout().includes(`pulled out: ${path}`), 20_000);
  cli.child.kill('SIGINT');
  assert.equal(await cli.exited, 0, cli.stderr());
});
