// The company CSMSs set up on this laptop: kind, name, address and settings in the database, the
// credential only in the vault (purpose csms-credential). Adding one queues every existing card for it.
import { AppError } from '../api/errors.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import type { ConnectorKind } from './connector.ts';

export const CREDENTIAL_PURPOSE = 'csms-credential';

export interface ConnectorSettings {
  /** Basic-auth user (SteVe), tenant (CitrineOS) and the like: never a secret. */
  user?: string | undefined;
  tenantId?: number | undefined;
  /** Requests in flight at once for this CSMS. */
  concurrency?: number | undefined;
  timeoutS?: number | undefined;
  /** First retry delay; doubles per attempt up to backoffMaxMs, with jitter. */
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /** A company CA (PEM) the CSMS's certificate is issued by. */
  caCertificate?: string | undefined;
  /** File export: the file's shape and, for OCPI, the eMSP's country code and party id. */
  shape?: 'plain' | 'steve' | 'ocpi' | undefined;
  countryCode?: string | undefined;
  partyId?: string | undefined;
  /** CitrineOS: its GraphQL (Hasura) endpoint when not beside the REST API. */
  graphqlUrl?: string | undefined;
  /** OCPI: true once the credentials handshake gave token C (then the stored credential is token C). */
  registered?: boolean | undefined;
  /** OCPI: the CPO's party as its credentials named it (the OCPI-to-* headers). */
  cpo?: { countryCode: string; partyId: string } | null | undefined;
}

export interface ConnectorInfo {
  id: number;
  kind: ConnectorKind;
  name: string;
  baseUrl: string;
  settings: ConnectorSettings;
  hasCredential: boolean;
  createdAt: string;
  updatedAt: string;
}

interface ConnectorRow {
  id: number;
  kind: ConnectorKind;
  name: string;
  base_url: string;
  settings: string;
  secret_id: number | null;
  created_at: string;
  updated_at: string;
}

function toInfo(row: ConnectorRow): ConnectorInfo {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    baseUrl: row.base_url,
    settings: JSON.parse(row.settings) as ConnectorSettings,
    hasCredential: row.secret_id !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listConnectors(store: Store): ConnectorInfo[] {
  return (store.db.prepare('SELECT * FROM connectors ORDER BY name').all() as ConnectorRow[]).map(toInfo);
}

export function connectorRow(store: Store, nameOrId: string | number): ConnectorRow {
  const row = (
    typeof nameOrId === 'number' || /^\d+$/.test(nameOrId)
      ? store.db
          .prepare('SELECT * FROM connectors WHERE id = ? OR name = ?')
          .get(Number(nameOrId), String(nameOrId))
      : store.db.prepare('SELECT * FROM connectors WHERE name = ?').get(nameOrId)
  ) as ConnectorRow | undefined;
  if (!row) throw new AppError('CSMS_CONNECTOR_NOT_FOUND', { id: String(nameOrId) });
  return row;
}

export function getConnector(store: Store, nameOrId: string | number): ConnectorInfo {
  return toInfo(connectorRow(store, nameOrId));
}

/** The connector's credential lent to fn; null when none is stored. */
export function lendCredential<T>(
  store: Store,
  vault: Vault,
  id: number,
  fn: (secret: string | null) => T,
): T {
  const row = connectorRow(store, id);
  return row.secret_id === null ? fn(null) : vault.use(row.secret_id, fn);
}

export interface ConnectorInput {
  kind: ConnectorKind;
  name: string;
  baseUrl: string;
  settings: ConnectorSettings;
  /** The API password or token; stored in the vault only. */
  credential?: string | undefined;
}

/**
 * Adds a CSMS, or updates the one of that name (a rotated password). Adding queues every card for it;
 * new credentials make its waiting jobs due now, so a sync stopped by CSMS_AUTH_FAILED resumes.
 */
export function saveConnector(
  store: Store,
  vault: Vault,
  actor: string,
  input: ConnectorInput,
): ConnectorInfo {
  const existing = store.db.prepare('SELECT * FROM connectors WHERE name = ?').get(input.name) as
    | ConnectorRow
    | undefined;
  const secret =
    input.credential === undefined
      ? null
      : vault.put(actor, CREDENTIAL_PURPOSE, `csms:${input.name}`, input.credential);
  return store.write(() => {
    const now = store.now();
    let id: number;
    if (existing) {
      id = existing.id;
      store.db
        .prepare(
          'UPDATE connectors SET kind = ?, base_url = ?, settings = ?, secret_id = ?, updated_at = ? WHERE id = ?',
        )
        .run(
          input.kind,
          input.baseUrl,
          JSON.stringify({ ...(JSON.parse(existing.settings) as ConnectorSettings), ...input.settings }),
          secret?.id ?? existing.secret_id,
          now,
          id,
        );
      if (secret) {
        store.db
          .prepare(
            "UPDATE sync_outbox SET next_attempt_at = ?, updated_at = ? WHERE connector_id = ? AND state = 'pending'",
          )
          .run(now, now, id);
      }
    } else {
      id = Number(
        store.db
          .prepare(
            'INSERT INTO connectors (kind, name, base_url, settings, secret_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            input.kind,
            input.name,
            input.baseUrl,
            JSON.stringify(input.settings),
            secret?.id ?? null,
            now,
            now,
          ).lastInsertRowid,
      );
      store.db
        .prepare(
          `INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
           SELECT ?, CASE WHEN k.blocked_at IS NULL THEN 'token.upsert' ELSE 'token.revoke' END, hex(k.uid),
             json_object('uid', hex(k.uid), 'label', k.label, 'owner', k.owner,
               'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = k.group_id),
               'validUntil', k.valid_until,
               'valid', json(CASE WHEN k.blocked_at IS NULL THEN 'true' ELSE 'false' END)),
             'pending', ?, ?, ? FROM cards k ORDER BY k.id`,
        )
        .run(id, now, now, now);
    }
    const info = toInfo(connectorRow(store, id));
    recordAudit(store, {
      actor,
      action: existing ? 'csms.update' : 'csms.add',
      entity: 'connector',
      entityId: id,
      after: { kind: info.kind, name: info.name, baseUrl: info.baseUrl, settings: info.settings },
    });
    return info;
  });
}
