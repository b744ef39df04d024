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
