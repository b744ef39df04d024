// The tool's list frames are checked against the strict schema once per entry shape for the whole process
// (not again in every push): a shape no earlier push had is still checked, and a bad one never leaves.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { pushLocalList } from '../../main/ocpp/local-list-push.ts';
import type { LocalListEntry } from '../../main/ocpp/types.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { coreWithCsms } from '../support/sim.ts';

const limits = { maxItemsPerMessage: 4, maxBytesPerMessage: null, maxEntries: null, enabled: true };

/** A 1.6 box that keeps its list version and counts the SendLocalList frames that reach it. */
async function listBox(
  t: TestContext,
  core: Core,
  url: string,
  identity: string,
): Promise<{ parts: number }> {
  const box = bareBox(t, { url, identity });
  const seen = { parts: 0 };
  let version = 0;
  box.handle('GetLocalListVersion', async () => ({ listVersion: version }));
  box.handle('SendLocalList', async ({ params }) => {
    seen.parts++;
    version = (params as { listVersion: number }).listVersion;
    return { status: 'Accepted' };
  });
  await box.connect();
  await boot16(box);
  await core.ocpp.csms.waitFor(identity, { timeoutMs: 10_000, booted: true });
  return seen;
}

const card = (i: number, extra: Partial<LocalListEntry> = {}): LocalListEntry => ({
  idTag: `04BEEF${i.toString(16).toUpperCase().padStart(6, '0')}`,
  status: 'Accepted',
  group: 'FLEET',
  ...extra,
});

test('a later push with an entry shape no push had before is checked, and a bad frame never reaches the box', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const first = await listBox(t, core, url, 'WB-SHAPE-1');
  const second = await listBox(t, core, url, 'WB-SHAPE-2');
  // The first push checks the shapes of Accepted cards with a group (Full and Differential parts).
  const plain = Array.from({ length: 10 }, (_, i) => card(i));
  const done = await pushLocalList(core.ocpp.csms.session('WB-SHAPE-1'), { entries: plain, limits });
  assert.equal(done.verified, true);
  assert.equal(first.parts, 3);
  // The second box's list has the same cards and, in its last part, one with an expiry date (a new shape)
  // that is not a date: the schema still looks at that part and refuses it before it is sent.
  const withExpiry = [...plain, card(10, { expiryDate: 'next spring' })];
  await assert.rejects(pushLocalList(core.ocpp.csms.session('WB-SHAPE-2'), { entries: withExpiry, limits }));
  assert.equal(second.parts, 2, 'the parts of known shapes went out, the bad one did not');
});
