// Reading a 2.0.1 box that sends no full report (many firmwares withhold NotifyReport while Pending):
// GetVariables for the variables the plan, the cards push and the diagnose view need, batched as the box allows.
import { setMaxListeners } from 'node:events';
import { AppError } from '../api/errors.ts';
import type { Caller, CallOptions } from './call.ts';
import { type ComponentRef, formatKey, parseKey, type VariableRef } from './key201.ts';
import { chunkForLimits } from './local-list-push.ts';
import { mappedNames201 } from './setting-names.ts';
import type { ConfigEntry } from './types.ts';

/** The variables the tool reads when it cannot have the report: what plan.ts, local-list-push.ts, the
 *  limits of GetVariables itself and the diagnose view use. Read-only ones are marked so the editor
 *  does not offer them; write-only ones are listed without a value. */
const needed: Array<[key: string, access?: 'ReadOnly' | 'WriteOnly']> = [
  ['DeviceDataCtrlr.ItemsPerMessage[GetVariables]', 'ReadOnly'],
  ['DeviceDataCtrlr.BytesPerMessage[GetVariables]', 'ReadOnly'],
  ['DeviceDataCtrlr.ItemsPerMessage[SetVariables]', 'ReadOnly'],
  ['DeviceDataCtrlr.BytesPerMessage[SetVariables]', 'ReadOnly'],
  ['DeviceDataCtrlr.ItemsPerMessage[GetReport]', 'ReadOnly'],
  ['DeviceDataCtrlr.BytesPerMessage[GetReport]', 'ReadOnly'],
  ['ChargingStation.VendorName', 'ReadOnly'],
  ['ChargingStation.Model', 'ReadOnly'],
  ['ChargingStation.AvailabilityState', 'ReadOnly'],
  ['ChargingStation.SupplyPhases', 'ReadOnly'],
  ['OCPPCommCtrlr.HeartbeatInterval'],
  ['OCPPCommCtrlr.NetworkConfigurationPriority'],
  ['OCPPCommCtrlr.NetworkProfileConnectionAttempts'],
  ['OCPPCommCtrlr.OfflineThreshold'],
  ['OCPPCommCtrlr.MessageTimeout[Default]'],
  ['OCPPCommCtrlr.ResetRetries'],
  ['OCPPCommCtrlr.WebSocketPingInterval'],
  ['OCPPCommCtrlr.MessageAttempts[TransactionEvent]'],
  ['OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]'],
  ['SecurityCtrlr.Identity'],
  ['SecurityCtrlr.SecurityProfile', 'ReadOnly'],
  ['SecurityCtrlr.BasicAuthPassword', 'WriteOnly'],
  ['SecurityCtrlr.OrganizationName'],
  ['SecurityCtrlr.CertificateEntries', 'ReadOnly'],
  ['SecurityCtrlr.AdditionalRootCertificateCheck', 'ReadOnly'],
  ['SecurityCtrlr.MaxCertificateChainSize', 'ReadOnly'],
  ['ReservationCtrlr.NonEvseSpecific', 'ReadOnly'],
  ['AuthCtrlr.Enabled'],
  ['AuthCtrlr.LocalAuthorizeOffline'],
  ['AuthCtrlr.LocalPreAuthorize'],
  ['AuthCtrlr.AuthorizeRemoteStart'],
  ['AuthCtrlr.OfflineTxForUnknownIdEnabled'],
  ['AuthCacheCtrlr.Enabled'],
  ['LocalAuthListCtrlr.Enabled'],
  ['LocalAuthListCtrlr.Available', 'ReadOnly'],
  ['LocalAuthListCtrlr.Entries', 'ReadOnly'],
  ['LocalAuthListCtrlr.ItemsPerMessage', 'ReadOnly'],
  ['LocalAuthListCtrlr.BytesPerMessage', 'ReadOnly'],
  ['SampledDataCtrlr.Enabled'],
  ['SampledDataCtrlr.TxUpdatedInterval'],
  ['SampledDataCtrlr.TxUpdatedMeasurands'],
  ['SampledDataCtrlr.TxStartedMeasurands'],
  ['SampledDataCtrlr.TxEndedMeasurands'],
  ['SampledDataCtrlr.TxEndedInterval'],
  ['AlignedDataCtrlr.Interval'],
  ['AlignedDataCtrlr.Measurands'],
  ['AlignedDataCtrlr.TxEndedMeasurands'],
  ['TxCtrlr.EVConnectionTimeOut'],
  ['TxCtrlr.StopTxOnEVSideDisconnect'],
  ['TxCtrlr.StopTxOnInvalidId'],
  ['TxCtrlr.TxStartPoint'],
  ['TxCtrlr.TxStopPoint'],
  ['SmartChargingCtrlr.Available', 'ReadOnly'],
  ['SmartChargingCtrlr.Enabled'],
  ['SmartChargingCtrlr.RateUnit', 'ReadOnly'],
  ['SmartChargingCtrlr.PeriodsPerSchedule', 'ReadOnly'],
  ['SmartChargingCtrlr.ProfileStackLevel', 'ReadOnly'],
  ['SmartChargingCtrlr.Phases3to1', 'ReadOnly'],
  ['SmartChargingCtrlr.Entries[ChargingProfiles]', 'ReadOnly'],
  ['ClockCtrlr.DateTime', 'ReadOnly'],
  ['ClockCtrlr.TimeSource'],
];

/** Whether OCPP 2.0.1 makes the variable ReadOnly (the lines above): a write to it is refused before it is sent. */
export function readOnly201(key: string): boolean {
  const wanted = key.trim().toLowerCase();
  return needed.some(([k, access]) => access === 'ReadOnly' && k.toLowerCase() === wanted);
}

/** When the box does not say how many variables one GetVariables may carry. */
export const DEFAULT_ITEMS_PER_GET = 8;
/** The OCPP-J envelope around the payload: [2,"<uuid>","GetVariables",...]. */
const ENVELOPE_BYTES = 64;

interface Wanted {
  key: string;
  component: ComponentRef;
  variable: VariableRef;
  access: 'ReadWrite' | 'ReadOnly' | 'WriteOnly';
}

/** Every variable the tool reads this way, each once (the 1.6 names' 2.0.1 counterparts included). */
export function neededVariables(): Wanted[] {
  const access = new Map(needed.map(([key, a]) => [key, a ?? 'ReadWrite'] as const));
  for (const key of mappedNames201()) if (!access.has(key)) access.set(key, 'ReadWrite');
  return [...access].flatMap(([key, a]) => {
    const ref = parseKey(key);
    return ref ? [{ key, ...ref, access: a }] : [];
  });
}

interface GetResult {
  attributeStatus: string;
  attributeValue?: string;
  component: ComponentRef;
  variable: VariableRef;
}

function item(w: Pick<Wanted, 'component' | 'variable'>) {
  return { attributeType: 'Actual', component: w.component, variable: w.variable };
}

/** Too many items or bytes for the box: it says so with a CALLERROR, and a smaller batch may pass. */
export function tooBig(error: unknown): boolean {
  return (
    error instanceof AppError &&
    error.code === 'BOX_CALL_FAILED' &&
    /OccurrenceConstraint|FormatViolation|FormationViolation|ProtocolError|PropertyConstraint/.test(
      String(error.params.reason ?? ''),
    )
  );
}

async function getBatch(caller: Caller, batch: Wanted[], options: CallOptions): Promise<GetResult[]> {
  try {
    const answer = await caller.call<{ getVariableResult: GetResult[] }>(
      'GetVariables',
      { getVariableData: batch.map(item) },
      options,
    );
    return answer.getVariableResult ?? [];
  } catch (error) {
    if (batch.length > 1 && tooBig(error)) {
      const half = Math.ceil(batch.length / 2);
      return [
        ...(await getBatch(caller, batch.slice(0, half), options)),
        ...(await getBatch(caller, batch.slice(half), options)),
      ];
    }
    throw error;
  }
}

function limit(results: GetResult[], name: string): number | null {
  const found = results.find(
    (r) => r.attributeStatus === 'Accepted' && formatKey(r.component, r.variable) === name,
  );
  const n = Number(found?.attributeValue);
  return found?.attributeValue !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Reads the needed variables the box did not already report (`have`), in batches within
 * DeviceDataCtrlr.ItemsPerMessage / BytesPerMessage [GetVariables] (read first). A variable the box does
 * not know is left out; a write-only one is listed without a value.
 */
export async function readByGetVariables(
  caller: Caller,
  have: ReadonlySet<string>,
  callOptions: CallOptions,
): Promise<ConfigEntry[]> {
  // ocpp-rpc leaves one abort listener per call on the signal: the batches share a signal of their own.
  const parent = callOptions.signal;
  const own = new AbortController();
  setMaxListeners(0, own.signal);
  const onAbort = () => own.abort();
  if (parent?.aborted) own.abort();
  parent?.addEventListener('abort', onAbort, { once: true });
  try {
    return await readBatches(caller, have, { ...callOptions, ...(parent ? { signal: own.signal } : {}) });
  } finally {
    parent?.removeEventListener('abort', onAbort);
  }
}

async function readBatches(
  caller: Caller,
  have: ReadonlySet<string>,
  options: CallOptions,
): Promise<ConfigEntry[]> {
  const all = neededVariables();
  const byKey = new Map(all.map((w) => [w.key, w]));
  const limitsFirst = all.filter(
    (w) => w.key.startsWith('DeviceDataCtrlr.') && w.key.endsWith('[GetVariables]'),
  );
  const limits = await getBatch(caller, limitsFirst, options);
  const maxItems = limit(limits, 'DeviceDataCtrlr.ItemsPerMessage[GetVariables]') ?? DEFAULT_ITEMS_PER_GET;
  const maxBytes = limit(limits, 'DeviceDataCtrlr.BytesPerMessage[GetVariables]');
  const rest = all.filter((w) => !limitsFirst.includes(w) && !have.has(w.key));
  const base = JSON.stringify({ getVariableData: [] }).length + ENVELOPE_BYTES;
  const batches = chunkForLimits(
    rest,
    { maxItemsPerMessage: maxItems, maxBytesPerMessage: maxBytes },
    (w) => JSON.stringify(item(w)).length + 1,
    base,
  );
  const results = [...limits];
  for (const batch of batches) {
    if (batch.length > 0) results.push(...(await getBatch(caller, batch, options)));
  }
  const entries: ConfigEntry[] = [];
  for (const r of results) {
    const key = formatKey(r.component, r.variable);
    if (have.has(key)) continue;
    const wanted = byKey.get(key);
    const writeOnly = wanted?.access === 'WriteOnly';
    if (r.attributeStatus !== 'Accepted' && !(writeOnly && r.attributeStatus === 'Rejected')) continue;
    const entry: ConfigEntry = {
      key,
      value: writeOnly ? null : (r.attributeValue ?? ''),
      readonly: wanted?.access === 'ReadOnly',
      component: r.component as ConfigEntry['component'] & object,
      variable: r.variable,
    };
    if (writeOnly) entry.writeOnly = true;
    entries.push(entry);
  }
  return entries;
}
