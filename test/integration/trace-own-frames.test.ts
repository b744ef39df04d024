// The tool's own calls are traced from the call it hands to ocpp-rpc instead of parsing its text back:
// each stored row must still be exactly what the text taken off the wire gives, secrets masked.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { redactRawFrame } from '../../main/log/redact.ts';
import { pushLocalList } from '../../main/ocpp/local-list-push.ts';
import { classify, frameValue, parsedSent, TraceRecorder } from '../../main/ocpp/trace.ts';
import type { LocalListEntry, TraceFrame } from '../../main/ocpp/types.ts';
import { openStore } from '../../main/store/database.ts';
import { bareBox, boot16 } from '../support/bare-box.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { coreWithCsms } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

/** The row the trace kept before calls were read from their array: the wire text classified and masked. */
function expectedRow(raw: string): Pick<TraceFrame, 'kind' | 'action' | 'messageId' | 'frame'> {
  const { kind, action, messageId } = classify(raw);
  return { kind, action, messageId, frame: redactRawFrame(raw) };
}

const limits = { maxItemsPerMessage: 250, maxBytesPerMessage: null, maxEntries: null, enabled: true };

/** 600 cards, hex UIDs in one group, except where `odd` gives a card other texts. */
function cards(odd: (i: number) => Partial<LocalListEntry>): LocalListEntry[] {
  return Array.from({ length: 600 }, (_, i) => ({
    idTag: `04C0FFEE${i.toString(16).toUpperCase().padStart(6, '0')}`,
    status: 'Accepted',
    group: 'FLEET',
    ...odd(i),
  }));
}

/** The tool's calls as the trace stored them, each checked against the text the box took off its socket. */
function storedCalls(core: Core, identity: string, wire: string[], count: number): string[] {
  const rows = core.ocpp.trace
    .list({ identity, limit: 1000 })
    .filter((f) => f.direction === 'out' && f.kind === 'call');
  const calls = wire.filter((raw) => raw.startsWith('[2,'));
  assert.equal(calls.length, count);
  assert.deepEqual(
    rows.map((r) => ({ kind: r.kind, action: r.action, messageId: r.messageId, frame: r.frame })),
    calls.map(expectedRow),
  );
  return rows.map((r) => r.frame);
}

test("a local-list push's trace rows are what the wire text gives, secrets masked", async (t) => {
  const { core, url } = await coreWithCsms(t);
  const box = bareBox(t, { url, identity: 'WB-OWN' });
  // What the box takes off its socket: the exact text the tool sent.
  const wire: string[] = [];
  box.on('message', ({ message, outbound }: { message: unknown; outbound: boolean }) => {
    if (!outbound) wire.push(String(message));
  });
  let version = 0;
  box.handle('GetLocalListVersion', async () => ({ listVersion: version }));
  box.handle('SendLocalList', async ({ params }) => {
    version = (params as { listVersion: number }).listVersion;
    return { status: 'Accepted' };
  });
  box.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
  await box.connect();
  await boot16(box);
  await core.ocpp.csms.waitFor('WB-OWN', { timeoutMs: 10_000, booted: true });
  const live: TraceFrame[] = [];
  t.after(core.ocpp.trace.subscribe((f) => f.direction === 'out' && live.push(f)));

  // A group whose name reads like a credential, so the card list itself has something to mask.
  const entries = cards((i) => ({
    ...(i % 7 === 0 ? { status: 'Blocked' as const } : {}),
    ...(i === 333 ? { group: 'password=hunter2' } : {}),
  }));
  const session = core.ocpp.csms.session('WB-OWN');
  const outcome = await pushLocalList(session, { entries, limits });
  assert.equal(outcome.verified, true);
  await session.changeSettings([{ key: 'AuthorizationKey', value: '00112233445566778899' }]);

  // GetLocalListVersion, three parts, the read-back, ChangeConfiguration.
  const stored = storedCalls(core, 'WB-OWN', wire, 6).join('\n');
  assert.doesNotMatch(stored, /hunter2|00112233445566778899/);
  assert.match(stored, /"parentIdTag":"password=\*\*\*"/);
  assert.match(stored, /"key":"AuthorizationKey","value":"\*\*\*"/);
  // The live view reads each frame as the kept (masked) text says, whether or not it was parsed.
  const liveCalls = live.filter((f) => f.kind === 'call');
  assert.equal(liveCalls.length, 6);
  for (const f of liveCalls) assert.deepEqual(frameValue(f), JSON.parse(f.frame));
});

test("a 2.0.1 local-list push's trace rows are what the wire text gives, credential-like cards masked", async (t) => {
  const { core, url } = await coreWithCsms(t);
  const box = bareBox(t, { url, identity: 'WB-OWN2', protocols: ['ocpp2.0.1'] });
  const wire: string[] = [];
  box.on('message', ({ message, outbound }: { message: unknown; outbound: boolean }) => {
    if (!outbound) wire.push(String(message));
  });
  let version = 0;
  box.handle('GetLocalListVersion', async () => ({ versionNumber: version }));
  box.handle('SendLocalList', async ({ params }) => {
    version = (params as { versionNumber: number }).versionNumber;
    return { status: 'Accepted' };
  });
  box.handle('SetVariables', async ({ params }) => ({
    setVariableResult: (params as { setVariableData: Array<Record<string, unknown>> }).setVariableData.map(
      (d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable }),
    ),
  }));
  await box.connect();
  await box.call('BootNotification', {
    reason: 'PowerUp',
    chargingStation: { model: 'T1', vendorName: 'TestVendor' },
  });
  await core.ocpp.csms.waitFor('WB-OWN2', { timeoutMs: 10_000, booted: true });

  // Plain cards (their parts are kept unscanned), one part with a card whose token reads like a
  // credential and one with such a group (those parts are scanned and masked).
  const entries = cards((i) => ({
    ...(i === 100 ? { idTag: 'token=s3cr3t' } : {}),
    ...(i === 555 ? { group: 'password=hunter2' } : {}),
  }));
  const session = core.ocpp.csms.session('WB-OWN2');
  const outcome = await pushLocalList(session, { entries, limits });
  assert.equal(outcome.verified, true);
  await session.changeSettings([{ key: 'SecurityCtrlr.BasicAuthPassword', value: 'correct-horse-battery' }]);

  const frames = storedCalls(core, 'WB-OWN2', wire, 6);
  const stored = frames.join('\n');
  assert.doesNotMatch(stored, /hunter2|s3cr3t|correct-horse-battery/);
  assert.match(stored, /"idToken":"token=\*\*\*"/);
  assert.match(stored, /"groupIdToken":\{"idToken":"password=\*\*\*"/);
  // The middle part (plain cards only) is kept exactly as sent.
  assert.equal(frames[2], wire.filter((raw) => raw.startsWith('[2,'))[2]);
});

test('a call array that is not the text going out is not believed: the text is parsed', (t) => {
  const store = openStore(join(tempDir(t), 'wbc.sqlite'));
  t.after(() => store.close());
  const trace = new TraceRecorder(store);
  const live: TraceFrame[] = [];
  trace.subscribe((f) => live.push(f));
  const raw = '[2,"m-2","Reset",{"type":"Hard"}]';
  // A call that never went out (ocpp-rpc failed to send it) is still announced; the next text is another.
  const announced = [2, 'm-1', 'Reset', { type: 'Soft' }];
  assert.equal(parsedSent(raw, announced), undefined);
  assert.equal(parsedSent('[3,"b-1",{}]', announced), undefined);
  trace.frame('WB-X', 'out', raw, undefined, parsedSent(raw, announced));
  trace.frame('WB-X', 'out', '[3,"b-1",{}]', undefined, parsedSent('[3,"b-1",{}]', announced));
  const [call, result] = trace.list({ identity: 'WB-X', limit: 10 });
  assert.deepEqual(
    { kind: call?.kind, action: call?.action, messageId: call?.messageId, frame: call?.frame },
    expectedRow(raw),
  );
  assert.deepEqual(frameValue(live[0] as TraceFrame), [2, 'm-2', 'Reset', { type: 'Hard' }]);
  assert.deepEqual(
    { kind: result?.kind, messageId: result?.messageId },
    { kind: 'result', messageId: 'b-1' },
  );
});

test('a call array is believed exactly when the text begins as JSON writes its id and action', () => {
  // Ids and actions with what JSON escapes (quotes, backslashes, control characters, surrogate halves),
  // what it does not (accents, emoji), and texts that are one another's beginning.
  const alphabet = [
    'a',
    'B',
    '7',
    '-',
    '"',
    '\\',
    '\n',
    '\u0001',
    'é',
    '€',
    '😀',
    '\ud800',
    ',',
    '[',
    ']',
    ' ',
  ];
  const random = seededRandom(14);
  const text = () =>
    Array.from(
      { length: Math.floor(random() * 6) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join('');
  let believed = 0;
  for (let i = 0; i < 3000; i++) {
    const messageId = text();
    const action = random() < 0.5 ? 'SendLocalList' : text();
    const sent = [2, messageId, action, { listVersion: i }];
    // The text that went out: this call's, or one whose id or action differs a little (another call's).
    const other =
      random() < 0.5 ? sent : [2, random() < 0.5 ? text() : messageId, text(), { listVersion: i }];
    const raw = JSON.stringify(other);
    const head = `[2,${JSON.stringify(messageId)},${JSON.stringify(action)},`;
    const parsed = parsedSent(raw, sent);
    assert.equal(parsed !== undefined, raw.startsWith(head), `${JSON.stringify(sent)} for ${raw}`);
    if (parsed) {
      believed++;
      assert.deepEqual(parsed, { kind: 'call', messageId, action, value: sent });
      assert.deepEqual(classify(raw), { kind: 'call', messageId, action });
    }
  }
  assert.ok(believed > 1000 && believed < 3000, `${believed} believed`);
});
