// Whether a failed run still has values on its box that "Put back what was written" can undo: pure, so the
// run view shows the button exactly when the core would accept the request.
import type { RunDetail } from './types.ts';

const OK_STATUSES = new Set(['Accepted', 'RebootRequired']);

/** The run failed, and a value it wrote (one the box can be given back: not a password, not the security
 *  profile, and one the snapshot before the run read) was accepted and is not known to be restored. */
export function putBackOffered(run: Pick<RunDetail, 'status' | 'state'>): boolean {
  const plan = run.state.plan;
  if (run.status !== 'failed' || !plan) return false;
  const restored = new Set(
    (run.state.rollback?.entries ?? []).filter((e) => e.outcome === 'restored').map((e) => e.key),
  );
  const writes = [...plan.writes, ...(plan.priority ? [plan.priority] : [])];
  return writes.some(
    (w) =>
      !w.secret &&
      w.key !== 'SecurityProfile' &&
      w.from !== null &&
      OK_STATUSES.has(String(run.state.results[w.key] ?? '')) &&
      !restored.has(w.key),
  );
}
