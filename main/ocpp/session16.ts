// OCPP 1.6-J station session: GetConfiguration / ChangeConfiguration, Reset, TriggerMessage and the
// local authorization list (SendLocalList with idTagInfo and parentIdTag as the group).
import { AppError } from '../api/errors.ts';
import { isPlainText, plainPayloads } from '../log/redact.ts';
import { type CallOptions, createCaller } from './call.ts';
import { plainCardCheck, sameCardInfo } from './local-list-push.ts';
import type { OcppPeer } from './peer.ts';
import {
  type ConfigRead,
  type LocalListStatus,
  listLimits,
  type SessionContext,
  type StationSession,
  statusOf,
} from './session.ts';
import type { ConfigEntry, LocalListEntry, SettingResult, SettingStatus } from './types.ts';

interface KeyValue16 {
  key: string;
  readonly: boolean;
  value?: string;
}

const writeOnly16 = new Set(['AuthorizationKey']);

interface IdTagInfo16 {
  status: string;
  parentIdTag?: string;
  expiryDate?: string;
}

/**
 * SendLocalList's payload, a module function rather than one per session: each box's session (and each
 * new core) uses the code already made fast by the pushes before it. Built field by field (no spread
 * copies per entry): a 10,000-card list is 10,000 of these. Each text is looked at on the way (a hex UID
 * in a few steps): a list of plain texts is traced as it is sent, without scanning it for secrets.
 */
export const localListPayload16: StationSession['localListPayload'] = (
  version,
  update,
  entries,
  removals,
) => {
  const list: Array<{ idTag: string; idTagInfo?: IdTagInfo16 }> = [];
  const plainCard = plainCardCheck();
  let allPlain = isPlainText(update);
  let idTagInfo: IdTagInfo16 | undefined;
  let last: LocalListEntry | undefined;
  for (const e of entries) {
    tagFits(e.idTag);
    // Cards alike (status, group, expiry) share one idTagInfo: the same text, half the objects to make
    // and keep while the part is out. Nothing changes a payload once it is built.
    if (!idTagInfo || !last || !sameCardInfo(e, last)) {
      idTagInfo = { status: e.status };
      if (e.group) idTagInfo.parentIdTag = e.group;
      if (e.expiryDate) idTagInfo.expiryDate = e.expiryDate;
    }
    last = e;
    list.push({ idTag: e.idTag, idTagInfo });
    allPlain &&= plainCard(e);
  }
  for (const r of removals) {
    tagFits(r.idTag);
    list.push({ idTag: r.idTag });
    allPlain &&= isPlainText(r.idTag);
  }
  const payload = {
    listVersion: version,
    updateType: update,
    ...(list.length > 0 ? { localAuthorizationList: list } : {}),
  };
  if (allPlain) plainPayloads.add(payload);
  return payload;
};

/** An idTag is at most 20 characters in 1.6. */
function tagFits(idTag: string): void {
  if (idTag.length > 20) throw new AppError('VALIDATION_FAILED', { method: 'SendLocalList', fields: idTag });
}

export function createSession16(peer: OcppPeer, context: SessionContext): StationSession {
  const caller = createCaller(peer, context.identity, context.callTimeoutMs, context.onTolerated);
  const { identity } = context;

  async function readSnapshot(options?: CallOptions): Promise<ConfigRead> {
    const answer = await caller.call<{ configurationKey?: KeyValue16[]; unknownKey?: string[] }>(
      'GetConfiguration',
      {},
      options,
    );
    const entries: ConfigEntry[] = (answer.configurationKey ?? []).map((k) => ({
      key: k.key,
      value: writeOnly16.has(k.key) ? null : (k.value ?? null),
      readonly: k.readonly,
      ...(writeOnly16.has(k.key) ? { writeOnly: true } : {}),
    }));
    return { entries: entries.sort((a, b) => a.key.localeCompare(b.key)), readVia: 'get-configuration' };
  }

  return {
    identity,
    ocppVersion: '1.6',
    call: caller.call,

    readConfiguration: async (options) => (await readSnapshot(options)).entries,
    readSnapshot,

    async changeSettings(changes, options) {
      const results: SettingResult[] = [];
      // One key per ChangeConfiguration: the spec has no batch, and each key gets its own answer.
      for (const change of changes) {
        const answer = await caller.call<{ status: SettingStatus }>(
          'ChangeConfiguration',
          { key: change.key, value: change.value },
          options,
        );
        results.push({ key: change.key, status: answer.status });
      }
      return results;
    },

    reset: (kind, options) => statusOf(caller, 'Reset', { type: kind === 'hard' ? 'Hard' : 'Soft' }, options),

    trigger: (message, options) => statusOf(caller, 'TriggerMessage', { requestedMessage: message }, options),

    async localListVersion(options) {
      const answer = await caller.call<{ listVersion: number }>('GetLocalListVersion', {}, options);
      return answer.listVersion;
    },

    localListLimits: (configuration) =>
      listLimits(configuration, {
        enabled: 'LocalAuthListEnabled',
        items: 'SendLocalListMaxLength',
        bytes: null,
        entries: 'LocalAuthListMaxLength',
      }),

    localListPayload: localListPayload16,

    sendLocalList: async (payload, options) =>
      (await statusOf(caller, 'SendLocalList', payload, options)) as LocalListStatus,
  };
}
