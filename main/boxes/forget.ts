// Forgetting a box: everything the tool stored about it goes in one audited transaction (its runs and
// reports, snapshots, trace, card list, card format, group places, its passwords), refused while a run of
// it is unfinished. And the other side: a box's password cannot be deleted alone while the box is known.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../api/errors.ts';
import { boxFolder } from '../files/box-folder.ts';
import { BOX_PASSWORD_NEXT_PURPOSE, BOX_PASSWORD_PURPOSE } from '../ocpp/box-passwords.ts';
import { recordAudit } from '../store/audit.ts';
import { dropCsmsAdmitted } from '../store/settings.ts';
import { type BoxSources, credentialsOf, forgetPlan, showBox } from './overview.ts';
import type { ForgetResult, SecretUsage } from './types.ts';

export function forgetBox(sources: BoxSources, actor: string, identity: string): ForgetResult {
  const { store, vault } = sources;
  const result = store.write(() => {
    const box = showBox(sources, identity);
    const plan = forgetPlan(sources, identity, box.runs);
    if (plan.blockedBy)
      throw new AppError('BOX_RUN_UNFINISHED', {
        identity,
        run: plan.blockedBy.id,
        status: plan.blockedBy.status,
      });
    for (const credential of credentialsOf(vault, identity)) vault.delete(actor, credential.id);
    for (const table of [
      'commissioning_runs',
      'config_snapshots',
      'trace_frames',
      'station_local_lists',
      'station_uid_formats',
      'box_files',
      'file_jobs',
    ])
      store.db.prepare(`DELETE FROM ${table} WHERE identity = ?`).run(identity);
    // group_stations go with the station row (ON DELETE CASCADE).
    store.db.prepare('DELETE FROM stations WHERE identity = ?').run(identity);
    dropCsmsAdmitted(store, identity);
    const { blockedBy: _b, ...lost } = plan;
    recordAudit(store, {
      actor,
      action: 'station.forget',
      entity: 'station',
      entityId: box.stationId ?? identity,
      before: { identity, vendor: box.vendor, model: box.model, serialNumber: box.serialNumber, ...lost },
    });
    return { identity, ...lost, stillConnected: box.connection.state !== 'offline' };
  });
  // The files it uploaded (main/files) go with their rows, once those are gone for good.
  rmSync(boxFolder(dirname(store.file), identity), { recursive: true, force: true });
  return result;
}

/** Who relies on a secret: the box whose password it is (while the tool knows the box), a company CSMS. */
export function secretUsage(sources: BoxSources, id: number): SecretUsage {
  const secret = sources.vault.list().find((s) => s.id === id);
  if (!secret) throw new AppError('NOT_FOUND', { entity: 'secret', id });
  const usedBy: SecretUsage['usedBy'] = [];
  if (secret.purpose === BOX_PASSWORD_PURPOSE || secret.purpose === BOX_PASSWORD_NEXT_PURPOSE) {
    const known =
      sources.store.db.prepare('SELECT 1 FROM stations WHERE identity = ?').get(secret.label) !== undefined ||
      sources.ocpp.status().boxes.some((b) => b.identity === secret.label);
    if (known) usedBy.push({ kind: 'box', name: secret.label });
  }
  const connectors = sources.store.db
    .prepare('SELECT name FROM connectors WHERE secret_id = ? ORDER BY name')
    .all(id) as Array<{ name: string }>;
  for (const c of connectors) usedBy.push({ kind: 'connector', name: c.name });
  return { id, purpose: secret.purpose, label: secret.label, usedBy };
}

/** Deletes a secret nothing relies on; one a box or a company CSMS uses is refused, naming it. */
export function deleteUnusedSecret(sources: BoxSources, actor: string, id: number): void {
  sources.store.write(() => {
    const usage = secretUsage(sources, id);
    const user = usage.usedBy[0];
    if (user)
      throw new AppError(user.kind === 'box' ? 'SECRET_USED_BY_BOX' : 'SECRET_USED_BY_CSMS', {
        label: usage.label,
        name: user.name,
      });
    sources.vault.delete(actor, id);
  });
}
