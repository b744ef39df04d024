// The Live panel of the Diagnose page: what the chosen box sends now (connectors, errors, heartbeat,
// transaction with a meter chart) and the two notices, charging idle and energy management, with when and why.

import { connectorText, errorCodeText, noticeText, statusText } from '../../../main/ocpp/live/live-text.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { MeterChart } from './MeterChart.tsx';
import { useLive } from './use-live.ts';

const clock = (iso: string) => new Date(iso).toLocaleTimeString();

export function LiveView({ identity }: { identity: string }) {
  const { t } = useI18n();
  const { box, error } = useLive(identity);
  const tx = box?.transactions[0];
  const point = tx?.points.at(-1);
  return (
    <section aria-labelledby="live-heading" className="live-view" data-testid="live-view">
      <h3 id="live-heading">{t('live.title')}</h3>
      <ErrorNotice error={error} />
      {!box ? (
        <p className="hint">{t('live.nothing', { identity })}</p>
      ) : (
        <>
          <p className="hint">
            <span className={`badge ${box.connected ? 'badge-connected' : 'badge-offline'}`}>
              {t(box.connected ? 'live.connected' : 'live.offline')}
            </span>{' '}
            {box.protocol && t('live.protocol', { version: box.protocol })}
          </p>
          <h4>{t('live.notices')}</h4>
          {box.notices.length === 0 ? (
            <p className="hint">{t('live.noNotices')}</p>
          ) : (
            <ul data-testid="live-notices">
              {box.notices.map((n) => (
                <li key={`${n.kind}-${n.reason}-${n.at}`} className="notice">
                  {noticeText(t, n, clock)}
                </li>
              ))}
            </ul>
          )}
          <h4>{t('live.connectors')}</h4>
          {box.connectors.length === 0 ? (
            <p className="hint">{t('live.noConnectors')}</p>
          ) : (
            <ul data-testid="live-connectors">
              {box.connectors.map((c) => (
                <li key={`${c.evseId ?? ''}/${c.connectorId}`}>
                  {connectorText(t, c)}: <strong>{statusText(t, c.status)}</strong> ({clock(c.at)})
                </li>
              ))}
            </ul>
          )}
          <h4>{t('live.errors')}</h4>
          {box.errors.length === 0 ? (
            <p className="hint">{t('live.noErrors')}</p>
          ) : (
            <ul data-testid="live-errors">
              {box.errors.map((e) => (
                <li key={`${e.errorCode}-${e.at}`}>
                  {errorCodeText(t, e.errorCode)} ({clock(e.at)})
                  {e.vendorErrorCode && ` · ${t('live.vendorCode')}: ${e.vendorErrorCode}`}
                  {e.info && ` · ${t('live.info')}: ${e.info}`}
                  {e.cleared && ` · ${t('live.errorCleared')}`}
                </li>
              ))}
            </ul>
          )}
          <h4>{t('live.heartbeat')}</h4>
          <p data-testid="live-heartbeat">
            {box.heartbeat.last
              ? t('live.heartbeat.last', { time: clock(box.heartbeat.last) })
              : t('live.heartbeat.never')}
            {' · '}
            {box.heartbeat.intervalS
              ? t('live.heartbeat.interval', { seconds: box.heartbeat.intervalS })
              : t('live.heartbeat.intervalUnknown')}
            {box.heartbeat.last &&
              ` · ${t(box.heartbeat.late ? 'live.heartbeat.late' : 'live.heartbeat.onTime')}`}
          </p>
          {!tx ? (
            <p className="hint">{t('live.noTransaction')}</p>
          ) : (
            <div data-testid="live-transaction">
              <h4>{t('live.transaction', { id: tx.id })}</h4>
              <p>
                {tx.stoppedAt
                  ? t('live.tx.stopped', { time: clock(tx.stoppedAt), reason: tx.stopReason ?? '—' })
                  : t('live.tx.open', { time: clock(tx.startedAt) })}
                {point?.energyWh != null &&
                  ` · ${t('live.tx.energy', { kwh: (point.energyWh / 1000).toFixed(2) })}`}
                {point?.powerW != null &&
                  ` · ${t('live.tx.power', { kw: (point.powerW / 1000).toFixed(2) })}`}
                {point?.currentOfferedA != null &&
                  ` · ${t('live.tx.offered', { amps: point.currentOfferedA })}`}
              </p>
              <MeterChart points={tx.points} startWh={tx.meterStartWh} label={t('live.chart')} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
