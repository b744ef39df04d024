// The test charge at the end of commissioning: let the box boot Accepted, start a transaction remotely,
// read the energy register at start and end, stop it. Proves the box meters and obeys its CSMS.
import { AppError } from '../api/errors.ts';
import type { IncomingCall, LocalCsms } from './local-csms.ts';
import type { StationSession } from './session.ts';
import type { TestChargeResult } from './types.ts';
import { waitForEvent } from './wait.ts';

interface SampledValue {
  value?: unknown;
  measurand?: string;
  unit?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}

/** Wh from a 1.6 or 2.0.1 sampledValue of Energy.Active.Import.Register (the default measurand). */
export function energyWh(
  meterValue: Array<{ timestamp?: string; sampledValue?: SampledValue[] }> | undefined,
): number | null {
  for (const mv of meterValue ?? []) {
    for (const sv of mv.sampledValue ?? []) {
      if (sv.measurand !== undefined && sv.measurand !== 'Energy.Active.Import.Register') continue;
      const n = Number(sv.value);
      if (!Number.isFinite(n)) continue;
      const unit = sv.unit ?? sv.unitOfMeasure?.unit ?? 'Wh';
      const multiplier = 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
      return (unit === 'kWh' ? n * 1000 : n) * multiplier;
    }
  }
  return null;
}

function waitForCall<T>(
  csms: LocalCsms,
  identity: string,
  pick: (call: IncomingCall) => T | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  return waitForEvent((listener) => csms.onIncoming(identity, listener), pick, {
    signal,
    timeoutMs,
    onTimeout: () =>
      new AppError('BOX_NO_ANSWER', {
        identity,
        action: 'test charge',
        seconds: Math.round(timeoutMs / 1000),
      }),
  });
}

export async function testCharge(
  csms: LocalCsms,
  identity: string,
  options: { seconds: number; idTag: string; connectorId?: number; signal?: AbortSignal; timeoutMs?: number },
): Promise<TestChargeResult> {
  const session: StationSession = csms.session(identity);
  const v16 = session.ocppVersion === '1.6';
  const connector = options.connectorId ?? 1;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const samples: TestChargeResult['samples'] = [];
  const record = (wh: number | null) => wh !== null && samples.push({ at: new Date().toISOString(), wh });
  const offMeter = csms.onIncoming(identity, ({ action, params }) => {
    if (action === 'MeterValues') record(energyWh(params.meterValue as never));
    if (action === 'TransactionEvent') record(energyWh(params.meterValue as never));
  });
  try {
    // Remote start is refused while boot is Pending: the box boots once more and is Accepted.
    csms.acceptBoot(identity, true);
    // The one transaction the tool accepts: this remote start's idTag (every other is Invalid).
    csms.allowTestCharge(identity, options.idTag);
    const booted = waitForCall(
      csms,
      identity,
      (c) => (c.action === 'BootNotification' ? true : undefined),
      timeoutMs,
      options.signal,
    );
    // A box reports its connectors once Accepted (OCPP 1.6 4.2, 2.0.1 B01): then it takes a remote start.
    const ready = waitForCall(
      csms,
      identity,
      (c) => (c.action === 'StatusNotification' ? true : undefined),
      5_000,
      options.signal,
    ).catch(() => true);
    const triggered = await session.trigger('BootNotification', { signal: options.signal });
    if (triggered !== 'Accepted')
      throw new AppError('BOX_CALL_FAILED', {
        identity,
        action: 'TriggerMessage BootNotification',
        reason: triggered,
      });
    await booted;
    await ready;

    const started = waitForCall(
      csms,
      identity,
      (c) => {
        if (v16 && c.action === 'StartTransaction') {
          record(Number(c.params.meterStart));
          return String(c.answer.transactionId);
        }
        if (!v16 && c.action === 'TransactionEvent' && c.params.eventType === 'Started') {
          return String(
            (c.params.transactionInfo as { transactionId?: string } | undefined)?.transactionId ?? '',
          );
        }
        return undefined;
      },
      timeoutMs,
      options.signal,
    );
    const start = v16
      ? await session.call<{ status: string }>(
          'RemoteStartTransaction',
          { connectorId: connector, idTag: options.idTag },
          { signal: options.signal },
        )
      : await session.call<{ status: string }>(
          'RequestStartTransaction',
          {
            evseId: connector,
            remoteStartId: Math.floor(Date.now() / 1000) % 1_000_000,
            idToken: { idToken: options.idTag, type: 'Local' },
          },
          { signal: options.signal },
        );
    if (start.status !== 'Accepted')
      throw new AppError('BOX_CALL_FAILED', {
        identity,
        action: v16 ? 'RemoteStartTransaction' : 'RequestStartTransaction',
        reason: start.status,
      });
    const transactionId = await started;
    const startedAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
    await session.call(
      'TriggerMessage',
      v16
        ? { requestedMessage: 'MeterValues', connectorId: connector }
        : { requestedMessage: 'MeterValues', evse: { id: connector } },
      { signal: options.signal },
    );

    const stopped = waitForCall(
      csms,
      identity,
      (c) => {
        if (v16 && c.action === 'StopTransaction') {
          record(Number(c.params.meterStop));
          return true;
        }
        if (!v16 && c.action === 'TransactionEvent' && c.params.eventType === 'Ended') return true;
        return undefined;
      },
      timeoutMs,
      options.signal,
    );
    const stop = v16
      ? await session.call<{ status: string }>(
          'RemoteStopTransaction',
          { transactionId: Number(transactionId) },
          { signal: options.signal },
        )
      : await session.call<{ status: string }>(
          'RequestStopTransaction',
          { transactionId },
          { signal: options.signal },
        );
    if (stop.status !== 'Accepted')
      throw new AppError('BOX_CALL_FAILED', { identity, action: 'RemoteStop', reason: stop.status });
    await stopped;
    const whs = samples.map((s) => s.wh);
    return {
      transactionId,
      startedAt,
      stoppedAt: new Date().toISOString(),
      samples,
      energyWh: whs.length >= 2 ? Math.max(...whs) - Math.min(...whs) : 0,
    };
  } finally {
    offMeter();
    csms.acceptBoot(identity, false);
    csms.allowTestCharge(identity, null);
  }
}
