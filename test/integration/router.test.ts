// The router against a real core: wrong argument types get a typed validation error naming the
// field, unknown methods a typed refusal, and an unexpected failure never leaks its message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { methods } from '../../main/api/contract.ts';
import { buildHandlers } from '../../main/api/handlers.ts';
import { createRouter } from '../../main/api/router.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';

test('wrong argument types get VALIDATION_FAILED with the fields, not a crash', async (t) => {
  const core = testCore(t);
  const reply = await callRaw(core, 'sites.create', { name: 42, extra: true });
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'VALIDATION_FAILED');
  assert.deepEqual(reply.error.fields.map((f) => f.path).sort(), ['(arguments)', 'name']);
  assert.match(reply.error.message, /not valid/);
  assert.ok(reply.error.remedy.length > 0);
  assert.deepEqual(await callOk(core, 'sites.list', {}), [], 'nothing was written');
});

test("a refused form speaks the user's language: the field by its label, the complaint in words, no schema English", async (t) => {
  const core = testCore(t);
  await callOk(core, 'settings.set', { language: 'de' });
  const reply = await callRaw(core, 'templates.save', {
    template: { name: '', csms: { url: 'http://x', securityProfile: 1 }, heartbeatIntervalS: 5 },
  });
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'VALIDATION_FAILED');
  const byPath = Object.fromEntries(reply.error.fields.map((f) => [f.path, f]));
  assert.equal(
    byPath['template.csms.url']?.issue ?? byPath['csms.url']?.issue,
    'eine ws://- oder wss://-Adresse',
  );
  const heartbeat = byPath['template.heartbeatIntervalS'] ?? byPath.heartbeatIntervalS;
  assert.equal(heartbeat?.issue, 'mindestens 10');
  const name = byPath['template.name'] ?? byPath.name;
  assert.equal(name?.issue, 'mindestens 1 Zeichen');
  // The message lists what the user reads next to the fields, never a dotted path or zod's English.
  assert.doesNotMatch(reply.error.message, /csms\.url|heartbeatIntervalS|Too small|Invalid/);
  for (const f of reply.error.fields) assert.doesNotMatch(f.issue, /Too small|Too big|Invalid|expected/);
});

test('arguments that are not an object at all are refused the same way', async (t) => {
  const core = testCore(t);
  for (const params of ['sites', 17, [1, 2], true]) {
    const reply = await callRaw(core, 'sites.create', params);
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'VALIDATION_FAILED', String(params));
  }
});

test('an unknown method is refused with UNKNOWN_METHOD', async (t) => {
  const core = testCore(t);
  const reply = await callRaw(core, 'sites.dropAll', {});
  assert.equal(reply.ok ? 'ok' : reply.error.code, 'UNKNOWN_METHOD');
  const proto = await callRaw(core, '__proto__', {});
  assert.equal(proto.ok ? 'ok' : proto.error.code, 'UNKNOWN_METHOD');
});

test('an unexpected failure answers INTERNAL with an incident number and keeps its message out', async (t) => {
  const core = testCore(t);
  const handlers = buildHandlers({
    store: core.store,
    vault: core.vault,
    ocpp: core.ocpp,
    commissioning: core.commissioning,
    info: () => {
      throw new Error('password=hunter2hunter2 leaked');
    },
    defaults: { language: 'en' },
    events: () => router,
  });
  const logged: unknown[] = [];
  const router = createRouter(handlers, { language: () => 'en', logInternal: (_id, e) => logged.push(e) });
  const reply = await router.call('app.info', {}, core.context('cli'));
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'INTERNAL');
  assert.match(reply.error.message, /incident [0-9a-f]{8}/);
  assert.doesNotMatch(JSON.stringify(reply), /hunter2/);
  assert.equal(logged.length, 1);
});

test('the core log masks a secret that reached an internal error', async (t) => {
  const core = testCore(t);
  core.log.log('error', 'internal error', {
    error: new Error('box said BasicAuthPassword=s3cretS3cretS3cret'),
  });
  const text = readFileSync(join(core.dataDir, 'logs', 'core.log'), 'utf8');
  assert.match(text, /BasicAuthPassword=\*\*\*/);
  assert.doesNotMatch(text, /s3cretS3cret/);
});

test('every method of the contract has a handler', (t) => {
  const core = testCore(t);
  const handlers = buildHandlers({
    store: core.store,
    vault: core.vault,
    ocpp: core.ocpp,
    commissioning: core.commissioning,
    info: () => core.router as never,
    defaults: { language: 'en' },
    events: () => core.router,
  });
  assert.deepEqual(Object.keys(handlers).sort(), Object.keys(methods).sort());
});

test('a committed write is announced as data.changed, a refused one is not', async (t) => {
  const core = testCore(t);
  const seen: string[] = [];
  core.router.subscribe((event, payload) => {
    if (event === 'data.changed') seen.push(`${event}:${(payload as { entity: string }).entity}`);
  });
  await callOk(core, 'sites.create', { name: 'Depot' });
  await callRaw(core, 'sites.create', { name: 'depot' });
  assert.deepEqual(seen, ['data.changed:site']);
});

test('a call that arrives while the core closes still gets an answer (no unhandled rejection)', async (t) => {
  const core = testCore(t);
  await core.close();
  const reply = await callRaw(core, 'sites.list', {});
  assert.equal(reply.ok, false);
  assert.ok(!reply.ok && reply.error.code && reply.error.message, JSON.stringify(reply));
});
