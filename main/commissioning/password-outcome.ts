// Whether a run's new per-box password is on the box, read the same way by the report, the run view and
// `wbc runs show`: set only when the box answered its write Accepted or RebootRequired. Pure (types only).
import type { RunState } from './types.ts';

export type PasswordOutcome = 'set' | 'not-taken' | 'none';

/** set: the box took it; not-taken: generated and kept, but the box never took it (the run ended first or
 *  the box refused it); none: this run changed no password. */
export function passwordOutcome(
  state: Pick<RunState, 'passwordSecretId' | 'plan' | 'results'>,
): PasswordOutcome {
  const secret = state.plan?.writes.find((w) => w.secret);
  if (state.passwordSecretId === null || !secret) return 'none';
  const answer = state.results[secret.key];
  return answer === 'Accepted' || answer === 'RebootRequired' ? 'set' : 'not-taken';
}

/** The catalog key that says it. */
export const passwordOutcomeKey: Record<PasswordOutcome, string> = {
  set: 'report.pdf.password.set',
  'not-taken': 'report.review.password.notTaken',
  none: 'report.pdf.password.none',
};
