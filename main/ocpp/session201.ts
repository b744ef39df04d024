// OCPP 2.0.1 station session: the device model read with GetBaseReport (NotifyReport parts assembled),
// SetVariables per variable, Reset, TriggerMessage and the local list with IdTokenType and groupIdToken.
import { randomInt } from 'node:crypto';
import { AppError } from '../api/errors.ts';
import { isPlainText, plainPayloads } from '../log/redact.ts';
import { createCaller } from './call.ts';
import { type ComponentRef, formatKey, parseKey, type VariableRef } from './key201.ts';
import type { IncomingCall } from './local-csms.ts';
import { plainCardCheck, sameCardInfo } from './local-list-push.ts';
import type { OcppPeer } from './peer.ts';
import { readByGetVariables, tooBig } from './read201.ts';
import {
  type ConfigRead,
  type LocalListStatus,
  listLimits,
  type ReadOptions,
  type SessionContext,
  type StationSession,
  statusOf,
} from './session.ts';
import type { ConfigEntry, LocalListEntry, SettingResult, SettingStatus } from './types.ts';

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

interface IdTokenInfo201 {
  status: string;
  groupIdToken?: { idToken: string; type: string };
  cacheExpiryDateTime?: string;
}

interface ComponentVariable {
  component: ComponentRef;
  variable: VariableRef;
}
/** How long a box may take to send the first (or next) NotifyReport part before GetVariables is used. */
export const REPORT_WAIT_MS = 5_000;

const sorted = (entries: ConfigEntry[]) => entries.sort((a, b) => a.key.localeCompare(b.key));

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

/**
 * SendLocalList's payload, a module function rather than one per session: each box's session (and each
 * new core) uses the code already made fast by the pushes before it. Built field by field (no spread
 * copies per entry): a 10,000-card list is 10,000 of these. Each text is looked at on the way (a hex UID
 * in a few steps): a list of plain texts is traced as it is sent, without scanning it for secrets.
 */
export const localListPayload201: StationSession['localListPayload'] = (
  version,
  update,
  entries,
  removals,
) => {
  const token = (idTag: string, type?: string) => ({ idToken: idTag, type: type ?? 'ISO14443' });
  const list: Array<{ idToken: { idToken: string; type: string }; idTokenInfo?: IdTokenInfo201 }> = [];
  const plainCard = plainCardCheck();
  let allPlain = isPlainText(update);
  let idTokenInfo: IdTokenInfo201 | undefined;
  let last: LocalListEntry | undefined;
  for (const e of entries) {
    // Cards alike (status, group, expiry) share one idTokenInfo: the same text, fewer objects to make
    // and keep while the part is out. Nothing changes a payload once it is built.
    if (!idTokenInfo || !last || !sameCardInfo(e, last)) {
      idTokenInfo = { status: e.status };
      if (e.group) idTokenInfo.groupIdToken = { idToken: e.group, type: 'Central' };
      if (e.expiryDate) idTokenInfo.cacheExpiryDateTime = e.expiryDate;
    }
    last = e;
    list.push({ idToken: token(e.idTag, e.tokenType), idTokenInfo });
    allPlain &&= plainCard(e);
  }
  for (const r of removals) {
    list.push({ idToken: token(r.idTag, r.tokenType) });
    allPlain &&= isPlainText(r.idTag) && (!r.tokenType || isPlainText(r.tokenType));
  }
  // The 2.0.1 schema wants at least one item when the list is present: an empty Full list omits it.
  const payload = {
    versionNumber: version,
    updateType: update,
    ...(list.length > 0 ? { localAuthorizationList: list } : {}),
  };
  if (allPlain) plainPayloads.add(payload);
  return payload;
};

export function createSession201(peer: OcppPeer, context: SessionContext): StationSession {
  const caller = createCaller(peer, context.identity, context.callTimeoutMs, context.onTolerated);
  const { identity } = context;

  /**
   * Collects NotifyReport parts for one request. wait() ends with the whole report (the part with tbc
   * false and no gap before it), or with what came so far when no part arrived for waitMs (the first
   * part or the next): many firmwares withhold the report while Pending, some stop half-way.
   */
  function collectReport(requestId: number, signal?: AbortSignal) {
    const parts = new Map<number, NotifyReport>();
    let last = -1;
    let settle: ((complete: boolean | AppError) => void) | null = null;
    let outcome: boolean | AppError | null = null;
    let timer: NodeJS.Timeout | undefined;
    let waitMs = 0;
    const data = () =>
      [...parts.values()].sort((a, b) => a.seqNo - b.seqNo).flatMap((p) => p.reportData ?? []);
    const done = (result: boolean | AppError) => {
      if (outcome !== null) return;
      outcome = result;
      stop();
      settle?.(result);
    };
    const arm = () => {
      clearTimeout(timer);
      if (settle) timer = setTimeout(() => done(false), waitMs);
    };
    const onCall = (call: IncomingCall) => {
      if (call.action !== 'NotifyReport') return;
      const part = call.params as unknown as NotifyReport;
      if (part.requestId !== requestId) return;
      parts.set(part.seqNo, part);
      if (!part.tbc) last = part.seqNo;
      if (last >= 0 && parts.size === last + 1) done(true);
      else arm();
    };
    const onAbort = () => done(new AppError('CANCELLED'));
    // The parts of a report come on the socket that asked for it: a box that drops the line before
    // the last part is offline for this read (the run waits for it and reads again), not silent.
    const onClose = () => done(new AppError('BOX_OFFLINE', { identity }));
    function stop() {
      context.incoming.off('call', onCall);
      peer.off('close', onClose);
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    peer.on('close', onClose);
    context.incoming.on('call', onCall);
    signal?.addEventListener('abort', onAbort);
    return {
      /** After GetBaseReport was Accepted: the report, and whether it came whole. */
      wait(ms: number): Promise<{ data: ReportDatum[]; complete: boolean }> {
        waitMs = ms;
        return new Promise((resolve, reject) => {
          const finish = (result: boolean | AppError) =>
            result instanceof AppError ? reject(result) : resolve({ data: data(), complete: result });
          if (outcome !== null) return finish(outcome);
          settle = finish;
          arm();
        });
      },
      stop,
    };
  }

  async function readSnapshot(options: ReadOptions = {}): Promise<ConfigRead> {
    const requestId = randomInt(1, 2 ** 31 - 1);
    const waitMs = options.reportWaitMs ?? REPORT_WAIT_MS;
    const report = collectReport(requestId, options.signal);
    let status: string;
    try {
      ({ status } = await caller.call<{ status: string }>(
        'GetBaseReport',
        { requestId, reportBase: 'FullInventory' },
        options,
      ));
    } catch (error) {
      report.stop();
      // A box without GetBaseReport (a CALLERROR NotImplemented / NotSupported) is read variable by variable.
      if (!(error instanceof AppError && error.code === 'BOX_CALL_FAILED')) throw error;
      status = 'NotImplemented';
    }
    if (status === 'EmptyResultSet') {
      report.stop();
      return { entries: [], readVia: 'report' };
    }
    let partial: ConfigEntry[] = [];
    if (status === 'Accepted') {
      const got = await report.wait(waitMs);
      partial = got.data.map(entryOf);
      if (got.complete) return { entries: sorted(partial), readVia: 'report' };
    } else report.stop();
    // No report (withheld while Pending, refused) or one that stopped half-way: what came is kept, the
    // variables the tool needs are read with GetVariables.
    const have = new Set(partial.map((e) => e.key));
    const more = await readByGetVariables(caller, have, options);
    return { entries: sorted([...partial, ...more]), readVia: 'get-variables' };
  }

  return {
    identity,
    ocppVersion: '2.0.1',
    call: caller.call,

    readConfiguration: async (options) => (await readSnapshot(options)).entries,
    readSnapshot,

    async changeSettings(changes, options) {
      const parsed = changes.map((c) => {
        const ref = parseKey(c.key);
        if (!ref) throw new AppError('VALIDATION_FAILED', { method: 'SetVariables', fields: c.key });
        return { ...ref, key: c.key, value: c.value };
      });
      const results: SettingResult[] = [];
      type Parsed = (typeof parsed)[number];
      // A box that takes fewer variables per message than SET_CHUNK refuses the whole message with a
      // CALLERROR (nothing applied): the same variables go again in halves.
      const setChunk = async (chunk: Parsed[]): Promise<void> => {
        let answer: { setVariableResult: Array<{ attributeStatus: SettingStatus } & ComponentVariable> };
        try {
          answer = await caller.call(
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
        } catch (error) {
          if (chunk.length > 1 && tooBig(error)) {
            const half = Math.ceil(chunk.length / 2);
            await setChunk(chunk.slice(0, half));
            await setChunk(chunk.slice(half));
            return;
          }
          throw error;
        }
        for (const c of chunk) {
          const match = answer.setVariableResult.find((r) => formatKey(r.component, r.variable) === c.key);
          results.push({ key: c.key, status: match?.attributeStatus ?? 'NoAnswer' });
        }
      };
      for (let i = 0; i < parsed.length; i += SET_CHUNK) await setChunk(parsed.slice(i, i + SET_CHUNK));
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

    localListPayload: localListPayload201,

    sendLocalList: async (payload, options) =>
      (await statusOf(caller, 'SendLocalList', payload, options)) as LocalListStatus,
  };
}
