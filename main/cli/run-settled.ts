// When the runs a `wbc` command started have ended, one rule for one box and for a fleet: in this process the
// service says so; through the running core's channel its events do, and a core that goes away ends the wait.
import { AppError } from '../api/errors.ts';
import type { RunDetail, RunStatus, RunSummary } from '../commissioning/types.ts';
import { type CliCore, call } from './context.ts';

/** A run in one of these still moves (or waits for its box, a place or an approval). */
export const MOVING = new Set<RunStatus>(['running', 'waiting-for-box', 'awaiting-approval']);

/**
 * Waits until every run in `ids` has ended and answers them in that order; `onEnded` hears each one as it
 * ends. In this process each is awaited with the checks after it (the service's settled); through the
 * channel a run counts as ended at its first event with a final status. A running core that stops (its
 * channel closes) is CORE_UNREACHABLE, not a wait without end.
 */
export function runsSettled(
  core: CliCore,
  ids: number[],
  onEnded: (run: RunDetail) => void = () => undefined,
): Promise<RunDetail[]> {
  const local = core.local;
  if (local)
    return Promise.all(
      ids.map(async (id) => {
        const run = await local.commissioning.settled(id);
        onEnded(run);
        return run;
      }),
    );
  return new Promise<RunDetail[]>((resolve, reject) => {
    const open = new Set(ids);
    const ended = new Map<number, RunDetail>();
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      off();
      if (error) reject(error);
      else resolve(ids.map((id) => ended.get(id) as RunDetail));
    };
    const take = (run: RunDetail) => {
      ended.set(run.id, run);
      onEnded(run);
      if (ended.size === ids.length) finish();
    };
    // The first to see a run ended (its event, or the look below) reads it; the other lets it be.
    const look = (run: RunSummary | RunDetail, detail: boolean) => {
      if (done || !open.has(run.id) || MOVING.has(run.status)) return;
      open.delete(run.id);
      if (detail) take(run as RunDetail);
      else call(core, 'commissioning.get', { id: run.id }).then(take, finish);
    };
    const off = core.router.subscribe((event, payload) => {
      if (event === 'commissioning.changed') look(payload as RunSummary, false);
    });
    void core.gone?.then(() => finish(new AppError('CORE_UNREACHABLE')));
    // A run may have ended before we listened.
    for (const id of ids) call(core, 'commissioning.get', { id }).then((run) => look(run, true), finish);
  });
}
