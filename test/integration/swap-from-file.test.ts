// A box swap restored from a backup file (`wbc backup`) over real WebSockets on loopback: a second laptop
// that never knew the broken box moves its settings and cards from the file; the password is never invented;
// the file is hostile input and each bad one gets its own typed error, with nothing started.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BareCsms } from '../support/bare-csms.ts';
import { brokenBox, brokenBox201 } from '../support/broken-box.ts';
import { callOk, callRaw } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { until } from '../support/until.ts';

test('a laptop that never knew the broken box restores it from its backup file; no password is invented, a new one set on request', async (t) => {
  // Laptop A commissioned the box and made the backup; laptop B is on site with the replacement.
  const a = await coreWithCsms(t);
  const { password } = await brokenBox(t, a.core, a.url);
  const { json } = await callOk(a.core, 'config.backup', { identity: 'WB-OLD' });
  const b = await coreWithCsms(t);
  const replacement = await simBox(t, b.core, { ocppVersion: '1.6', endpoint: b.url, identity: 'FACTORY-F' });

  const plan = await callOk(b.core, 'commissioning.swapPlan', { backup: json, to: 'FACTORY-F' });
  assert.equal(plan.swap?.from, 'WB-OLD');
  assert.equal(plan.swap?.source.kind, 'file');
  assert.equal(plan.swap?.source.exportedAt, JSON.parse(json).exportedAt);
  assert.equal(plan.swap?.source.databaseSnapshot, null);
  // The broken box's password is in laptop A's vault, not here: said, and the plan is blocked without it.
  assert.deepEqual(
    plan.problems.map((p) => p.code),
    ['SWAP_NO_PASSWORD'],
  );
  assert.ok(plan.notes.some((n) => n.code === 'SWAP_PASSWORD_ELSEWHERE'));
  assert.equal(plan.writes.find((w) => w.key === 'CpoName')?.to, 'ACME Parking');
  assert.equal(plan.writes.find((w) => w.key === 'Cst_BackendUrl')?.to, a.url);
  assert.deepEqual(plan.swap?.cards, { version: 2, count: 4 });

  const started = await callOk(b.core, 'commissioning.swap', {
    backup: json,
    to: 'FACTORY-F',
    approval: 'auto',
    newPassword: true,
    verifyWindowS: 2,
  });
  const run = await b.core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error ?? run.state.plan?.problems));
  assert.equal(run.state.plan?.swap?.password, 'new');
  assert.ok(run.state.plan?.notes.some((n) => n.code === 'SWAP_NEW_PASSWORD'));
  const config = replacement.configuration();
  assert.equal(config.CpoName, 'ACME Parking');
  assert.equal(config.MeterValueSampleInterval, '15');
  assert.equal(replacement.localList().version >= 2, true);
  assert.equal(replacement.localList().entries.length, 4);
  // The new password: in laptop B's vault under the identity the box took, written to the box, not the old one.
  const kept = b.core.vault.list().find((s) => s.purpose === 'ocpp-basic-auth' && s.label === 'WB-OLD');
  assert.ok(kept);
  const newPassword = b.core.vault.use(kept.id, (v) => v);
  assert.notEqual(newPassword, password);
  assert.equal(replacement.secret('AuthorizationKey'), newPassword);
  await until(() => replacement.identity === 'WB-OLD', 20_000);
  // The restore is in laptop B's audit log: which file, what it moved; no password anywhere in it.
  const audit = await callOk(b.core, 'audit.list', { limit: 1000 });
  const restore = audit.find((row) => row.action === 'config.restore');
  assert.ok(restore, JSON.stringify(audit.map((r) => r.action)));
  assert.equal(restore.entityId, 'WB-OLD');
  assert.match(JSON.stringify(restore.after), /"cards":4/);
  assert.doesNotMatch(JSON.stringify(audit), new RegExp(`${newPassword}|${password}`));
});

test('a file of a box this laptop knows: its vault password moves, and the plan says the file (not the database) is used', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await brokenBox(t, core, url);
  const { json } = await callOk(core, 'config.backup', { identity: 'WB-OLD' });
  // The file differs from what the database knows: its value is the one that moves.
  const edited = JSON.parse(json) as { settings: Array<{ key: string; value: string | null }> };
  const cpo = edited.settings.find((s) => s.key === 'CpoName');
  assert.ok(cpo);
  cpo.value = 'From The File';
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'FACTORY-G' });
  const plan = await callOk(core, 'commissioning.swapPlan', {
    backup: JSON.stringify(edited),
    to: 'FACTORY-G',
  });
  assert.deepEqual(plan.problems, []);
  assert.equal(plan.swap?.source.kind, 'file');
  assert.ok(plan.swap?.source.databaseSnapshot, 'the database knows WB-OLD too: said');
  assert.equal(plan.swap?.password, 'moved');
  assert.equal(plan.writes.find((w) => w.key === 'CpoName')?.to, 'From The File');
  assert.equal(plan.writes.find((w) => w.key === 'AuthorizationKey')?.secret, true);
});

test('each bad backup file gets its own typed error and nothing starts', async (t) => {
  const { core, url } = await coreWithCsms(t);
  await brokenBox(t, core, url);
  const { json } = await callOk(core, 'config.backup', { identity: 'WB-OLD' });
  await simBox(t, core, { ocppVersion: '1.6', endpoint: url, identity: 'FACTORY-H' });
  const good = JSON.parse(json) as Record<string, unknown> & { settings: Array<Record<string, unknown>> };
  // The plan and the run refuse the file alike, with the same code.
  const refused = async (backup: string) => {
    const plan = await callRaw(core, 'commissioning.swapPlan', { backup, to: 'FACTORY-H' });
    const run = await callRaw(core, 'commissioning.swap', { backup, to: 'FACTORY-H', approval: 'auto' });
    if (plan.ok || run.ok) throw new Error('not refused');
    assert.equal(run.error.code, plan.error.code);
    return plan.error;
  };

  const large = await refused(`{"format":"${'x'.repeat(8 * 1024 * 1024)}"}`);
  assert.equal(large.code, 'BACKUP_FILE_TOO_LARGE');
  assert.match(large.message, /too large/);

  const cut = await refused(json.slice(0, json.length / 2));
  assert.equal(cut.code, 'BACKUP_FILE_NOT_JSON');

  // A template export, another tool's file: not a backup of this tool.
  const template = await refused(JSON.stringify({ name: 'Depot', csms: { url, securityProfile: 0 } }));
  assert.equal(template.code, 'BACKUP_FILE_WRONG_FORMAT');
  const other = await refused(JSON.stringify({ ...good, format: 'other-vendor.backup' }));
  assert.equal(other.code, 'BACKUP_FILE_WRONG_FORMAT');
  assert.match(other.message, /other-vendor\.backup/);

  const newer = await refused(JSON.stringify({ ...good, version: 2 }));
  assert.equal(newer.code, 'BACKUP_FILE_NEWER');
  assert.deepEqual(newer.params, { version: 2, supported: 1 });

  // Changed by hand: a value of the wrong type, an identity no box can have, a script where a card goes.
  const damaged = await refused(
    JSON.stringify({
      ...good,
      identity: 'WB:OLD',
      // A key that would clear the technician's terminal when printed.
      settings: [
        { ...good.settings[0], value: 5 },
        { key: '\u001b[2JCpoName', value: 'x', readonly: false },
      ],
      localList: { version: 2, cards: [{ idTag: '<script>', status: 'Owned', group: null }] },
    }),
  );
  assert.equal(damaged.code, 'BACKUP_FILE_INVALID');
  const paths = damaged.fields.map((f) => f.path);
  for (const path of ['identity', 'settings.0.value', 'settings.1.key', 'localList.cards.0.status'])
    assert.ok(paths.includes(path), paths.join());
  assert.match(damaged.message, /damaged or was changed by hand/);

  // One source only: a box and a file at once is a bad request.
  const both = await callRaw(core, 'commissioning.swapPlan', {
    from: 'WB-OLD',
    backup: json,
    to: 'FACTORY-H',
  });
  assert.equal(both.ok ? '' : both.error.code, 'VALIDATION_FAILED');
  assert.deepEqual(await callOk(core, 'commissioning.list', { identity: 'FACTORY-H' }), []);
});

test('the backup of a commissioned 2.0.1 box carries the CSMS connection the run gave it, so its file restores onto a 1.6 box', async (t) => {
  const company = await BareCsms.start(t);
  const a = await coreWithCsms(t);
  await brokenBox201(t, a.core, a.url, company, 'WB-201-F');
  const { json } = await callOk(a.core, 'config.backup', { identity: 'WB-201-F' });
  assert.deepEqual(JSON.parse(json).csms, { url: company.url('/ocpp'), securityProfile: 1 });

  const b = await coreWithCsms(t);
  await simBox(t, b.core, { ocppVersion: '1.6', endpoint: b.url, identity: 'FACTORY-J' });
  const plan = await callOk(b.core, 'commissioning.swapPlan', {
    backup: json,
    to: 'FACTORY-J',
    newPassword: true,
  });
  assert.deepEqual(plan.problems, []);
  assert.equal(plan.swap?.source.ocppVersion, '2.0.1');
  assert.equal(plan.writes.find((w) => w.key === 'Cst_BackendUrl')?.to, company.url('/ocpp'));
  assert.equal(plan.writes.find((w) => w.key === 'Cst_ChargeBoxId')?.to, 'WB-201-F');
  assert.equal(plan.writes.find((w) => w.key === 'SecurityProfile')?.to, '1');
  assert.equal(plan.swap?.password, 'new');
});
