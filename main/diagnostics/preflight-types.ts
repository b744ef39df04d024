// The pre-flight vocabulary shared by the checks, the api, the CLI and the run state: which checks exist,
// their three outcomes, and a finding as facts (catalog key parts and parameters) before it is worded.
export const preflightChecks = [
  'url',
  'dns',
  'tcp',
  'tls',
  'profile',
  'clock',
  'localList',
  'heartbeat',
  'connectors',
] as const;
export type PreflightCheck = (typeof preflightChecks)[number];
export type PreflightStatus = 'ok' | 'warn' | 'fail';

/** What one check saw, language-free: worded from `preflight.<check>.<outcome>` (and `.remedy`). */
export interface PreflightFinding {
  check: PreflightCheck;
  status: PreflightStatus;
  outcome: string;
  params: Record<string, string | number>;
}

/** A finding worded for people: detail and remedy (null when ok) in the language asked for. */
export interface PreflightResult extends PreflightFinding {
  name: string;
  detail: string;
  remedy: string | null;
}

export interface PreflightReport {
  identity: string;
  url: string;
  at: string;
  results: PreflightResult[];
  /** The run the results were stored in (state.preflight), or null when the box has none. */
  runId: number | null;
}
