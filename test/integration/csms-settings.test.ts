// The local CSMS form kept across a core restart on the same data folder (real SQLite file, real
// WebSockets on loopback): port, TLS, expected and admitted boxes come back, admitted boxes are let in,
// and a forgotten box is no longer among them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { callOk } from '../support/core.ts';
import { freePort } from '../support/free-port.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

test('the CSMS settings and the boxes admitted from the lobby survive a core restart', async (t) => {
  const dataDir = tempDir(t);
  const port = await freePort();
  const first = openCore({ dataDir, defaultLanguage: 'en' });
  assert.equal(await callOk(first, 'csms.saved', {}), null);
  await callOk(first, 'csms.start', { host: '127.0.0.1', port, expected: ['WB-KNOWN'] });
  const url = `ws://127.0.0.1:${port}/ocpp`;
  const boxes = ['WB-LOBBY-1', 'WB-LOBBY-2'].map((identity) => bareBox(t, { url, identity }));
  await Promise.all(boxes.map((b) => b.connect()));
  await Promise.all(boxes.map((b) => boot16(b)));
  await until(() => first.ocpp.status().boxes.length === 2, 10_000);
  assert.ok(first.ocpp.status().boxes.every((b) => !b.admitted));
  const result = await callOk(first, 'boxes.admitMany', {
    identities: ['WB-LOBBY-1', 'WB-LOBBY-2', 'WB-GONE'],
  });
  assert.deepEqual(result, { admitted: ['WB-LOBBY-1', 'WB-LOBBY-2'], offline: ['WB-GONE'] });
  await Promise.all(boxes.map((b) => b.close({ force: true })));
  await first.close();

  const second = openCore({ dataDir, defaultLanguage: 'en' });
  t.after(() => second.close());
  const saved = await callOk(second, 'csms.saved', {});
  assert.deepEqual(saved, {
    host: '127.0.0.1',
    port,
    tls: false,
    admitUnexpected: false,
    expected: ['WB-KNOWN'],
    admitted: ['WB-LOBBY-1', 'WB-LOBBY-2'],
  });
  // Started again with what the form shows, a box admitted last time is let in without a click.
  await callOk(second, 'csms.start', { host: saved.host, port: saved.port, expected: saved.expected });
  const again = bareBox(t, { url, identity: 'WB-LOBBY-2' });
  await again.connect();
  const stranger = bareBox(t, { url, identity: 'WB-NEW' });
  await stranger.connect();
  const seen = await until(() => {
    const list = second.ocpp.status().boxes;
    return list.length === 2 ? list : undefined;
  }, 10_000);
  assert.equal(seen.find((b) => b.identity === 'WB-LOBBY-2')?.admitted, true);
  assert.equal(seen.find((b) => b.identity === 'WB-NEW')?.admitted, false);

  // A forgotten box is a stranger again: it is no longer admitted at the next start.
  await boot16(again);
  await until(
    () => second.store.db.prepare("SELECT 1 FROM stations WHERE identity = 'WB-LOBBY-2'").get(),
    10_000,
  );
  await callOk(second, 'boxes.forget', { identity: 'WB-LOBBY-2' });
  assert.deepEqual((await callOk(second, 'csms.saved', {}))?.admitted, ['WB-LOBBY-1']);
});
