// Boxes: the list of every box the tool knows (#/boxes), the page of one (#/boxes/ID), one of its runs
// (#/boxes/ID/runs/N) and that run's report (#/boxes/ID/runs/N/report), each with an address that
// survives a reload, so a run waiting for approval is found where the user left it.
import { useRun } from '../api/commissioning-hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { href, navigate, useRoute } from '../routing/route.ts';
import { BoxList } from './boxes/BoxList.tsx';
import { BoxPage } from './boxes/BoxPage.tsx';
import { RunReport } from './commission/RunReport.tsx';
import { RunView } from './commission/RunView.tsx';

function ReportPage({ identity, id }: { identity: string; id: number }) {
  const { run, error } = useRun(id);
  if (!run) return <ErrorNotice error={error} />;
  return <RunReport run={run} onClose={() => navigate('boxes', identity)} />;
}

export function BoxesPage() {
  const { rest } = useRoute();
  const [identity, section, runId, part] = rest;
  if (!identity) return <BoxList />;
  const id = Number(runId);
  if (section === 'runs' && Number.isInteger(id) && id > 0) {
    if (part === 'report') return <ReportPage key={id} identity={identity} id={id} />;
    return (
      <div className="page">
        <p>
          <a href={href('boxes', identity)}>{identity}</a>
        </p>
        <RunView
          key={id}
          id={id}
          onRun={(next) => navigate('boxes', identity, 'runs', String(next))}
          onClose={() => navigate('boxes', identity)}
        />
      </div>
    );
  }
  return <BoxPage key={identity} identity={identity} />;
}
