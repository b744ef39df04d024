// Sync: what waits to reach each company CSMS set up here (offline first), why, and what to do by hand;
// with no CSMS set up yet, the page says how to add one.
import { useState } from 'react';
import type { ConnectionCheck } from '../../main/csms/connector.ts';
import type { SyncRunSummary } from '../../main/csms/worker.ts';
import { useQuery } from '../api/hooks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { AddConnectorForm } from './sync/AddConnectorForm.tsx';
import { ConnectorPanel } from './sync/ConnectorPanel.tsx';

export function SyncPage() {
  const status = useQuery('sync.status', {}, ['sync', 'card', 'group', 'secret']);
  const [checks, setChecks] = useState<Record<string, ConnectionCheck[]>>({});
  const [sent, setSent] = useState<Record<string, SyncRunSummary>>({});
  // One tree whether or not a CSMS is set up yet: the form keeps what the user typed while the list
  // arrives (two trees remounted it, and a kind chosen before the first answer was lost).
  const empty = status.data !== undefined && status.data.length === 0;
  return (
    <div className="page">
      {empty ? (
        <EmptyState titleKey="sync.empty.title" bodyKey="sync.empty.body" />
      ) : (
        <>
          <ErrorNotice error={status.error} />
          {(status.data ?? []).map((s) => (
            <ConnectorPanel
              key={s.connector.id}
              status={s}
              checks={checks[s.connector.name]}
              sent={sent[s.connector.name]}
              onChecks={(c) => setChecks((all) => ({ ...all, [s.connector.name]: c }))}
              onSent={(summary) => {
                setSent((all) => ({ ...all, [s.connector.name]: summary }));
                status.reload();
              }}
              onResolved={status.reload}
            />
          ))}
        </>
      )}
      <AddConnectorForm onAdded={status.reload} />
    </div>
  );
}
