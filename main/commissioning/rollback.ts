// Nothing half-written: when a run fails after the box accepted some of its writes, each value is put
// back (latest first) and read back, unless the user chose to keep them; the result says what the box
// holds now and what that means at its next reboot.
import type { OcppService } from '../ocpp/service.ts';
import { cannotPutBack, loadUrlProfiles } from './plan.ts';
import type { Plan, PlannedWrite, RollbackEntry, RollbackState } from './types.ts';

const OK_STATUSES = new Set(['Accepted', 'RebootRequired']);

/** The writes the box accepted, in the order they were sent: settings, the 2.0.1 priority, then what
 *  cannot be put back (password, security profile). */
export function acceptedWrites(plan: Plan, results: Record<string, string>): PlannedWrite[] {
  const all = [
    ...plan.writes.filter((w) => !cannotPutBack(w)),
    ...(plan.priority ? [plan.priority] : []),
    ...plan.writes.filter(cannotPutBack),
  ];
  return all.filter((w) => OK_STATUSES.has(String(results[w.key] ?? '')));
}

/** Keys that decide where the box dials at its next boot. */
function movesTheBox(plan: Plan, key: string): boolean {
  if (plan.priority?.key === key) return true;
  return loadUrlProfiles().some((p) => p.urlKey === key);
}

function nextReboot(plan: Plan, entries: RollbackEntry[]): RollbackState['nextReboot'] {
  const held = entries.filter((e) => e.outcome !== 'restored' && e.outcome !== 'unused');
  if (held.some((e) => movesTheBox(plan, e.key))) return 'new-csms';
  if (held.some((e) => e.secret || e.outcome === 'one-way')) return 'new-password';
  if (held.some((e) => e.outcome === 'not-restored')) return 'unknown';
  return 'as-before';
}

const same = (a: string | null | undefined, b: string | null) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

export async function putBack(options: {
  ocpp: OcppService;
  actor: string;
  identity: string;
  runId: number;
  plan: Plan;
  results: Record<string, string>;
  keep: boolean;
  signal: AbortSignal;
}): Promise<RollbackState | null> {
  const { ocpp, plan, identity } = options;
  const written = acceptedWrites(plan, options.results).reverse();
  if (written.length === 0 && !OK_STATUSES.has(String(options.results.SetNetworkProfile ?? ''))) return null;
  const entries: RollbackEntry[] = [];
  for (const write of written) {
    const entry: RollbackEntry = {
      key: write.key,
      from: write.from,
      to: write.to,
      secret: write.secret,
      outcome: 'kept',
    };
    entries.push(entry);
    if (write.secret) entry.outcome = 'write-only';
    else if (cannotPutBack(write)) entry.outcome = 'one-way';
    else if (options.keep) entry.outcome = 'kept';
    else if (write.from === null) entry.outcome = 'not-restored';
    else {
      try {
        const [result] = await ocpp.changeSettings(
          options.actor,
          identity,
          [{ key: write.key, value: write.from }],
          options.signal,
        );
        entry.outcome = OK_STATUSES.has(result?.status ?? '') ? 'restored' : 'not-restored';
      } catch {
        // The box is gone or does not answer: the value stays as written, and the result says so.
        entry.outcome = 'not-restored';
      }
    }
  }
  const toCheck = entries.filter((e) => e.outcome === 'restored');
  if (toCheck.length > 0) {
    try {
      const snapshot = await ocpp.readConfiguration(
        identity,
        `after putting back run ${options.runId}`,
        options.signal,
      );
      for (const entry of toCheck) {
        const readBack = snapshot.entries.find((e) => e.key === entry.key)?.value ?? null;
        entry.readBack = readBack;
        if (!same(readBack, entry.from)) entry.outcome = 'not-restored';
      }
    } catch {
      // Written back but not read back: not claimed as restored.
      for (const entry of toCheck) entry.outcome = 'not-restored';
    }
  }
  // 2.0.1: the new CSMS's network slot cannot be emptied by OCPP; it is harmless while the priority
  // does not name it (the priority is written last and put back first).
  if (plan.networkProfile && OK_STATUSES.has(String(options.results.SetNetworkProfile ?? ''))) {
    const priorityHeld = entries.some((e) => e.key === plan.priority?.key && e.outcome !== 'restored');
    entries.push({
      key: `SetNetworkProfile ${plan.networkProfile.slot}`,
      from: null,
      to: plan.networkProfile.url,
      secret: false,
      outcome: priorityHeld ? 'kept' : 'unused',
    });
  }
  return { mode: options.keep ? 'kept' : 'restored', entries, nextReboot: nextReboot(plan, entries) };
}
