// The secret vault on a real database and key file: values sealed at rest, never handed out by the
// api, a key file others can read refused, and a replaced key reported instead of garbage returned.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { keyFilePath } from '../../main/store/vault-key.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

const PASSWORD = 'Wallbox-Pass_2026:Depot@North';

test('a stored password is sealed at rest: neither the database nor its WAL holds it', async (t) => {
  const core = testCore(t);
  await callOk(core, 'secrets.put', { purpose: 'ocpp-basic-auth', label: 'WB-0001', value: PASSWORD });
  core.store.db.pragma('wal_checkpoint(PASSIVE)');
  for (const file of [core.store.file, `${core.store.file}-wal`]) {
    const bytes = readFileSync(file, { flag: 'r' });
    assert.equal(bytes.includes(Buffer.from(PASSWORD)), false, file);
  }
});

test('the api lists and stores secrets without ever returning a value', async (t) => {
  const core = testCore(t);
  const stored = await callOk(core, 'secrets.put', {
    purpose: 'ocpp-basic-auth',
    label: 'WB-0001',
    value: PASSWORD,
  });
  const listed = await callOk(core, 'secrets.list', {});
  const audit = await callOk(core, 'audit.list', {});
  for (const value of [stored, listed, audit]) assert.doesNotMatch(JSON.stringify(value), /Wallbox-Pass/);
  assert.deepEqual(Object.keys(stored).sort(), ['createdAt', 'id', 'label', 'purpose', 'updatedAt']);
  assert.equal(
    core.vault.use(stored.id, (v) => v),
    PASSWORD,
  );
});

test('replacing a secret keeps one entry, deleting it removes the value', async (t) => {
  const core = testCore(t);
  const first = await callOk(core, 'secrets.put', {
    purpose: 'csms-token',
    label: 'OCPI',
    value: 'token-one-aaaaaaaa',
  });
  const second = await callOk(core, 'secrets.put', {
    purpose: 'csms-token',
    label: 'OCPI',
    value: 'token-two-bbbbbbbb',
  });
  assert.equal(first.id, second.id);
  assert.equal(
    core.vault.use(second.id, (v) => v),
    'token-two-bbbbbbbb',
  );
  await callOk(core, 'secrets.delete', { id: second.id });
  assert.deepEqual(await callOk(core, 'secrets.list', {}), []);
  const again = await callRaw(core, 'secrets.delete', { id: second.id });
  assert.equal(again.ok ? 'ok' : again.error.code, 'NOT_FOUND');
});

test('the key file is created readable by its owner only', (t) => {
  const core = testCore(t);
  assert.equal(statSync(keyFilePath(core.dataDir)).mode & 0o777, 0o600);
  assert.equal(statSync(core.dataDir).mode & 0o077, 0);
});

test('a key file that others can read is refused with the chmod that fixes it', async (t) => {
  const dir = tempDir(t);
  await openCore({ dataDir: dir }).close();
  chmodSync(keyFilePath(dir), 0o644);
  assert.throws(
    () => openCore({ dataDir: dir }),
    (error: { code?: string; params?: { mode?: string } }) =>
      error.code === 'VAULT_KEY_UNSAFE' && error.params?.mode === '644',
  );
});

test('a truncated key file is refused, not used', async (t) => {
  const dir = tempDir(t);
  await openCore({ dataDir: dir }).close();
  writeFileSync(keyFilePath(dir), Buffer.alloc(7), { mode: 0o600 });
  assert.throws(
    () => openCore({ dataDir: dir }),
    (error: { code?: string }) => error.code === 'VAULT_KEY_INVALID',
  );
});

test('a key that did not seal the stored secrets is refused at open, naming the count, without a value', async (t) => {
  const dir = tempDir(t);
  const first = openCore({ dataDir: dir });
  first.vault.put('test', 'ocpp-basic-auth', 'WB-0002', PASSWORD);
  await first.close();
  writeFileSync(keyFilePath(dir), Buffer.alloc(32, 1), { mode: 0o600 });
  assert.throws(
    () => openCore({ dataDir: dir }),
    (error: { code?: string; params?: Record<string, unknown>; message: string }) =>
      error.code === 'VAULT_KEY_MISMATCH' && error.params?.count === 1 && !error.message.includes(PASSWORD),
  );
});

test("a ciphertext moved to another secret's row does not open", (t) => {
  const core = testCore(t);
  const a = core.vault.put('test', 'ocpp-basic-auth', 'WB-A', 'password-of-box-a');
  const b = core.vault.put('test', 'ocpp-basic-auth', 'WB-B', 'password-of-box-b');
  core.store.db.exec(
    `UPDATE secrets SET nonce = (SELECT nonce FROM secrets WHERE id = ${a.id}), ciphertext = (SELECT ciphertext FROM secrets WHERE id = ${a.id}), tag = (SELECT tag FROM secrets WHERE id = ${a.id}) WHERE id = ${b.id}`,
  );
  assert.throws(
    () => core.vault.use(b.id, (v) => v),
    (error: { code?: string }) => error.code === 'SECRET_UNREADABLE',
  );
});

test('the log folder does not receive the secret either', async (t) => {
  const core = testCore(t);
  await callOk(core, 'secrets.put', { purpose: 'ocpp-basic-auth', label: 'WB-0003', value: PASSWORD });
  await callRaw(core, 'secrets.put', { purpose: '', label: 'x', value: PASSWORD });
  let log = '';
  try {
    log = readFileSync(join(core.dataDir, 'logs', 'core.log'), 'utf8');
  } catch {
    log = '';
  }
  assert.doesNotMatch(log, /Wallbox-Pass/);
});

test("a box's OCPP password is shown only when asked, and the asking is audited; other secrets never", async (t) => {
  const core = testCore(t);
  const box = await callOk(core, 'secrets.put', {
    purpose: 'ocpp-basic-auth',
    label: 'WB-0009',
    value: PASSWORD,
  });
  const token = await callOk(core, 'secrets.put', {
    purpose: 'csms-token',
    label: 'OCPI',
    value: 'token-never-shown-123',
  });
  assert.deepEqual(await callOk(core, 'secrets.reveal', { id: box.id }), { value: PASSWORD });
  const refused = await callRaw(core, 'secrets.reveal', { id: token.id });
  assert.equal(refused.ok ? 'ok' : refused.error.code, 'SECRET_NOT_REVEALABLE');
  assert.doesNotMatch(JSON.stringify(refused), /token-never-shown/);
  const audit = await callOk(core, 'audit.list', { entity: 'secret' });
  assert.equal(audit[0]?.action, 'secret.reveal');
  assert.doesNotMatch(JSON.stringify(audit), /Wallbox-Pass/);
});
