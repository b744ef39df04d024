// OCPP 2.0.1 station session: the device model read with GetBaseReport (NotifyReport parts assembled),
// SetVariables per variable, Reset, TriggerMessage and the local list with IdTokenType and groupIdToken.
import { randomInt } from 'node:crypto';
import { AppError } from '../api/errors.ts';
import { createCaller } from './call.ts';
import { type ComponentRef, formatKey, parseKey, type VariableRef } from './key201.ts';
import type { IncomingCall } from './local-csms.ts';
import type { OcppPeer } from './peer.ts';
import {
  type LocalListStatus,
  listLimits,
  type SessionContext,
  type StationSession,
  statusOf,
} from './session.ts';
import type { ConfigEntry, SettingResult, SettingStatus } from './types.ts';

interface ReportDatum {
  component: ComponentRef;
  variable: VariableRef;
  variableAttribute: Array<{ type?: string; value?: string; mutability?: string }>;
  variableCharacteristics?: { valuesList?: string; dataType?: string };
}

interface NotifyReport {
  requestId: number;
  seqNo: number;
  tbc?: boolean;
  reportData?: ReportDatum[];
}

const SET_CHUNK = 8;

function entryOf(datum: ReportDatum): ConfigEntry {
  const actual =
    datum.variableAttribute.find((a) => (a.type ?? 'Actual') === 'Actual') ?? datum.variableAttribute[0];
  const mutability = actual?.mutability ?? 'ReadWrite';
  const entry: ConfigEntry = {
    key: formatKey(datum.component, datum.variable),
    value: mutability === 'WriteOnly' ? null : (actual?.value ?? null),
    readonly: mutability === 'ReadOnly',
    component: datum.component as ConfigEntry['component'] & object,
    variable: datum.variable,
  };
  if (mutability === 'WriteOnly') entry.writeOnly = true;
  if (datum.variableCharacteristics?.valuesList) entry.valuesList = datum.variableCharacteristics.valuesList;
  return entry;
}

export function createSession201(peer: OcppPeer, context: SessionContext): StationSession {
  const caller = createCaller(peer, context.identity, context.callTimeoutMs, context.onTolerated);
  const { identity } = context;

  /** Collects NotifyReport parts for one request until the part with tbc false and no gap before it. */
  function collectReport(requestId: number, timeoutMs: number, signal?: AbortSignal): Promise<ReportDatum[]> {
    return new Promise((resolve, reject) => {
      const parts = new Map<number, NotifyReport>();
      let last = -1;
      const done = (error?: AppError) => {
        context.incoming.off('call', onCall);
        peer.off('close', onClose);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else
          resolve([...parts.values()].sort((a, b) => a.seqNo - b.seqNo).flatMap((p) => p.reportData ?? []));
      };
      const arm = () =>
        setTimeout(
          () =>
            done(
              new AppError('BOX_NO_ANSWER', {
                identity,
                action: 'NotifyReport',
                seconds: Math.round(timeoutMs / 1000),
              }),
            ),
          timeoutMs,
        );
      let timer = arm();
      const onCall = (call: IncomingCall) => {
        if (call.action !== 'NotifyReport') return;
        const part = call.params as unknown as NotifyReport;
        if (part.requestId !== requestId) return;
        parts.set(part.seqNo, part);
        if (!part.tbc) last = part.seqNo;
        clearTimeout(timer);
        timer = arm();
        if (last >= 0 && parts.size === last + 1) done();
      };
      const onAbort = () => done(new AppError('CANCELLED'));
      // The parts of a report come on the socket that asked for it: a box that drops the line before
      // the last part is offline for this read (the run waits for it and reads again), not silent.
      const onClose = () => done(new AppError('BOX_OFFLINE', { identity }));
      peer.on('close', onClose);
      context.incoming.on('call', onCall);
      signal?.addEventListener('abort', onAbort);
    });
  }

  return {
    identity,
    ocppVersion: '2.0.1',
    call: caller.call,

    async readConfiguration(options = {}) {
      const requestId = randomInt(1, 2 ** 31 - 1);
      const timeoutMs = options.timeoutMs ?? context.callTimeoutMs;
      const report = collectReport(requestId, timeoutMs, options.signal);
      report.catch(() => undefined); // settled below; avoid an unhandled rejection while the call runs
      let status: string;
      try {
        ({ status } = await caller.call<{ status: string }>(
          'GetBaseReport',
          { requestId, reportBase: 'FullInventory' },
          options,
        ));
      } catch (error) {
        void report.catch(() => undefined);
        throw error;
      }
      if (status === 'EmptyResultSet') return [];
      if (status !== 'Accepted') {
        throw new AppError('BOX_CALL_FAILED', { identity, action: 'GetBaseReport', reason: status });
      }
      const data = await report;
      return data.map(entryOf).sort((a, b) => a.key.localeCompare(b.key));
    },

    async changeSettings(changes, options) {
      const parsed = changes.map((c) => {
        const ref = parseKey(c.key);
        if (!ref) throw new AppError('VALIDATION_FAILED', { method: 'SetVariables', fields: c.key });
        return { ...ref, key: c.key, value: c.value };
      });
      const results: SettingResult[] = [];
      for (let i = 0; i < parsed.length; i += SET_CHUNK) {
        const chunk = parsed.slice(i, i + SET_CHUNK);
        const answer = await caller.call<{
          setVariableResult: Array<{
            attributeStatus: SettingStatus;
            component: ComponentRef;
            variable: VariableRef;
          }>;
        }>(
          'SetVariables',
          {
            setVariableData: chunk.map((c) => ({
              attributeType: 'Actual',
              attributeValue: c.value,
              component: c.component,
              variable: c.variable,
            })),
          },
          options,
        );
        for (const c of chunk) {
          const match = answer.setVariableResult.find((r) => formatKey(r.component, r.variable) === c.key);
          results.push({ key: c.key, status: match?.attributeStatus ?? 'NoAnswer' });
        }
      }
      return results;
    },

    reset: (kind, options) =>
      statusOf(caller, 'Reset', { type: kind === 'hard' ? 'Immediate' : 'OnIdle' }, options),

    trigger: (message, options) => statusOf(caller, 'TriggerMessage', { requestedMessage: message }, options),

    async localListVersion(options) {
      const answer = await caller.call<{ versionNumber: number }>('GetLocalListVersion', {}, options);
      return answer.versionNumber;
    },

    localListLimits: (configuration) =>
      listLimits(configuration, {
        enabled: 'LocalAuthListCtrlr.Enabled',
        items: 'LocalAuthListCtrlr.ItemsPerMessage',
        bytes: 'LocalAuthListCtrlr.BytesPerMessage',
        entries: null,
      }),

    localListPayload(version, update, entries, removals) {
      const token = (idTag: string, type?: string) => ({ idToken: idTag, type: type ?? 'ISO14443' });
      const list = [
        ...entries.map((e) => ({
          idToken: token(e.idTag, e.tokenType),
          idTokenInfo: {
            status: e.status,
            ...(e.group ? { groupIdToken: { idToken: e.group, type: 'Central' } } : {}),
            ...(e.expiryDate ? { cacheExpiryDateTime: e.expiryDate } : {}),
          },
        })),
        ...removals.map((r) => ({ idToken: token(r.idTag, r.tokenType) })),
      ];
      // The 2.0.1 schema wants at least one item when the list is present: an empty Full list omits it.
      return {
        versionNumber: version,
        updateType: update,
        ...(list.length > 0 ? { localAuthorizationList: list } : {}),
      };
    },

    sendLocalList: async (payload, options) =>
      (await statusOf(caller, 'SendLocalList', payload, options)) as LocalListStatus,
  };
}
