// Diagnose: pick a box the tool knows to read and change its configuration and watch its live OCPP
// trace (or the trace of a serial port or Modbus target). With no box known yet, it tells support how to
// get one connected, and still shows the trace of the ports and targets the support tools used.
import { useState } from 'react';
import { useBoxes } from '../api/ocpp-hooks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { BoxPicker } from './diagnose/BoxPicker.tsx';
import { BundleDownload } from './diagnose/BundleDownload.tsx';
import { ConfigCompare } from './diagnose/ConfigCompare.tsx';
import { ConfigView } from './diagnose/ConfigView.tsx';
import { FilesPanel } from './diagnose/FilesPanel.tsx';
import { LearnFormat } from './diagnose/LearnFormat.tsx';
import { LiveView } from './diagnose/LiveView.tsx';
import { ProxyPanel } from './diagnose/ProxyPanel.tsx';
import { TraceView } from './diagnose/TraceView.tsx';

export function DiagnosePage() {
  const { t } = useI18n();
  const { csms, stations, rows } = useBoxes();
  const [picked, setPicked] = useState<string | null>(null);
  const loaded = csms.status !== undefined && stations.data !== undefined;
  // Until the user picks one: the first box that can answer now, else the first one known.
  const fallback = rows.find((r) => r.live && r.admitted && r.state === 'connected') ?? rows[0];
  const identity = picked ?? fallback?.identity ?? null;

  return (
    <div className="page">
      <ErrorNotice error={csms.error ?? stations.error} />
      {csms.status && !csms.status.running && (
        <p className="notice" data-testid="csms-not-running">
          {t('csms.notRunning.diagnose')}
        </p>
      )}
      {loaded && rows.length === 0 ? (
        <>
          <EmptyState titleKey="diagnose.empty.title" bodyKey="diagnose.empty.body" />
          <TraceView box={null} />
        </>
      ) : (
        identity && (
          <>
            <section aria-labelledby="diagnose-boxes">
              <h3 id="diagnose-boxes">{t('diagnose.boxes')}</h3>
              <BoxPicker rows={rows} identity={identity} onPick={setPicked} />
            </section>
            <LiveView key={`live-${identity}`} identity={identity} />
            <ConfigView key={`config-${identity}`} identity={identity} />
            <ConfigCompare key={`compare-${identity}`} rows={rows} identity={identity} />
            <LearnFormat key={`learn-${identity}`} identity={identity} />
            <TraceView key={`trace-${identity}`} box={identity} />
            <FilesPanel
              key={`files-${identity}`}
              identity={identity}
              connected={rows.some((r) => r.identity === identity && r.live && r.state === 'connected')}
            />
          </>
        )
      )}
      <ProxyPanel />
      <BundleDownload identity={identity} />
    </div>
  );
}
