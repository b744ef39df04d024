// Words for what a run stores as codes: a box's answer to a write, a plan note or problem, a
// run's typed error as the WireError the ErrorNotice reads. Shared by the run view and the report.
import type { ErrorCode, WireError } from '../../../main/api/errors.ts';
import type { PlanIssue, RunError } from '../../../main/commissioning/types.ts';
import type { Translate } from '../../i18n/i18n.tsx';

/** The box's answer ("RebootRequired") in words; an answer the catalogs do not know stays as sent. */
export function answerText(t: Translate, status: string): string {
  const key = `config.status.${status}`;
  const text = t(key);
  return text === key ? status : text;
}

export function issueText(t: Translate, issue: PlanIssue): string {
  return t(`reason.${issue.code}`, issue.params);
}

/** The run's error for the ErrorNotice; with t, a box's answer in it ("Rejected") reads in words too. */
export function wireError(error: RunError, t?: Translate): WireError {
  const { status } = error.params;
  const params =
    t && typeof status === 'string' ? { ...error.params, status: answerText(t, status) } : error.params;
  return { code: error.code as ErrorCode, params, message: '', remedy: '', fields: [] };
}

export function timeText(language: string, iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(language) : '';
}
