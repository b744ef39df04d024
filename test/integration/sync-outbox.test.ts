// The sync outbox against a SteVe stand-in over real HTTP: every card change queued with the change,
// delivered exactly once through 500/503, 401, 429, slow answers, resets, bad JSON, a CSMS down and back;
// a card the CSMS holds differently is a conflict for the user; a dry run writes nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { queueStation, type TokenJob } from '../../main/csms/outbox.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { holdCardElsewhere, type SteveServer, startSteveServer } from '../support/steve-server.ts';
import { tempDir } from '../support/temp.ts';

const PASSWORD = 'steve-api-secret';

async function setup(t: TestContext, options: { cards?: number; concurrency?: number } = {}) {
  const steve = await startSteveServer(t, { password: PASSWORD });
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  const uids: string[] = [];
  for (let i = 0; i < (options.cards ?? 0); i++) {
    const uid = `04A1B2${(0x10 + i).toString(16).toUpperCase().padStart(4, '0')}`;
    await callOk(core, 'cards.enroll', { uid, groupId: group.id, label: `Car ${i + 1}` });
    uids.push(uid);
  }
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
    concurrency: options.concurrency ?? 4,
    timeoutS: 2,
    backoffBaseMs: 50,
  });
  return { steve, core, dataDir, group, uids };
}

/** The card tags at the server (not the group tags), each with how many times it was created. */
function cardWrites(steve: SteveServer): Map<string, number> {
  const creates = new Map<string, number>();
  for (const w of steve.writes)
    if (w.method === 'POST' && w.idTag !== 'FLEET') creates.set(w.idTag, (creates.get(w.idTag) ?? 0) + 1);
  return creates;
}

function assertEachOnce(steve: SteveServer, uids: string[]) {
  const creates = cardWrites(steve);
  assert.deepEqual([...creates.keys()].sort(), [...uids].sort());
  for (const [uid, n] of creates) assert.equal(n, 1, `${uid} created ${n} times`);
}

const pending = (core: Core) =>
  core.store.db.prepare("SELECT COUNT(*) AS n FROM sync_outbox WHERE state = 'pending'").get() as {
    n: number;
  };

test('adding a CSMS queues every card; a run delivers each once with its group, label and validity', async (t) => {
  const { steve, core, uids } = await setup(t, { cards: 5 });
  assert.equal(pending(core).n, 5);
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.delivered, 5);
  assert.equal(summary.pending, 0);
  assertEachOnce(steve, uids);
  const tag = [...steve.tags.values()].find((x) => x.idTag === uids[0]);
  assert.equal(tag?.parentIdTag, 'FLEET');
  assert.equal(tag?.note, 'Car 1');
  assert.equal(tag?.maxActiveTransactionCount, -1);
  // SteVe needs the parent to exist: the group's tag was made once, blocked (no charging with it).
  assert.equal(
    [...steve.tags.values()].filter((x) => x.idTag === 'FLEET' && x.maxActiveTransactionCount === 0).length,
    1,
  );
  const status = await callOk(core, 'sync.status', { connector: 'company' });
  assert.equal(status[0]?.counts.done, 5);
});

test('each change is queued in the same transaction; changes to one card collapse to the latest', async (t) => {
  const { steve, core, group } = await setup(t);
  const { card } = await callOk(core, 'cards.enroll', { uid: '04AABBCC', groupId: group.id, label: 'Van' });
  // Label changed by a CSV import, then the group's tag renamed: still one job, the latest payload.
  core.store.write(() => core.store.db.prepare("UPDATE cards SET label = 'Van 2' WHERE id = ?").run(card.id));
  await callOk(core, 'groups.update', { id: group.id, groupIdTag: 'FLEET2' });
  const jobs = await callOk(core, 'sync.status', { connector: 'company' });
  const open = (jobs[0]?.open ?? []) as TokenJob[];
  assert.equal(open.length, 1);
  assert.equal(open[0]?.payload.label, 'Van 2');
  assert.equal(open[0]?.payload.groupIdTag, 'FLEET2');
  // A change whose transaction fails queues nothing.
  assert.throws(() =>
    core.store.write(() => {
      core.store.db.prepare("UPDATE cards SET label = 'never' WHERE id = ?").run(card.id);
      throw new Error('rolled back');
    }),
  );
  const after = (await callOk(core, 'sync.status', { connector: 'company' }))[0]?.open[0] as TokenJob;
  assert.equal(after.payload.label, 'Van 2');
  await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal([...steve.tags.values()].find((x) => x.idTag === '04AABBCC')?.parentIdTag, 'FLEET2');
  // Deleting the card revokes it at the CSMS (expired, blocked), never deletes it.
  await callOk(core, 'cards.delete', { id: card.id });
  await callOk(core, 'sync.run', { connector: 'company' });
  const revoked = [...steve.tags.values()].find((x) => x.idTag === '04AABBCC');
  assert.ok(revoked);
  assert.equal(revoked.maxActiveTransactionCount, 0);
  assert.ok(revoked.expiryDate && Date.parse(revoked.expiryDate) <= Date.now());
});

test('500 and 503 mid-batch, a reset connection, unreadable JSON and a slow answer: all retried, each card once', async (t) => {
  const { steve, core, uids } = await setup(t, { cards: 8, concurrency: 2 });
  steve.fault({ kind: 'status', status: 500 }, 2);
  steve.fault({ kind: 'status', status: 503 }, 2);
  steve.fault({ kind: 'reset' }, 1);
  steve.fault({ kind: 'malformed' }, 1);
  steve.fault({ kind: 'slow', ms: 3000 }, 1, 'any');
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.pending, 0);
  assert.ok(summary.retried >= 6, `retried ${summary.retried}`);
  assertEachOnce(steve, uids);
  const errors = core.store.db
    .prepare("SELECT COUNT(*) AS n FROM sync_outbox WHERE state = 'done' AND attempts > 1")
    .get() as { n: number };
  assert.ok(errors.n >= 1);
});

test('401 keeps the cards pending with CSMS_AUTH_FAILED; new credentials resume them', async (t) => {
  const { steve, core, uids } = await setup(t, { cards: 3 });
  steve.setPassword('rotated-password');
  const first = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(first.stoppedBy?.code, 'CSMS_AUTH_FAILED');
  assert.equal(first.pending, 3);
  const status = await callOk(core, 'sync.status', { connector: 'company' });
  assert.ok(status[0]?.open.some((j) => j.lastError?.code === 'CSMS_AUTH_FAILED'));
  assert.equal(steve.writes.length, 0);
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    credential: 'rotated-password',
  });
  const second = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(second.pending, 0);
  assertEachOnce(steve, uids);
});

test('429 with Retry-After: the run waits as asked and then delivers', async (t) => {
  const { steve, core, uids } = await setup(t, { cards: 2, concurrency: 1 });
  steve.fault({ kind: 'rate-limit', retryAfterS: 1 }, 1, 'any');
  const started = Date.now();
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.pending, 0);
  assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
  assertEachOnce(steve, uids);
});

test('a CSMS that is down: the cards wait in the outbox, and after it is back each arrives once', async (t) => {
  const { steve, core, uids } = await setup(t, { cards: 4 });
  await steve.down();
  const offline = await callOk(core, 'sync.run', { connector: 'company', maxWaitS: 0 });
  assert.equal(offline.pending, 4);
  assert.equal(offline.stoppedBy?.code, 'CSMS_UNREACHABLE');
  await steve.up();
  // Their next attempt is due after the backoff: the run waits for it.
  const online = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(online.pending, 0);
  assertEachOnce(steve, uids);
});

test('a card the CSMS holds in another group is a conflict shown side by side; the user decides', async (t) => {
  const steve = await startSteveServer(t, { password: PASSWORD });
  // Someone set the card up at the company CSMS before, in another group.
  holdCardElsewhere(steve);
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet', groupIdTag: 'FLEET' });
  await callOk(core, 'cards.enroll', { uid: '04C0FFEE', groupId: group.id, label: 'Van' });
  await callOk(core, 'cards.enroll', { uid: '04C0FFEF', groupId: group.id, label: 'Van 2' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
  });
  const dry = await callOk(core, 'sync.dryRun', { connector: 'company' });
  assert.deepEqual(
    dry.map((d) => [d.key, d.action]),
    [
      ['04C0FFEE', 'conflict'],
      ['04C0FFEF', 'create'],
    ],
  );
  assert.equal(steve.writes.length, 0, 'a dry run writes nothing');
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.conflicts, 1);
  assert.equal(steve.tags.get(901)?.parentIdTag, 'OTHER', 'nothing overwritten silently');
  const conflicts = await callOk(core, 'sync.conflicts', {});
  assert.equal(conflicts.length, 1);
  assert.equal(conflicts[0]?.payload.groupIdTag, 'FLEET');
  assert.equal(conflicts[0]?.theirs?.groupIdTag, 'OTHER');
  assert.equal(conflicts[0]?.theirs?.label, 'Boss car');
  const jobId = conflicts[0]?.id ?? 0;
  await callOk(core, 'sync.resolve', { jobId, choice: 'ours' });
  await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(steve.tags.get(901)?.parentIdTag, 'FLEET');
  assert.equal(steve.tags.get(901)?.note, 'Van');
  const again = await callRaw(core, 'sync.resolve', { jobId, choice: 'theirs' });
  assert.equal(again.ok, false);
});

test('taking the CSMS side of a conflict changes the card here and sends nothing to that CSMS', async (t) => {
  const steve = await startSteveServer(t, { password: PASSWORD });
  steve.tags.set(901, {
    ocppTagPk: 901,
    idTag: '04C0FFEE',
    parentIdTag: null,
    expiryDate: '2030-01-01T00:00:00.000Z',
    maxActiveTransactionCount: -1,
    note: 'Boss car / Anna',
  });
  const core = testCore(t);
  const { card } = await callOk(core, 'cards.enroll', { uid: '04C0FFEE', label: 'Van' });
  await callOk(core, 'sync.add', {
    kind: 'steve',
    name: 'company',
    baseUrl: steve.url,
    user: 'api',
    credential: PASSWORD,
  });
  await callOk(core, 'sync.run', { connector: 'company' });
  const [conflict] = await callOk(core, 'sync.conflicts', { connector: 'company' });
  await callOk(core, 'sync.resolve', { jobId: conflict?.id ?? 0, choice: 'theirs' });
  const cards = await callOk(core, 'cards.list', {});
  const here = cards.find((c) => c.id === card.id);
  assert.equal(here?.label, 'Boss car');
  assert.equal(here?.owner, 'Anna');
  assert.equal(here?.validUntil, '2030-01-01T00:00:00.000Z');
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.delivered, 0);
  assert.equal(steve.writes.length, 0);
});

test('the CSMS password never appears in the outbox, the audit log, the core log or an error', async (t) => {
  const { steve, core, dataDir } = await setup(t, { cards: 2 });
  steve.setPassword('another');
  const reply = await callRaw(core, 'sync.run', { connector: 'company' });
  assert.equal(reply.ok, true);
  const status = await callOk(core, 'sync.status', {});
  assert.ok(!JSON.stringify(status).includes(PASSWORD));
  const dump = (sql: string) => JSON.stringify(core.store.db.prepare(sql).all());
  for (const table of ['sync_outbox', 'audit_log', 'connectors', 'sync_pushed', 'trace_frames', 'settings']) {
    assert.ok(!dump(`SELECT * FROM ${table}`).includes(PASSWORD), table);
  }
  // It is sent only as the basic-auth header, base64 inside it, never in the URL.
  assert.ok(steve.requests.every((r) => !r.path.includes(PASSWORD)));
  await core.close();
  for (const file of readdirSync(join(dataDir, 'logs'))) {
    assert.ok(!readFileSync(join(dataDir, 'logs', file), 'utf8').includes(PASSWORD), file);
  }
});

test('a station for SteVe, whose API cannot add one, waits as "by hand" with exactly what to enter', async (t) => {
  const { core } = await setup(t);
  queueStation(
    core.store,
    {
      identity: 'WB-0007',
      ocppVersion: '1.6',
      securityProfile: 1,
      siteName: null,
      vendor: null,
      model: null,
      serialNumber: null,
      firmwareVersion: null,
      connectors: null,
      maxCurrentA: null,
    },
    null,
  );
  const summary = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(summary.manual, 1);
  const [status] = await callOk(core, 'sync.status', { connector: 'company' });
  const job = status?.open.find((j) => j.kind === 'station.register');
  assert.equal(job?.state, 'manual');
  assert.equal(job?.lastError?.code, 'CSMS_CAPABILITY_MISSING');
  assert.deepEqual(job?.manualSteps?.[0], {
    capability: 'station.register',
    messageKey: 'sync.manual.steve.station',
    params: { identity: 'WB-0007', profile: 1 },
  });
});

test('a card the CSMS refuses fails with its words and waits again only when the user retries it', async (t) => {
  const { steve, core } = await setup(t);
  // SteVe refuses an expiry it cannot parse: 400 with its own message.
  core.store.write(() =>
    core.store.db
      .prepare(
        "INSERT INTO cards (uid, source, label, valid_until, created_at, updated_at) VALUES (X'04BADBAD', 'typed', 'Bad', 'not a date', 'x', 'x')",
      )
      .run(),
  );
  const first = await callOk(core, 'sync.run', { connector: 'company' });
  assert.equal(first.failed, 1);
  const [status] = await callOk(core, 'sync.status', { connector: 'company' });
  const failed = status?.open.find((j) => j.state === 'failed');
  assert.equal(failed?.lastError?.code, 'CSMS_REJECTED');
  assert.match(String(failed?.lastError?.params.detail), /HTTP 400: expiryDate: cannot be parsed/);
  assert.equal((await callOk(core, 'sync.run', { connector: 'company' })).failed, 0, 'not retried by itself');
  core.store.write(() =>
    core.store.db.prepare("UPDATE cards SET valid_until = NULL WHERE label = 'Bad'").run(),
  );
  assert.equal(
    (await callOk(core, 'sync.run', { connector: 'company' })).delivered,
    1,
    'a change queues it anew',
  );
  // The failed job was replaced by the change: retrying does not send the refused values again.
  assert.equal(await callOk(core, 'sync.retry', { connector: 'company' }).then((r) => r.retried), 0);
  const [after] = await callOk(core, 'sync.status', { connector: 'company' });
  assert.equal(after?.open.length, 0);
  assert.equal(steve.writes.filter((w) => w.idTag === '04BADBAD').length, 1);
});
