// `wbc runs put-back RUN [--yes]`: what a failed run wrote goes back to what the box held before it (the
// snapshot taken then), through the running core or one started for the box. Without --yes it only says
// what would be put back; afterwards it prints what the box holds now, and the exit code says how it went.
import { AppError } from '../api/errors.ts';
import { putBackWrites } from '../commissioning/put-back-offer.ts';
import { rollbackLine } from '../commissioning/rollback-text.ts';
import type { RollbackState, RunDetail } from '../commissioning/types.ts';
import { withBox } from './commands-ocpp.ts';
import { type CliContext, type CliCore, call, numberArg, print, t } from './context.ts';

export const PUT_BACK_USAGE = 'runs put-back RUN [--yes] [--port P] [--timeout S]';

/** 0: every value is back and the box restarts as before; 1: a value could not be put back (or read back
 *  as something else); 3: put back, but the box keeps what OCPP cannot undo (a password, a profile). */
export function putBackExitCode(rollback: RollbackState | null | undefined): number {
  if (!rollback || rollback.entries.some((e) => e.outcome === 'not-restored')) return 1;
  return rollback.nextReboot === 'as-before' ? 0 : 3;
}

function printHolds(ctx: CliContext, run: RunDetail): void {
  const rollback = run.state.rollback;
  ctx.output.out(t(ctx, 'cli.runs.putBack.done', { id: run.id, identity: run.identity }));
  if (!rollback) return;
  ctx.output.out(t(ctx, 'rollback.title'));
  for (const e of rollback.entries) {
    const line = rollbackLine(e);
    ctx.output.out(`  ${t(ctx, line.key, line.params)}`);
  }
  ctx.output.out(t(ctx, `rollback.next.${rollback.nextReboot}`));
}

/** Returns the exit code; a refusal (nothing to put back, not confirmed, box offline) is a typed error. */
export async function putBackRun(ctx: CliContext, core: CliCore, idText: string): Promise<number> {
  const run = await call(core, 'commissioning.get', { id: numberArg(idText) as number });
  const writes = putBackWrites(run);
  if (writes.length === 0)
    throw new AppError('COMMISSION_NOTHING_TO_PUT_BACK', { identity: run.identity, id: run.id });
  if (ctx.options.yes !== true) {
    // On stderr, as `boxes forget` does: stdout carries only a result, and nothing was done.
    ctx.output.err(t(ctx, 'cli.runs.putBack.plan', { id: run.id, identity: run.identity }));
    for (const w of writes)
      ctx.output.err(t(ctx, 'cli.runs.putBack.entry', { key: w.key, to: w.to, from: w.from ?? '' }));
    throw new AppError('COMMISSION_PUT_BACK_NOT_CONFIRMED', { identity: run.identity, id: run.id });
  }
  let done: RunDetail | undefined;
  // The box must be on this tool's CSMS: the running core's, or one this command starts and waits on.
  await withBox({ ...ctx, options: { ...ctx.options, identity: run.identity } }, core, async () => {
    done = await call(core, 'commissioning.putBack', { id: run.id });
  });
  if (!done) return 1;
  const after = done;
  print(ctx, after, () => printHolds(ctx, after));
  return putBackExitCode(after.state.rollback);
}
