// The file export "connector" for a CSMS without an API: the cards as CSV (plain or SteVe's columns) or
// OCPI-shaped JSON written to a folder, and the waiting jobs marked "handed over by file" with that file.
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../api/errors.ts';
import { exportCards } from '../cards/csv-export.ts';
import type { Store } from '../store/database.ts';
import type { CsmsConnector } from './connector.ts';
import type { ConnectorInfo } from './connectors-store.ts';
import type { SyncRunSummary } from './worker.ts';

/** Writes the file and marks the jobs in one go; a revoked card cannot be said in a full list: by hand. */
export function handOverByFile(store: Store, info: ConnectorInfo): SyncRunSummary & { file: string } {
  let dir: string;
  try {
    dir = fileURLToPath(info.baseUrl);
  } catch (error) {
    throw new AppError(
      'CSMS_UNREACHABLE',
      { name: info.name, reason: 'not a file:// folder' },
      { cause: error },
    );
  }
  const exported = exportCards(store, {
    shape: info.settings.shape ?? 'plain',
    countryCode: info.settings.countryCode,
    partyId: info.settings.partyId,
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}-${exported.filename}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, exported.content, { mode: 0o600 });
  } catch (error) {
    throw new AppError(
      'CSMS_UNREACHABLE',
      { name: info.name, reason: (error as NodeJS.ErrnoException).code ?? 'write failed' },
      { cause: error },
    );
  }
  return store.write(() => {
    const now = store.now();
    const delivered = store.db
      .prepare(
        "UPDATE sync_outbox SET state = 'done', handed_over = ?, last_error = NULL, done_at = ?, updated_at = ? WHERE connector_id = ? AND state = 'pending' AND kind = 'token.upsert'",
      )
      .run(file, now, now, info.id).changes;
    const manual = store.db
      .prepare(
        "UPDATE sync_outbox SET state = 'manual', last_error = ?, updated_at = ? WHERE connector_id = ? AND state = 'pending' AND kind <> 'token.upsert'",
      )
      .run(
        JSON.stringify({
          code: 'CSMS_CAPABILITY_MISSING',
          params: { name: info.name, capability: 'token.revoke' },
        }),
        now,
        info.id,
      ).changes;
    return {
      connector: info.name,
      delivered,
      conflicts: 0,
      failed: 0,
      manual,
      retried: 0,
      pending: 0,
      stoppedBy: null,
      file,
    };
  });
}

/** The file export as a connector: no API, so every capability is by hand; its test checks the folder. */
export function fileConnector(info: ConnectorInfo): CsmsConnector {
  return {
    kind: 'file',
    name: info.name,
    capabilities: new Set(),
    manualSteps: (station) => [
      {
        capability: 'station.register',
        messageKey: 'sync.manual.file.station',
        params: { identity: station.identity, profile: station.securityProfile },
      },
    ],
    async testConnection() {
      try {
        const dir = fileURLToPath(info.baseUrl);
        mkdirSync(dir, { recursive: true });
        accessSync(dir, constants.W_OK);
        return [{ step: 'url', ok: true, detail: dir }];
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'not a file:// folder';
        return [
          { step: 'url', ok: false, detail: `${info.baseUrl}: ${reason}`, errorCode: 'CSMS_UNREACHABLE' },
        ];
      }
    },
  };
}
