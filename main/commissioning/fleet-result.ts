// A fleet's one combined result once its boxes stop moving: the boxes named under each honest outcome
// (confirmed, left not confirmed, failed, cancelled), each failure with its reason and whether "put back"
// can undo it. Pure: the fleet view and `wbc commission` word the same result.
import { latestPerBox } from './fleet-plan.ts';
import { putBackOffered } from './put-back-offer.ts';
import type { RunDetail, RunError } from './types.ts';

export interface FleetFailure {
  runId: number;
  identity: string;
  error: RunError | null;
  /** Values the run wrote are still on the box and can be put back (the snapshot before the run). */
  putBack: boolean;
}

export interface FleetResult {
  fleetId: string;
  total: number;
  /** No box's run is moving or waiting any more: the result is final (until a retry). */
  ended: boolean;
  confirmed: string[];
  left: string[];
  failed: FleetFailure[];
  cancelled: string[];
  /** Still running, waiting for the box, a place or an approval. */
  active: string[];
  /** The site every box of the fleet is on, or null (no site, or several). */
  site: { id: number; name: string } | null;
}

/** The result from each box's latest run of the fleet; `siteOf` says which site a box is on. */
export function fleetResult(
  fleetId: string,
  all: RunDetail[],
  siteOf: (identity: string) => { id: number; name: string } | null,
): FleetResult {
  const runs = latestPerBox(all);
  const named = (status: RunDetail['status']) =>
    runs.filter((r) => r.status === status).map((r) => r.identity);
  const active = runs
    .filter(
      (r) => r.status === 'running' || r.status === 'waiting-for-box' || r.status === 'awaiting-approval',
    )
    .map((r) => r.identity);
  const sites = runs.map((r) => siteOf(r.identity));
  const first = sites[0] ?? null;
  const oneSite = first !== null && sites.every((s) => s?.id === first.id);
  return {
    fleetId,
    total: runs.length,
    ended: active.length === 0,
    confirmed: named('confirmed'),
    left: named('left-not-confirmed'),
    failed: runs
      .filter((r) => r.status === 'failed')
      .map((r) => ({ runId: r.id, identity: r.identity, error: r.error, putBack: putBackOffered(r) })),
    cancelled: named('cancelled'),
    active,
    site: oneSite ? first : null,
  };
}
