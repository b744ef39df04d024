// OCPP 1.6-J station session: GetConfiguration / ChangeConfiguration, Reset, TriggerMessage and the
// local authorization list (SendLocalList with idTagInfo and parentIdTag as the group).
import { AppError } from '../api/errors.ts';
import { createCaller } from './call.ts';
import type { OcppPeer } from './peer.ts';
import { type LocalListStatus, numberSetting, type SessionContext, type StationSession } from './session.ts';
import type { ConfigEntry, SettingResult, SettingStatus } from './types.ts';

interface KeyValue16 {
  key: string;
  readonly: boolean;
  value?: string;
}

const writeOnly16 = new Set(['AuthorizationKey']);

export function createSession16(peer: OcppPeer, context: SessionContext): StationSession {
  const caller = createCaller(peer, context.identity, context.callTimeoutMs);
  const { identity } = context;

  return {
    identity,
    ocppVersion: '1.6',
    call: caller.call,

    async readConfiguration(options) {
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
      return entries.sort((a, b) => a.key.localeCompare(b.key));
    },

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

    async reset(kind, options) {
      const answer = await caller.call<{ status: string }>(
        'Reset',
        { type: kind === 'hard' ? 'Hard' : 'Soft' },
        options,
      );
      return answer.status;
    },

    async trigger(message, options) {
      const answer = await caller.call<{ status: string }>(
        'TriggerMessage',
        { requestedMessage: message },
        options,
      );
      return answer.status;
    },

    async localListVersion(options) {
      const answer = await caller.call<{ listVersion: number }>('GetLocalListVersion', {}, options);
      return answer.listVersion;
    },

    localListLimits(configuration) {
      const enabled = configuration.find((e) => e.key === 'LocalAuthListEnabled')?.value;
      return {
        maxItemsPerMessage: numberSetting(configuration, 'SendLocalListMaxLength') ?? 100,
        maxBytesPerMessage: null,
        maxEntries: numberSetting(configuration, 'LocalAuthListMaxLength'),
        enabled: enabled === undefined || enabled === null || enabled.toLowerCase() === 'true',
      };
    },

    localListPayload(version, update, entries, removals) {
      const list = [
        ...entries.map((e) => ({
          idTag: e.idTag,
          idTagInfo: {
            status: e.status,
            ...(e.group ? { parentIdTag: e.group } : {}),
            ...(e.expiryDate ? { expiryDate: e.expiryDate } : {}),
          },
        })),
        ...removals.map((r) => ({ idTag: r.idTag })),
      ];
      for (const item of list) {
        if (item.idTag.length > 20)
          throw new AppError('VALIDATION_FAILED', { method: 'SendLocalList', fields: item.idTag });
      }
      return {
        listVersion: version,
        updateType: update,
        ...(list.length > 0 ? { localAuthorizationList: list } : {}),
      };
    },

    async sendLocalList(payload, options) {
      const answer = await caller.call<{ status: LocalListStatus }>('SendLocalList', payload, options);
      return answer.status;
    },
  };
}
