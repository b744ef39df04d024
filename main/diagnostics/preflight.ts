// `preflight.run`: every pre-flight check of one box before the electrician leaves, worded in the user's
// language, and stored with the box's latest commissioning run (state.preflight) for its report.
import type { Language } from '../../locales/translate.ts';
import { translate } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import { lastPushedList } from '../commissioning/cards-for-box.ts';
import type { RunStore } from '../commissioning/run-store.ts';
import type { RunDetail, RunState } from '../commissioning/types.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { Store } from '../store/database.ts';
import { type BoxFacts, boxChecks, boxFacts, profileCheck } from './preflight-box.ts';
import { dnsCheck, tcpCheck, tlsCheck, urlCheck } from './preflight-network.ts';
import type { PreflightFinding, PreflightReport, PreflightResult } from './preflight-types.ts';
import { connectorWords, type PreflightWords } from './preflight-words.ts';

export interface PreflightDeps {
  store: Store;
  ocpp: OcppService;
  runs: RunStore;
}

export interface PreflightOptions {
  identity: string;
  /** The company CSMS endpoint (without the identity); default: the one of the box's latest run. */
  url?: string | undefined;
  language: Language;
  /** Per network step and per box question (ms). */
  timeoutMs?: number;
  /** Extra CA certificates (PEM) the laptop trusts for the TLS check; default: the latest run's CA. */
  trusted?: string[];
  /** The run the checks belong to (its CSMS, and where they are stored); default: the box's latest run. */
  runId?: number;
}

function latestRun(deps: PreflightDeps, identity: string): RunDetail | null {
  const [latest] = deps.runs.list({ identity, limit: 1 });
  return latest ? deps.runs.get(latest.id) : null;
}

export function wordFinding(language: Language, raw: PreflightFinding): PreflightResult {
  const list = raw.params.connectors;
  const finding =
    typeof list === 'string'
      ? { ...raw, params: { ...raw.params, connectors: connectorWords(language, list) } }
      : raw;
  const key =
    finding.outcome === 'notSeen' ? 'preflight.notSeen' : `preflight.${finding.check}.${finding.outcome}`;
  return {
    ...raw,
    name: translate(language, `preflight.check.${finding.check}`),
    detail: translate(language, key, finding.params),
    remedy: finding.status === 'ok' ? null : translate(language, `${key}.remedy`, finding.params),
  };
}

/** A finding's catalog keys and values, kept with the run so a report can word it in its own language. */
export function wordsOf(finding: PreflightFinding): PreflightWords {
  const key =
    finding.outcome === 'notSeen' ? 'preflight.notSeen' : `preflight.${finding.check}.${finding.outcome}`;
  return {
    checks: [finding.check],
    key,
    ...(finding.status === 'ok' ? {} : { remedy: `${key}.remedy` }),
    params: finding.params,
  };
}

/** The findings as a run keeps them (state.preflight): worded, the remedy after what was seen, and the words. */
export function storedLines(results: PreflightResult[], at: string): NonNullable<RunState['preflight']> {
  return results.map((p) => ({
    check: p.name,
    status: p.status,
    detail: p.remedy ? `${p.detail} ${p.remedy}` : p.detail,
    at,
    words: wordsOf(p),
  }));
}

/** The box's answers when it is connected to the tool's CSMS and admitted; null otherwise (its checks say so). */
async function factsOf(deps: PreflightDeps, identity: string, timeoutMs: number): Promise<BoxFacts | null> {
  try {
    return await boxFacts(deps.ocpp.csms, identity, timeoutMs);
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

export async function runPreflight(deps: PreflightDeps, options: PreflightOptions): Promise<PreflightReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const run = options.runId === undefined ? latestRun(deps, options.identity) : deps.runs.get(options.runId);
  const url = options.url ?? run?.template.csms.url;
  if (!url) throw new AppError('PREFLIGHT_NO_URL', { identity: options.identity });
  const findings: PreflightFinding[] = [];
  const { finding, endpoint } = urlCheck(url, options.identity);
  findings.push(finding);
  if (endpoint) {
    const dns = await dnsCheck(endpoint, timeoutMs);
    findings.push(dns);
    if (dns.status === 'ok') {
      const tcp = await tcpCheck(endpoint, timeoutMs);
      findings.push(tcp);
      const ca = run?.template.csms.caCertificate;
      if (tcp.status === 'ok' && endpoint.scheme === 'wss')
        findings.push(await tlsCheck(endpoint, timeoutMs, options.trusted ?? (ca ? [ca] : [])));
    }
  }
  const facts = await factsOf(deps, options.identity, timeoutMs);
  if (endpoint)
    findings.push(profileCheck(facts, endpoint.scheme, run?.template.csms.securityProfile ?? null));
  findings.push(...boxChecks(facts, lastPushedList(deps.store, options.identity)?.version ?? null));
  const results = findings.map((f) => wordFinding(options.language, f));
  const at = new Date().toISOString();
  // In the burst's shared commit (a car park's after-run checks end together), told only once committed.
  if (run)
    await deps.runs.save(run.id, (r) => {
      r.state.preflight = storedLines(results, at);
    });
  return { identity: options.identity, url, at, results, runId: run?.id ?? null };
}
