// A 1.6 box for the live view's tests (integration, CLI, browser): a bare ocpp-rpc client on loopback that
// boots, reports a ground fault with vendor code, starts a transaction and sends meter values, each frame
// with the timestamp the test gives (minutes after 2026-03-02 08:00 UTC), so no test waits for the clock.
import type { TestContext } from 'node:test';
import { type BareBox, bareBox, boot16 } from './bare-box.ts';

export const T0 = Date.parse('2026-03-02T08:00:00Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export interface LiveBox16 {
  box: BareBox;
  transactionId: number;
  /** Energy register in Wh and, when given, the current offered in A, at `minute`. */
  sample(minute: number, wh: number, offered?: number): Promise<unknown>;
}

/** Faulted (GroundFailure, E-RCD-42, "RCD tripped") at -5 min; Charging and a transaction at 0 from 1000 Wh. */
export async function chargingBox16(t: TestContext, url: string, identity: string): Promise<LiveBox16> {
  const box = bareBox(t, { url, identity });
  await box.connect();
  await boot16(box);
  await box.call('StatusNotification', {
    connectorId: 1,
    errorCode: 'GroundFailure',
    vendorErrorCode: 'E-RCD-42',
    info: 'RCD tripped',
    status: 'Faulted',
    timestamp: at(-5),
  });
  await box.call('StatusNotification', {
    connectorId: 1,
    errorCode: 'NoError',
    status: 'Charging',
    timestamp: at(0),
  });
  const { transactionId } = (await box.call('StartTransaction', {
    connectorId: 1,
    idTag: '04A1B2C3',
    meterStart: 1000,
    timestamp: at(0),
  })) as { transactionId: number };
  const sample = (minute: number, wh: number, offered?: number) =>
    box.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: at(minute),
          sampledValue: [
            { value: String(wh), unit: 'Wh' },
            ...(offered === undefined
              ? []
              : [{ value: String(offered), measurand: 'Current.Offered', unit: 'A' }]),
          ],
        },
      ],
    });
  return { box, transactionId, sample };
}
