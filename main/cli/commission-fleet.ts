// `wbc commission` for a car park from one command: which boxes (--identity A,B,C, --site NAME, --expected),
// one fleet run by the commissioning service with bounded concurrency (in this process, or in the core running
// on the data folder), a line per box as it finishes, a summary, and an exit code 0 only when all are confirmed.
import { errorText } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import { fleetResult } from '../commissioning/fleet-result.ts';
import { sameTemplate } from '../commissioning/same-template.ts';
import type { Template } from '../commissioning/template.ts';
import type { RunDetail, RunSummary } from '../commissioning/types.ts';
import { type ApiHost, type CliContext, type CliCore, call, t, usage } from './context.ts';
import { siteNamed } from './find-named.ts';
import { runsSettled } from './run-settled.ts';

/** Boxes of a CLI fleet that move at once unless --concurrency says otherwise: the car park's LAN and
 *  the laptop stay responsive. */
export const FLEET_CONCURRENCY = 8;

export const COMMISSION_USAGE =
  'commission --identity ID[,ID...] | --site NAME | --expected --expect ID,ID  --template FILE [--concurrency N] [--port P] [--timeout S]';

export interface CommissionTargets {
  identities: string[];
  /** Several boxes, or boxes chosen by site or expected list: one fleet with a line per box. */
  fleet: boolean;
}

function list(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The boxes a `wbc commission` names: exactly one of --identity, --site and --expected. */
export async function commissionTargets(ctx: CliContext, core: ApiHost): Promise<CommissionTargets> {
  const { identity, site, expected } = ctx.options;
  const chosen = [identity !== undefined, site !== undefined, expected === true].filter(Boolean).length;
  if (chosen !== 1 || !ctx.options.template) usage(ctx, COMMISSION_USAGE);
  const none = (detail: string): never => {
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.fleet.noBoxes', { detail }) });
  };
  if (identity !== undefined) {
    const identities = list(identity);
    if (identities.length === 0) usage(ctx, COMMISSION_USAGE);
    return { identities, fleet: identities.length > 1 };
  }
  if (site !== undefined) {
    const found = await siteNamed(core, site);
    const stations = await call(core, 'stations.list', { siteId: found.id });
    const identities = stations.map((s) => s.identity);
    if (identities.length === 0) none(t(ctx, 'cli.fleet.siteEmpty', { site: found.name }));
    return { identities, fleet: true };
  }
  // The local CSMS's expected boxes: the ones this command's CSMS admits at once (--expect).
  const identities = list(ctx.options.expect);
  if (identities.length === 0) none(t(ctx, 'cli.fleet.noExpected'));
  return { identities, fleet: true };
}

export function fleetConcurrency(ctx: CliContext): number {
  const raw = ctx.options.concurrency;
  if (raw === undefined) return FLEET_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256 || raw.trim() === '') {
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.fleet.concurrency') });
  }
  return n;
}

/**
 * Whether a box's run counts as done for the exit code. One place, so the run's outcomes (confirmed,
 * left not confirmed, failed) change it here and nowhere else: only a run the company CSMS confirmed.
 */
export function runConfirmed(run: RunDetail): boolean {
  return run.status === 'confirmed';
}

/** 0 only when every box's run is confirmed; 3 when the rest only left, not confirmed (as for one box);
 *  1 when any box failed, was cancelled or never came. */
export function fleetExitCode(runs: RunDetail[]): number {
  if (runs.length > 0 && runs.every(runConfirmed)) return 0;
  if (runs.length > 0 && runs.every((r) => runConfirmed(r) || r.status === 'left-not-confirmed')) return 3;
  return 1;
}

/** The one line that says how a box's run ended: the same words for one box and for a fleet. */
export function runOutcomeLine(ctx: CliContext, run: RunDetail): string {
  const identity = run.identity;
  if (run.status === 'confirmed')
    return t(ctx, 'cli.commission.confirmed', { identity, by: run.state.verify?.confirmedBy ?? '?' });
  if (run.status === 'left-not-confirmed')
    return t(ctx, 'cli.commission.left', { identity, seconds: run.state.verify?.windowS ?? 0 });
  return t(ctx, 'cli.commission.ended', { identity, status: t(ctx, `run.status.${run.status}`) });
}

interface BoxOutcome {
  run: RunDetail;
  /** Never connected before --timeout: its run was cancelled untouched. */
  absent: boolean;
}

function printBox(ctx: CliContext, outcome: BoxOutcome, timeoutS: number): void {
  const { run, absent } = outcome;
  const error = run.error ? errorText(ctx.language, run.error.code, run.error.params) : null;
  if (ctx.output.json) {
    ctx.output.out(
      JSON.stringify({
        event: 'box',
        identity: run.identity,
        run: run.id,
        status: run.status,
        step: run.step,
        absent,
        confirmed: runConfirmed(run),
        results: run.state.results,
        error: absent
          ? {
              code: 'BOX_OFFLINE',
              message: t(ctx, 'cli.fleet.absent', { identity: run.identity, seconds: timeoutS }),
            }
          : run.error && error
            ? { code: run.error.code, params: run.error.params, message: error.message, remedy: error.remedy }
            : null,
      }),
    );
    return;
  }
  if (absent) ctx.output.out(t(ctx, 'cli.fleet.absent', { identity: run.identity, seconds: timeoutS }));
  else ctx.output.out(error ? `${runOutcomeLine(ctx, run)} ${error.message}` : runOutcomeLine(ctx, run));
  if (run.status === 'cancelled' && !absent) ctx.output.out(cancelledHolds(ctx, run));
}

/** What a box whose run was cancelled (Ctrl+C) holds now: nothing new, what it accepted, or that and a restart. */
export function cancelledHolds(ctx: CliContext, run: RunDetail): string {
  const count = Object.values(run.state.results).filter(
    (status) => status === 'Accepted' || status === 'RebootRequired',
  ).length;
  if (count === 0) return t(ctx, 'cli.fleet.cancel.untouched', { identity: run.identity });
  const key = run.state.reset ? 'cli.fleet.cancel.restarted' : 'cli.fleet.cancel.holds';
  return t(ctx, key, { identity: run.identity, count, run: run.id });
}

/** The fleet's combined result: the boxes named under each outcome, each failure with its reason and, when
 *  values it wrote stayed on the box, the command that puts them back; then where the report comes from. */
function printResult(ctx: CliContext, fleetId: string, runs: RunDetail[]): void {
  const result = fleetResult(fleetId, runs, () => null);
  const named = (key: string, boxes: string[]) => {
    if (boxes.length > 0) ctx.output.out(t(ctx, key, { count: boxes.length, boxes: boxes.join(', ') }));
  };
  named('cli.fleet.result.confirmed', result.confirmed);
  named('cli.fleet.result.left', result.left);
  if (result.failed.length > 0)
    ctx.output.out(t(ctx, 'cli.fleet.result.failed', { count: result.failed.length }));
  for (const f of result.failed) {
    const reason = f.error ? errorText(ctx.language, f.error.code, f.error.params).message : '';
    ctx.output.out(t(ctx, 'cli.fleet.result.failedBox', { identity: f.identity, run: f.runId, reason }));
    if (f.putBack) ctx.output.out(t(ctx, 'cli.fleet.result.putBack', { run: f.runId }));
  }
  named('cli.fleet.result.cancelled', result.cancelled);
  ctx.output.out(t(ctx, 'cli.fleet.result.report', { fleet: fleetId }));
}

function printSummary(ctx: CliContext, outcomes: BoxOutcome[]): void {
  const counts = new Map<string, number>();
  for (const { run, absent } of outcomes) {
    const key = absent ? 'absent' : run.status;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const fleetId = outcomes[0]?.run.fleetId ?? '';
  if (ctx.output.json) {
    const result = fleetResult(
      fleetId,
      outcomes.map((o) => o.run),
      () => null,
    );
    ctx.output.out(
      JSON.stringify({
        event: 'summary',
        fleetId,
        total: outcomes.length,
        counts: Object.fromEntries(counts),
        confirmed: result.confirmed,
        left: result.left,
        failed: result.failed,
        cancelled: result.cancelled,
      }),
    );
    return;
  }
  const parts = [...counts].map(([key, count]) =>
    t(ctx, 'cli.fleet.count', {
      count,
      status: key === 'absent' ? t(ctx, 'cli.fleet.status.absent') : t(ctx, `run.status.${key}`),
    }),
  );
  ctx.output.out(t(ctx, 'cli.fleet.summary', { total: outcomes.length, counts: parts.join(', ') }));
  printResult(
    ctx,
    fleetId,
    outcomes.map((o) => o.run),
  );
}

/** The boxes of the fleet still at their first step whose box is not connected when --timeout is up: their
 *  runs are cancelled before anything is sent to them (marked absent first, so their line says so). */
async function cancelAbsent(core: CliCore, fleetId: string, absent: Set<number>): Promise<void> {
  const [status, runs] = await Promise.all([
    call(core, 'csms.status', {}),
    call(core, 'commissioning.list', { fleetId, limit: 10_000 }),
  ]);
  const connected = new Set(status.boxes.filter((b) => b.state === 'connected').map((b) => b.identity));
  const late = runs.filter(
    (run) =>
      (run.status === 'running' || run.status === 'waiting-for-box') &&
      run.step === 'identify' &&
      !connected.has(run.identity),
  );
  for (const run of late) absent.add(run.id);
  await Promise.all(late.map((run) => call(core, 'commissioning.cancel', { id: run.id })));
}

/**
 * The runs under way for these boxes, refused (COMMISSION_RUN_UNDER_WAY) when any began with another template
 * than this one: a run changed since (a corrected address) must not be carried on with the old one unnoticed.
 * Asked before the command starts a CSMS of its own, which would take those runs up.
 */
export async function followable(
  core: CliCore,
  identities: string[],
  template: Template,
): Promise<RunSummary[]> {
  const underWay = await runsUnderWay(core, identities);
  const details = await Promise.all(underWay.map((run) => call(core, 'commissioning.get', { id: run.id })));
  const other = details.filter((run) => !sameTemplate(run.template, template));
  if (other.length > 0)
    throw new AppError('COMMISSION_RUN_UNDER_WAY', {
      boxes: other.map((run) => `${run.identity} (run ${run.id}, ${run.template.name})`).join(', '),
    });
  return underWay;
}

/** The runs of these boxes that are under way (each box's latest run, moving or waiting for its box). */
async function runsUnderWay(core: CliCore, identities: string[]): Promise<RunSummary[]> {
  const latest = await Promise.all(
    identities.map((identity) => call(core, 'commissioning.list', { identity, limit: 1 })),
  );
  return latest.flatMap((runs) =>
    runs.filter((run) => run.status === 'running' || run.status === 'waiting-for-box'),
  );
}

/**
 * Starts one fleet for the boxes on the local CSMS (this process's, or the running core's through its
 * channel: the same calls and events) and waits for all of them, a line per box as it ends. A box that has
 * not connected within timeoutS has its run cancelled before anything is sent to it; a box that did connect
 * keeps its run going. Ctrl+C (or SIGTERM) cancels the whole fleet where it runs. Returns the exit code.
 */
export async function runFleet(
  ctx: CliContext,
  core: CliCore,
  request: {
    identities: string[];
    template: Template;
    concurrency: number;
    timeoutS: number;
    /** The boxes' runs under way, from `followable`: followed, not started again. */
    underWay: RunSummary[];
  },
): Promise<number> {
  const { identities, template, concurrency, timeoutS, underWay } = request;
  // Boxes whose runs the tool took up again after it stopped mid-way (a crash, a flat battery): the command
  // run again follows those runs to their end, it does not start second ones.
  for (const run of underWay)
    ctx.output.err(
      ctx.output.json
        ? JSON.stringify({
            event: 'following',
            identity: run.identity,
            run: run.id,
            createdAt: run.createdAt,
          })
        : t(ctx, 'cli.fleet.following', { identity: run.identity, run: run.id, at: run.createdAt }),
    );
  const following = new Set(underWay.map((r) => r.identity));
  const fresh = identities.filter((identity) => !following.has(identity));
  const started =
    fresh.length > 0
      ? await call(core, 'commissioning.fleet', {
          identities: fresh,
          template,
          approval: 'auto',
          concurrency,
        })
      : null;
  const absent = new Set<number>();
  const deadline = setTimeout(() => {
    if (started) void cancelAbsent(core, started.fleetId, absent).catch(() => undefined);
  }, timeoutS * 1000);
  const onSignal = () => {
    if (started)
      void call(core, 'commissioning.cancelFleet', { fleetId: started.fleetId }).catch(() => undefined);
    for (const run of underWay)
      void call(core, 'commissioning.cancel', { id: run.id }).catch(() => undefined);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const runs = await runsSettled(
      core,
      [...underWay.map((r) => r.id), ...(started?.runs.map((r) => r.id) ?? [])],
      (run) => printBox(ctx, { run, absent: absent.has(run.id) }, timeoutS),
    );
    printSummary(
      ctx,
      runs.map((run) => ({ run, absent: absent.has(run.id) })),
    );
    return fleetExitCode(runs);
  } finally {
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
