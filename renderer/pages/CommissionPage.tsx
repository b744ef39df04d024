// Commission: the tool's local CSMS that boxes connect to, the live list of boxes (admitting the
// ones in the lobby, choosing the ones to commission), templates, sites, and the runs themselves.
import { useCallback, useState } from 'react';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { useBoxes } from '../api/ocpp-hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { BoxesSection } from './commission/BoxesSection.tsx';
import { CsmsSection } from './commission/CsmsSection.tsx';
import { FleetView } from './commission/FleetView.tsx';
import { RunView } from './commission/RunView.tsx';
import { SitesSection } from './commission/SitesSection.tsx';
import { StartPanel } from './commission/StartPanel.tsx';
import { TemplatesSection } from './commission/TemplatesSection.tsx';

interface Starting {
  identities: string[];
  fleet: boolean;
}
interface Fleet {
  fleetId: string;
  initial: RunSummary[];
}

export function CommissionPage() {
  const { csms, stations, rows } = useBoxes();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [siteId, setSiteId] = useState<number | null>(null);
  const [starting, setStarting] = useState<Starting | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [fleet, setFleet] = useState<Fleet | null>(null);
  const openRun = useCallback((id: number) => setRunId(id), []);

  if (runId !== null)
    return <RunView key={runId} id={runId} onRun={openRun} onClose={() => setRunId(null)} />;
  if (fleet)
    return (
      <FleetView
        fleetId={fleet.fleetId}
        initial={fleet.initial}
        onOpen={openRun}
        onClose={() => setFleet(null)}
      />
    );
  return (
    <div className="page">
      <CsmsSection status={csms.status} error={csms.error} onStatus={csms.setStatus} />
      <ErrorNotice error={stations.error} />
      {starting && (
        <StartPanel
          identities={starting.identities}
          fleet={starting.fleet}
          onRun={(id) => {
            setStarting(null);
            setRunId(id);
          }}
          onFleet={(fleetId, initial) => {
            setStarting(null);
            setSelected(new Set());
            setFleet({ fleetId, initial });
          }}
          onClose={() => setStarting(null)}
        />
      )}
      <BoxesSection
        rows={rows}
        running={csms.status?.running ?? false}
        selected={selected}
        onSelect={setSelected}
        onCommission={(identities, asFleet) => setStarting({ identities, fleet: asFleet })}
      />
      <TemplatesSection siteId={siteId} onSite={setSiteId} />
      <SitesSection />
    </div>
  );
}
