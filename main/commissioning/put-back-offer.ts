// Whether a failed run still has values on its box that "Put back what was written" can undo: pure, so the
// run view shows the button exactly when the core would accept the request.
import type { PlannedWrite, RunDetail } from './types.ts';

const OK_STATUSES = new Set(['Accepted', 'RebootRequired']);

/** The writes of a failed run that "put back" would undo: accepted, not a password, not the security
 *  profile, read by the snapshot before the run, and not known to be restored. Empty when nothing is. */
export function putBackWrites(run: Pick<RunDetail, 'status' | 'state'>): PlannedWrite[] {
  const plan = run.state.plan;
  if (run.status !== 'failed' || !plan) return [];
  const restored = new Set(
    (run.state.rollback?.entries ?? []).filter((e) => e.outcome === 'restored').map((e) => e.key),
  );
  const writes = [...plan.writes, ...(plan.priority ? [plan.priority] : [])];
  return writes.filter(
    (w) =>
      !w.secret &&
      w.key !== 'SecurityProfile' &&
      w.from !== null &&
      OK_STATUSES.has(String(run.state.results[w.key] ?? '')) &&
      !restored.has(w.key),
  );
}

/** The run failed, and a value it wrote (one the box can be given back) is still on the box. */
export function putBackOffered(run: Pick<RunDetail, 'status' | 'state'>): boolean {
  return putBackWrites(run).length > 0;
}
