// A lost or wrong vault key, through the real `wbc` on a real data folder: refused with a typed error and
// a way out, nothing made or overwritten (no new key, no new CA), and a reset only when confirmed.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { openCore } from '../../main/core.ts';
import { keyFilePath } from '../../main/store/vault-key.ts';
import { wbc } from '../support/cli.ts';
import { callOk } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

/** A data folder as a technician's laptop has it: a box password and the local CSMS's CA in the vault. */
async function dataFolderWithSecrets(t: TestContext): Promise<{ dir: string; ca: string }> {
  const dir = tempDir(t);
  const core = openCore({ dataDir: dir, defaultLanguage: 'en' });
  await callOk(core, 'secrets.put', {
    purpose: 'ocpp-basic-auth',
    label: 'WB-0001',
    value: 'Wallbox-Pass_2026:Depot@North',
  });
  const ca = (await callOk(core, 'csms.certificate', {})).caFingerprint;
  await core.close();
  return { dir, ca };
}

/** The database file's bytes (the core checkpoints its WAL when it closes). */
function dbBytes(dir: string): Buffer {
  return readFileSync(join(dir, 'commissioner.db'));
}

test('with vault.key deleted, info and csms ca refuse (VAULT_KEY_MISSING) and neither a key nor a CA is made', async (t) => {
  const { dir } = await dataFolderWithSecrets(t);
  rmSync(keyFilePath(dir));
  const before = dbBytes(dir);

  const info = await wbc(['info', '--data-dir', dir]);
  assert.equal(info.code, 1);
  assert.match(info.stderr, /VAULT_KEY_MISSING/);
  assert.match(info.stderr, /holds 4 secrets/);
  assert.match(info.stderr, /Restore the key file from your backup/);
  assert.match(info.stderr, /wbc vault reset --yes/);
  assert.equal(existsSync(keyFilePath(dir)), false, 'no new key was made');

  const caRun = await wbc(['csms', 'ca', '--data-dir', dir]);
  assert.equal(caRun.code, 1);
  assert.match(caRun.stderr, /VAULT_KEY_MISSING/);
  assert.equal(existsSync(keyFilePath(dir)), false);
  assert.ok(dbBytes(dir).equals(before), 'the database was not written');
});

test('a restored key opens the same CA again; another key is refused as VAULT_KEY_MISMATCH', async (t) => {
  const { dir, ca } = await dataFolderWithSecrets(t);
  const backup = join(tempDir(t), 'vault.key.backup');
  copyFileSync(keyFilePath(dir), backup);
  writeFileSync(keyFilePath(dir), Buffer.alloc(32, 7), { mode: 0o600 });

  const wrong = await wbc(['csms', 'ca', '--data-dir', dir]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /VAULT_KEY_MISMATCH/);
  assert.match(wrong.stderr, /does not open the 4 secrets/);

  copyFileSync(backup, keyFilePath(dir));
  const right = await wbc(['csms', 'ca', '--json', '--data-dir', dir]);
  assert.equal(right.code, 0, right.stderr);
  assert.equal(JSON.parse(right.stdout).caFingerprint, ca);
});

test('wbc vault reset says what is lost and deletes nothing without --yes; with --yes the tool starts anew', async (t) => {
  const { dir, ca } = await dataFolderWithSecrets(t);
  rmSync(keyFilePath(dir));

  const asked = await wbc(['vault', 'reset', '--data-dir', dir]);
  assert.equal(asked.code, 1);
  assert.match(asked.stderr, /deletes 1 stored box passwords/);
  assert.match(
    asked.stderr,
    new RegExp(`CA \\(fingerprint ${ca}\\): every box that trusts it must be given the new one`),
  );
  assert.match(asked.stderr, /VAULT_RESET_NOT_CONFIRMED/);
  assert.match((await wbc(['info', '--data-dir', dir])).stderr, /VAULT_KEY_MISSING/, 'nothing was deleted');

  const reset = await wbc(['vault', 'reset', '--yes', '--data-dir', dir]);
  assert.equal(reset.code, 0, reset.stderr);
  assert.match(reset.stdout, /1 box passwords and 0 other secrets deleted/);

  const info = await wbc(['info', '--data-dir', dir]);
  assert.equal(info.code, 0, info.stderr);
  assert.ok(existsSync(keyFilePath(dir)), 'a new key for a vault that holds nothing');
  const fresh = await wbc(['csms', 'ca', '--json', '--data-dir', dir]);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.notEqual(JSON.parse(fresh.stdout).caFingerprint, ca);
  const audit = await wbc(['audit', '--json', '--data-dir', dir]);
  assert.match(audit.stdout, /"vault\.reset"/);
});

test('csms ca --renew replaces a CA only with --yes, and says the boxes need the new one', async (t) => {
  const { dir, ca } = await dataFolderWithSecrets(t);
  const asked = await wbc(['csms', 'ca', '--renew', '--data-dir', dir]);
  assert.equal(asked.code, 1);
  assert.match(asked.stderr, /CSMS_CA_RENEW_NOT_CONFIRMED/);
  assert.equal(JSON.parse((await wbc(['csms', 'ca', '--json', '--data-dir', dir])).stdout).caFingerprint, ca);

  const renewed = await wbc(['csms', 'ca', '--renew', '--yes', '--json', '--data-dir', dir]);
  assert.equal(renewed.code, 0, renewed.stderr);
  assert.notEqual(JSON.parse(renewed.stdout).caFingerprint, ca);
  assert.match(renewed.stderr, /Give every box that trusted it the new one/);
});
