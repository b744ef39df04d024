// Commission: what comes first in an empty app, the tool's local CSMS that boxes connect to, the live list of boxes (admitting the
// ones in the lobby, choosing the ones to commission), templates, sites, and the runs themselves.
import { useCallback, useState } from 'react';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { useBoxes } from '../api/ocpp-hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { navigate, useRoute } from '../routing/route.ts';
import { BoxesSection } from './commission/BoxesSection.tsx';
import { CsmsSection } from './commission/CsmsSection.tsx';
import { FirstSteps } from './commission/FirstSteps.tsx';
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

/** A fleet opened from its address (a reload, the header's link): its runs come from the core. */
const NO_RUNS: RunSummary[] = [];

export function CommissionPage() {
  const { csms, stations, rows } = useBoxes();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [siteId, setSiteId] = useState<number | null>(null);
  const [chosen, setStarting] = useState<Starting | null>(null);
  const [fleet, setFleet] = useState<Fleet | null>(null);
  // The open run or fleet and a box sent here from its page live in the address: a reload finds them again.
  const [section, arg] = useRoute().rest;
  const runId = section === 'runs' && Number(arg) > 0 ? Number(arg) : null;
  const fleetId = section === 'fleets' && arg ? arg : null;
  const fromBoxPage = section === 'start' && arg ? { identities: [arg], fleet: false } : null;
  const starting = chosen ?? fromBoxPage;
  const openRun = useCallback((id: number) => navigate('commission', 'runs', String(id)), []);
  const leave = () => {
    setStarting(null);
    if (fromBoxPage) navigate('commission');
  };

  if (runId !== null)
    return (
      <RunView
        key={runId}
        id={runId}
        onRun={openRun}
        // A run of a fleet closes back to that fleet, also when it was opened by its address (a reload,
        // a link): the run itself knows its fleet. Any other run closes to this page, where it was started.
        onClose={(run) =>
          run.fleetId ? navigate('commission', 'fleets', run.fleetId) : navigate('commission')
        }
      />
    );
  if (fleetId !== null)
    return (
      <FleetView
        key={fleetId}
        fleetId={fleetId}
        initial={fleet?.fleetId === fleetId ? fleet.initial : NO_RUNS}
        onOpen={openRun}
        onClose={() => {
          setFleet(null);
          navigate('commission');
        }}
      />
    );
  return (
    <div className="page">
      <FirstSteps rows={rows} running={csms.status?.running ?? false} />
      <CsmsSection status={csms.status} error={csms.error} onStatus={csms.setStatus} />
      <ErrorNotice error={stations.error} />
      {starting && (
        <StartPanel
          identities={starting.identities}
          fleet={starting.fleet}
          onRun={(id) => {
            setStarting(null);
            openRun(id);
          }}
          onFleet={(fleetId, initial) => {
            leave();
            setSelected(new Set());
            setFleet({ fleetId, initial });
            navigate('commission', 'fleets', fleetId);
          }}
          onClose={leave}
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
