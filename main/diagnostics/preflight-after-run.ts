// Pre-flight by itself after every commissioning run that reached the reset: bounded in time, stored in the
// run's state.preflight (run view, report), and never a change to the run's outcome or its error.
import type { Language } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import type { RunDetail } from '../commissioning/types.ts';
import { type PreflightDeps, runPreflight, storedLines } from './preflight.ts';
import type { PreflightReport } from './preflight-types.ts';
import { type PreflightWords, wordLine } from './preflight-words.ts';

export interface AfterRunLimits {
  /** Per network step and per box question (ms). */
  stepMs: number;
  /** The whole check, after which the run's view says the checks did not finish (ms). */
  totalMs: number;
}

export const AFTER_RUN_LIMITS: AfterRunLimits = { stepMs: 3000, totalMs: 20_000 };

/** A run that ended after its reset was sent: the box was told to go to the company CSMS. */
export function reachedReset(run: RunDetail): boolean {
  const ended = run.status === 'confirmed' || run.status === 'left-not-confirmed' || run.status === 'failed';
  return ended && run.state.reset !== null && run.state.reset !== undefined && !run.state.driver;
}

/** One line in the run's pre-flight list that says the checks themselves did not come to an end. */
async function note(
  deps: PreflightDeps,
  run: RunDetail,
  language: Language,
  key: string,
  values: Record<string, string | number>,
) {
  const words: PreflightWords = {
    checks: [],
    key,
    remedy: 'preflight.afterRun.remedy',
    params: { ...values, identity: run.identity },
  };
  await deps.runs.save(run.id, (r) => {
    r.state.preflight = [
      { ...wordLine(language, words), status: 'warn', at: new Date().toISOString(), words },
    ];
  });
}

/**
 * After its reset the box has usually left for the company CSMS: what only the box can tell (clock, list,
 * heartbeat, connectors) is said once, as not checked and why, instead of once per check.
 */
async function keepShort(
  deps: PreflightDeps,
  runId: number,
  language: Language,
  report: PreflightReport,
): Promise<void> {
  const unseen = report.results.filter((r) => r.outcome === 'notSeen');
  if (unseen.length < 2) return;
  const seen = report.results.filter((r) => r.outcome !== 'notSeen');
  const words: PreflightWords = {
    checks: unseen.map((u) => u.check),
    key: 'preflight.afterRun.notSeen',
    params: {},
  };
  await deps.runs.save(runId, (r) => {
    r.state.preflight = [
      ...storedLines(seen, report.at),
      { ...wordLine(language, words), status: 'warn', at: report.at, words },
    ];
  });
}

/**
 * Runs the pre-flight checks of the run's box against the run's company CSMS and stores them in the run.
 * Resolves within limits.totalMs (plus a write); a check still going then may store its results later.
 */
export async function preflightAfterRun(
  deps: PreflightDeps,
  run: RunDetail,
  language: Language,
  limits: AfterRunLimits = AFTER_RUN_LIMITS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), limits.totalMs);
  });
  const checks = runPreflight(deps, {
    identity: run.identity,
    runId: run.id,
    language,
    timeoutMs: limits.stepMs,
  }).then(
    async (report) => {
      await keepShort(deps, run.id, language, report);
      return 'done' as const;
    },
    (error: unknown) => error,
  );
  try {
    const outcome = await Promise.race([checks, late]);
    if (outcome === 'late')
      await note(deps, run, language, 'preflight.afterRun.late', {
        seconds: Math.round(limits.totalMs / 1000),
      });
    else if (outcome !== 'done')
      await note(deps, run, language, 'preflight.afterRun.error', {
        code: outcome instanceof AppError ? outcome.code : 'INTERNAL',
      });
  } finally {
    clearTimeout(timer);
  }
}
