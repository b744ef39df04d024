// CitrineOS 1.8 (citrineos-core): stations and authorizations through its GraphQL API (Hasura over the
// same PostgreSQL), a station's basic-auth password and boot state through its REST data API.
import { AppError } from '../api/errors.ts';
import { checkTransport } from './connection-test.ts';
import type {
  Capability,
  ConnectionCheck,
  CsmsConnector,
  ManualStep,
  RemoteToken,
  StationRecord,
  StationStatus,
  TokenRecord,
} from './connector.ts';
import { badShape, closeConnections, DEFAULT_MAX_ANSWER_BYTES, type HttpPeer, httpJson } from './http.ts';

export interface CitrineOptions {
  name: string;
  /** The REST API (Fastify, port 8080 by default), e.g. http://csms:8080 */
  baseUrl: string;
  /** Hasura's endpoint (port 8090 by default: http://csms:8090/v1/graphql); default: beside the REST API. */
  graphqlUrl?: string | undefined;
  /** Hasura's admin secret (x-hasura-admin-secret), lent from the vault for this connector's life only. */
  adminSecret: string | null;
  tenantId?: number | undefined;
  timeoutS?: number | undefined;
  caCertificate?: string | undefined;
}

const capabilities: ReadonlySet<Capability> = new Set([
  'station.register',
  'station.password',
  'station.status',
  'token.upsert',
  'token.revoke',
]);

/** CitrineOS accepts a basic-auth password of 16-40 characters of this set (UpdateChargingStationPasswordSchema). */
export const citrinePasswordPattern = /^[A-Za-z0-9*\-_=:+|@.]{16,40}$/;

/** RFID cards are ISO 14443 tokens in OCPP 2.0.1; the group is an Authorization of type Central. */
const CARD_TYPE = 'ISO14443';
const GROUP_TYPE = 'Central';
/** customData must name a vendor (OCPP CustomDataType): the label and owner travel there. */
const VENDOR = 'wallbox-commissioner';

interface AuthorizationRow {
  id: number;
  idToken: string;
  status: string;
  cacheExpiryDateTime: string | null;
  groupAuthorizationId: number | null;
  customData: { label?: string | null; owner?: string | null } | null;
}

const AUTH_FIELDS = 'id idToken status cacheExpiryDateTime groupAuthorizationId customData';

export function citrineosConnector(options: CitrineOptions): CsmsConnector {
  const name = options.name;
  const base = options.baseUrl.replace(/\/+$/, '');
  const graphqlUrl = options.graphqlUrl ?? `${base}/v1/graphql`;
  const tenantId = options.tenantId ?? 1;
  const timeoutS = options.timeoutS ?? 20;
  const groups = new Map<string, Promise<number>>();
  const peer: HttpPeer = {
    name,
    timeoutMs: timeoutS * 1000,
    maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
    caCertificate: options.caCertificate,
  };

  /** One GraphQL operation; Hasura answers errors with HTTP 200 and {errors:[{message, extensions:{code}}]}. */
  async function graphql<T>(
    action: string,
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<T> {
    const answer = await httpJson(
      peer,
      {
        action,
        method: 'POST',
        url: graphqlUrl,
        headers: options.adminSecret ? { 'x-hasura-admin-secret': options.adminSecret } : {},
        body: { query, variables },
      },
      signal,
    );
    const body = answer.json as {
      data?: T;
      errors?: Array<{ message?: string; extensions?: { code?: string } }>;
    } | null;
    const first = body?.errors?.[0];
    if (first) {
      const code = first.extensions?.code ?? '';
      if (['access-denied', 'invalid-jwt', 'invalid-headers', 'jwt-invalid-claims'].includes(code)) {
        throw new AppError('CSMS_AUTH_FAILED', { name, status: answer.status });
      }
      const detail = `${code || 'error'}: ${String(first.message ?? '').slice(0, 200)}`;
      if (['constraint-violation', 'validation-failed', 'data-exception', 'not-exists'].includes(code)) {
        throw new AppError('CSMS_REJECTED', { name, action, detail });
      }
      throw badShape(name, action, detail);
    }
    if (!body?.data) throw badShape(name, action, 'no data');
    return body.data;
  }

  async function findAuthorization(
    idToken: string,
    type: string,
    signal: AbortSignal,
  ): Promise<AuthorizationRow | null> {
    const data = await graphql<{ Authorizations: AuthorizationRow[] }>(
      `read card ${idToken}`,
      `query FindAuthorization($idToken: String!, $type: String!, $tenantId: Int!) {
        Authorizations(where: {idToken: {_eq: $idToken}, idTokenType: {_eq: $type}, tenantId: {_eq: $tenantId}}) { ${AUTH_FIELDS} }
      }`,
      { idToken, type, tenantId },
      signal,
    );
    if (!Array.isArray(data.Authorizations))
      throw badShape(name, `read card ${idToken}`, 'no Authorizations');
    return data.Authorizations[0] ?? null;
  }

  /** Inserts or updates one Authorization found by idToken and type first: safe to repeat. */
  async function putAuthorization(
    idToken: string,
    type: string,
    fields: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<number> {
    const existing = await findAuthorization(idToken, type, signal);
    if (existing) {
      await graphql(
        `update card ${idToken}`,
        `mutation UpdateAuthorization($id: Int!, $set: Authorizations_set_input!) {
          update_Authorizations_by_pk(pk_columns: {id: $id}, _set: $set) { id }
        }`,
        { id: existing.id, set: fields },
        signal,
      );
      return existing.id;
    }
    const data = await graphql<{ insert_Authorizations_one: { id: number } | null }>(
      `create card ${idToken}`,
      `mutation InsertAuthorization($object: Authorizations_insert_input!) {
        insert_Authorizations_one(object: $object) { id }
      }`,
      { object: { idToken, idTokenType: type, tenantId, ...fields } },
      signal,
    );
    const id = data.insert_Authorizations_one?.id;
    if (typeof id !== 'number') throw badShape(name, `create card ${idToken}`, 'no id');
    return id;
  }

  function groupId(tag: string, signal: AbortSignal): Promise<number> {
    let made = groups.get(tag.toLowerCase());
    if (!made) {
      made = putAuthorization(tag, GROUP_TYPE, { status: 'Accepted' }, signal);
      groups.set(tag.toLowerCase(), made);
      made.catch(() => groups.delete(tag.toLowerCase()));
    }
    return made;
  }

  async function upsert(
    token: TokenRecord,
    status: 'Accepted' | 'Blocked',
    signal: AbortSignal,
  ): Promise<void> {
    const group = token.groupIdTag ? await groupId(token.groupIdTag, signal) : null;
    await putAuthorization(
      token.idTag,
      CARD_TYPE,
      {
        status,
        cacheExpiryDateTime: token.validUntil,
        groupAuthorizationId: group,
        customData: { vendorId: VENDOR, label: token.label, owner: token.owner },
      },
      signal,
    );
  }

  async function setPassword(identity: string, password: string, signal: AbortSignal): Promise<void> {
    if (!citrinePasswordPattern.test(password)) {
      throw new AppError('CSMS_REJECTED', {
        name,
        action: `set the password of ${identity}`,
        detail: 'CitrineOS takes 16-40 characters of A-Z a-z 0-9 * - _ = : + | @ .',
      });
    }
    // REST data API: POST /data/configuration/password (the station must exist); setOnCharger false:
    // the tool has already written the password to the box itself.
    await httpJson(
      peer,
      {
        action: `set the password of ${identity}`,
        method: 'POST',
        url: `${base}/data/configuration/password?tenantId=${tenantId}`,
        body: { stationId: identity, password, setOnCharger: false },
      },
      signal,
    );
  }

  return {
    kind: 'citrineos',
    name,
    capabilities,
    async close() {
      closeConnections(peer);
    },
    manualSteps(): ManualStep[] {
      return [];
    },
    async testConnection(signal): Promise<ConnectionCheck[]> {
      const { checks } = await checkTransport(peer, graphqlUrl, signal);
      if (checks.some((c) => !c.ok)) return checks;
      try {
        await graphql('test', 'query Probe { ChargingStations(limit: 1) { id } }', {}, signal);
        checks.push({ step: 'auth', ok: true, detail: 'Hasura admin secret' });
        checks.push({ step: 'api-version', ok: true, detail: 'GraphQL ChargingStations, Authorizations' });
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'CSMS_UNREACHABLE';
        checks.push({
          step: code === 'CSMS_AUTH_FAILED' ? 'auth' : 'api-version',
          ok: false,
          detail: graphqlUrl,
          errorCode: code,
        });
      }
      return checks;
    },
    async registerStation(station: StationRecord, signal) {
      // GraphQL: insert_ChargingStations_one with on_conflict on the primary key (the station's id).
      await graphql(
        `register ${station.identity}`,
        `mutation RegisterStation($object: ChargingStations_insert_input!) {
          insert_ChargingStations_one(object: $object, on_conflict: {constraint: ChargingStations_pkey,
            update_columns: [protocol, chargePointVendor, chargePointModel, chargePointSerialNumber, firmwareVersion]}) { id }
        }`,
        {
          object: {
            id: station.identity,
            tenantId,
            isOnline: false,
            protocol: station.ocppVersion === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1',
            chargePointVendor: station.vendor,
            chargePointModel: station.model,
            chargePointSerialNumber: station.serialNumber,
            firmwareVersion: station.firmwareVersion,
          },
        },
        signal,
      );
      if (station.password !== null) await setPassword(station.identity, station.password, signal);
    },
    setStationPassword: setPassword,
    async stationStatus(identity, signal): Promise<StationStatus | null> {
      // What CitrineOS itself records: ChargingStations.isOnline (GraphQL) and the boot (REST data API).
      const data = await graphql<{
        ChargingStations_by_pk: { isOnline: boolean; updatedAt: string | null } | null;
      }>(
        `read ${identity}`,
        'query Station($id: String!) { ChargingStations_by_pk(id: $id) { isOnline updatedAt } }',
        { id: identity },
        signal,
      );
      const station = data.ChargingStations_by_pk;
      if (!station) return null;
      const boot = await httpJson(
        peer,
        {
          action: `read the boot of ${identity}`,
          method: 'GET',
          url: `${base}/data/configuration/boot?stationId=${encodeURIComponent(identity)}&tenantId=${tenantId}`,
          accept: [404],
        },
        signal,
      );
      const status = (boot.json as { status?: unknown } | null)?.status;
      return {
        connected: station.isOnline === true,
        bootStatus: status === 'Accepted' || status === 'Pending' || status === 'Rejected' ? status : null,
        lastSeen: station.updatedAt,
      };
    },
    async getToken(uid, signal): Promise<RemoteToken | null> {
      const row = await findAuthorization(uid, CARD_TYPE, signal);
      if (!row) return null;
      let group: string | null = null;
      if (row.groupAuthorizationId !== null) {
        const data = await graphql<{ Authorizations_by_pk: { idToken: string } | null }>(
          `read the group of ${uid}`,
          'query Group($id: Int!) { Authorizations_by_pk(id: $id) { idToken } }',
          { id: row.groupAuthorizationId },
          signal,
        );
        group = data.Authorizations_by_pk?.idToken ?? null;
      }
      return {
        uid,
        idTag: row.idToken,
        groupIdTag: group,
        validUntil: row.cacheExpiryDateTime,
        label: row.customData?.label ?? null,
        owner: row.customData?.owner ?? null,
        valid: row.status === 'Accepted',
        lastUpdated: null,
      };
    },
    upsertToken: (token, signal) => upsert(token, token.valid ? 'Accepted' : 'Blocked', signal),
    // Blocked, not deleted: CitrineOS keeps the transactions that name the card.
    revokeToken: (token, signal) => upsert(token, 'Blocked', signal),
  };
}
