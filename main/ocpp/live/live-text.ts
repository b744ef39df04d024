// The live view in words, the same for the CLI and the Diagnose page: OCPP statuses and error codes in
// the reader's language (a value no catalog knows is the box's own and shown as sent), and the notices.
import type { LiveConnector, LiveNotice } from './live-types.ts';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

const statuses = new Set([
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEV',
  'SuspendedEVSE',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
  'Occupied',
]);
const errorCodes = new Set([
  'ConnectorLockFailure',
  'EVCommunicationError',
  'GroundFailure',
  'HighTemperature',
  'InternalError',
  'LocalListConflict',
  'OtherError',
  'OverCurrentFailure',
  'OverVoltage',
  'PowerMeterFailure',
  'PowerSwitchFailure',
  'ReaderFailure',
  'ResetFailure',
  'UnderVoltage',
  'WeakSignal',
]);

export function statusText(t: Translate, status: string): string {
  return statuses.has(status) ? t(`live.status.${status}`) : status;
}

export function errorCodeText(t: Translate, code: string): string {
  return errorCodes.has(code) ? t(`live.errorCode.${code}`) : code;
}

export function connectorText(t: Translate, c: Pick<LiveConnector, 'evseId' | 'connectorId'>): string {
  if (c.evseId !== null) return t('live.connectorEvse', { evse: c.evseId, connector: c.connectorId });
  return c.connectorId === 0 ? t('live.wholeBox') : t('live.connector', { connector: c.connectorId });
}

const kwh = (wh: number | string | undefined) => (typeof wh === 'number' ? (wh / 1000).toFixed(2) : '—');

/** "Charging idle since 08:01 (connector 1, transaction 5): ..." with the time as the caller shows it. */
export function noticeText(t: Translate, notice: LiveNotice, time: (iso: string) => string): string {
  const connector = notice.evseId ?? notice.connectorId ?? '—';
  const where =
    notice.transactionId === null
      ? t('live.notice.whereNoTx', { connector })
      : t('live.notice.where', { connector, tx: notice.transactionId });
  const d = notice.details;
  const base = { time: time(notice.at), where };
  if (notice.kind === 'idle')
    return t('live.notice.idle', { ...base, minutes: d.minutes ?? '—', kwh: kwh(d.energyWh) });
  if (notice.reason === 'charging-profile')
    return t('live.notice.profile', { ...base, limit: d.limit ?? '—', unit: d.unit ?? 'A' });
  return t('live.notice.offered', { ...base, fromA: d.fromA ?? '—', toA: d.toA ?? '—' });
}
