// Sync: what waits to reach the company CSMS. Until a CSMS connection exists there is nothing in the
// outbox, and the page says so and what comes next.
import { EmptyState } from '../components/EmptyState.tsx';

export function SyncPage() {
  return (
    <div className="page">
      <EmptyState titleKey="sync.empty.title" bodyKey="sync.empty.body" />
    </div>
  );
}
