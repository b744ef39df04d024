// A fleet's plans as one to approve: per OCPP version, the writes every box shares, grouped by identical
// change ("12 boxes: HeartbeatInterval 60 → 300"), then each box's exceptions, the boxes still being
// planned and those whose plan is blocked. Pure: built from the stored runs, shown by the fleet view.
import type { PlannedWrite, RunDetail } from './types.ts';

/** Stands for the box's own identity at the end of a URL, so per-box URLs group as one change. */
export const BOX_PLACEHOLDER = '{box}';

export interface FleetChange {
  key: string;
  from: string | null;
  to: string;
  secret: boolean;
  boxes: string[];
}

export interface FleetVersionPlan {
  ocppVersion: '1.6' | '2.0.1';
  boxes: string[];
  /** Changes every box of this version gets, largest first. */
  common: FleetChange[];
  /** Per box, the changes not every box of this version shares. */
  exceptions: Array<{ identity: string; writes: FleetChange[] }>;
}

export interface FleetPlan {
  fleetId: string;
  versions: FleetVersionPlan[];
  /** Runs that wait for approval: one approval approves them all. */
  awaiting: string[];
  /** No plan yet (identifying, reading the configuration, waiting for the box or a place). */
  planning: string[];
  /** The plan found a blocking problem: the run fails at the plan and writes nothing. */
  blocked: Array<{ identity: string; code: string }>;
  /** Started to run without approval: the plan is shown as what is being written. */
  approval: 'auto' | 'manual';
}

function shared(value: string | null, identity: string): string | null {
  if (value === null || !value.endsWith(`/${identity}`)) return value;
  return `${value.slice(0, -identity.length)}${BOX_PLACEHOLDER}`;
}

function writesOf(run: RunDetail): PlannedWrite[] {
  const plan = run.state.plan;
  if (!plan) return [];
  const writes = [...plan.writes, ...(plan.priority ? [plan.priority] : [])];
  if (plan.networkProfile)
    writes.unshift({
      key: `SetNetworkProfile ${plan.networkProfile.slot}`,
      from: null,
      to: plan.networkProfile.url,
      secret: false,
    });
  return writes;
}

/** Each box's latest try among a fleet's runs (a retried box counts once, as its newest run), by identity. */
export function latestPerBox<R extends { id: number; identity: string }>(all: R[]): R[] {
  const latest = new Map<string, R>();
  for (const run of [...all].sort((a, b) => b.id - a.id))
    if (!latest.has(run.identity)) latest.set(run.identity, run);
  return [...latest.values()].sort((a, b) => a.identity.localeCompare(b.identity));
}

/** Each fleet run's latest try (a retried box counts once, as its newest run). */
export function combinedPlan(fleetId: string, all: RunDetail[]): FleetPlan {
  const runs = latestPerBox(all);
  const planning = runs.filter(
    (r) => !r.state.plan && (r.status === 'running' || r.status === 'waiting-for-box'),
  );
  const blocked = runs
    .filter((r) => (r.state.plan?.problems.length ?? 0) > 0)
    .map((r) => ({ identity: r.identity, code: r.state.plan?.problems[0]?.code ?? '' }));
  const planned = runs.filter((r) => r.state.plan && r.state.plan.problems.length === 0);
  const versions: FleetVersionPlan[] = [];
  for (const version of ['1.6', '2.0.1'] as const) {
    const mine = planned.filter((r) => r.state.plan?.ocppVersion === version);
    if (mine.length === 0) continue;
    const changes = new Map<string, FleetChange>();
    for (const run of mine)
      for (const write of writesOf(run)) {
        const from = shared(write.from, run.identity);
        const to = shared(write.to, run.identity) ?? '';
        const id = JSON.stringify([write.key, from, to]);
        const change = changes.get(id) ?? { key: write.key, from, to, secret: write.secret, boxes: [] };
        change.boxes.push(run.identity);
        changes.set(id, change);
      }
    const all = [...changes.values()];
    const everyBox = (c: FleetChange) => c.boxes.length === mine.length;
    versions.push({
      ocppVersion: version,
      boxes: mine.map((r) => r.identity),
      common: all.filter(everyBox),
      exceptions: mine
        .map((r) => ({
          identity: r.identity,
          writes: all.filter((c) => !everyBox(c) && c.boxes.includes(r.identity)),
        }))
        .filter((e) => e.writes.length > 0),
    });
  }
  return {
    fleetId,
    versions,
    awaiting: runs.filter((r) => r.status === 'awaiting-approval').map((r) => r.identity),
    planning: planning.map((r) => r.identity),
    blocked,
    approval: runs.some((r) => r.approval === 'manual') ? 'manual' : 'auto',
  };
}
