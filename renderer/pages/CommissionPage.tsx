// Commission: the tool's local CSMS that boxes connect to, the live list of boxes (admitting the
// ones in the lobby), and the sites they belong to. A new user starts the CSMS or creates a site.
import { useBoxes } from '../api/ocpp-hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { BoxesSection } from './commission/BoxesSection.tsx';
import { CsmsSection } from './commission/CsmsSection.tsx';
import { SitesSection } from './commission/SitesSection.tsx';

export function CommissionPage() {
  const { csms, stations, rows } = useBoxes();
  return (
    <div className="page">
      <CsmsSection status={csms.status} error={csms.error} onStatus={csms.setStatus} />
      <ErrorNotice error={stations.error} />
      <BoxesSection rows={rows} running={csms.status?.running ?? false} />
      <SitesSection />
    </div>
  );
}
