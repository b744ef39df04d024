// What a commissioning report states, gathered from the store: the run as committed, the box's row, its
// site, who started it (audit), a test charge recorded after it. Language-free facts; report-document.ts words them.

import { AppError } from '../api/errors.ts';
import { latestPerBox } from '../commissioning/fleet-plan.ts';
import { passwordOutcome } from '../commissioning/password-outcome.ts';
import { RunStore } from '../commissioning/run-store.ts';
import type {
  CsmsRegistration,
  RollbackState,
  RunDetail,
  RunError,
  RunState,
  RunStatus,
  VerifyState,
} from '../commissioning/types.ts';
import type { PreflightWords } from '../diagnostics/preflight-words.ts';
import type { Store } from '../store/database.ts';
import { getSite } from '../store/sites.ts';
import { listStations } from '../store/stations.ts';

export interface ReportWrite {
  key: string;
  from: string | null;
  to: string;
  secret: boolean;
  /** What the box answered; absent when the write was never sent. */
  answer: string | null;
}

/** One pre-flight check as a run or the pre-flight capability stored it (absent when none ran). */
export interface PreflightLine {
  check: string;
  ok: boolean;
  /** Not failed, but worth a look (a pre-flight `warn`); absent in results stored without it. */
  warn?: boolean;
  detail: string | null;
  /** Keys and values to say it in the report's language (main/diagnostics/preflight-words.ts). */
  words?: PreflightWords;
}

export interface TestChargeLine {
  at: string;
  energyWh: number;
  transactionId: string | null;
}

export interface BoxReport {
  identity: string;
  site: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  ocppVersion: string | null;
  /** null: the box was never commissioned by this tool. */
  run: {
    id: number;
    status: RunStatus;
    error: RunError | null;
    templateName: string;
    csmsUrl: string;
    securityProfile: number;
    writes: ReportWrite[];
    /** The per-box password (kept in the vault, never printed): taken by the box, generated but never taken
     *  (the run ended before, or the box refused it), or not part of this run. */
    password: 'set' | 'not-taken' | 'none';
    cards: RunState['cards'];
    reset: string | null;
    reconnects: number;
    verify: VerifyState | null;
    registration: CsmsRegistration[];
    rollback: RollbackState | null;
    preflight: PreflightLine[] | null;
    testCharge: TestChargeLine | null;
    actor: string | null;
    startedAt: string;
    updatedAt: string;
  } | null;
}

export interface SiteReport {
  site: string;
  address: string | null;
  boxes: BoxReport[];
}

function writesOf(run: RunDetail): ReportWrite[] {
  const plan = run.state.plan;
  if (!plan) return [];
  const results = run.state.results;
  const answer = (key: string) => {
    const value = results[key];
    return value === undefined ? null : String(value);
  };
  const rows: ReportWrite[] = [];
  if (plan.certificate)
    rows.push({
      key: 'InstallCertificate',
      from: null,
      to: plan.certificate.type,
      secret: false,
      answer: answer('InstallCertificate'),
    });
  if (plan.networkProfile)
    rows.push({
      key: 'SetNetworkProfile',
      from: null,
      to: `#${plan.networkProfile.slot}: ${plan.networkProfile.url}`,
      secret: false,
      answer: answer('SetNetworkProfile'),
    });
  for (const w of plan.writes) rows.push({ ...w, answer: answer(w.key) });
  if (plan.chargingLimit)
    rows.push({
      key: 'SetChargingProfile',
      from: null,
      to: `${plan.chargingLimit.amps} A (${plan.chargingLimit.purpose})`,
      secret: false,
      answer: answer('SetChargingProfile'),
    });
  if (plan.priority) rows.push({ ...plan.priority, answer: answer(plan.priority.key) });
  return rows;
}

/** Stored words of a line, when well formed (a key of the catalog, string checks, plain values). */
function wordsOf(raw: unknown): PreflightWords | null {
  if (!raw || typeof raw !== 'object') return null;
  const w = raw as Record<string, unknown>;
  const checks = Array.isArray(w.checks) && w.checks.every((c) => typeof c === 'string') ? w.checks : null;
  const params = w.params && typeof w.params === 'object' ? (w.params as PreflightWords['params']) : null;
  if (!checks || typeof w.key !== 'string' || !params) return null;
  return {
    checks,
    key: w.key,
    ...(typeof w.remedy === 'string' ? { remedy: w.remedy } : {}),
    params,
  };
}

/** Pre-flight results a run may carry (stored by the pre-flight capability); anything malformed is left out. */
function preflightOf(state: RunState): PreflightLine[] | null {
  const raw = (state as { preflight?: unknown }).preflight;
  if (!Array.isArray(raw)) return null;
  const lines: PreflightLine[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const check = record.check ?? record.name;
    if (typeof check !== 'string') continue;
    const ok = record.ok === true || record.status === 'ok' || record.status === 'passed';
    const detail = record.detail ?? record.message;
    const warn = record.status === 'warn';
    const words = wordsOf(record.words);
    lines.push({
      check,
      ok,
      ...(warn ? { warn } : {}),
      detail: typeof detail === 'string' ? detail : null,
      ...(words ? { words } : {}),
    });
  }
  return lines;
}

function actorOf(store: Store, run: RunDetail): string | null {
  const row = store.db
    .prepare(
      `SELECT actor FROM audit_log WHERE action = 'commissioning.start' AND entity_id = ? AND json_extract(after, '$.run') = ? ORDER BY id LIMIT 1`,
    )
    .get(run.identity, run.id) as { actor: string } | undefined;
  return row?.actor ?? null;
}

/** The box's latest test charge up to the run's last change and after its previous run began (audit rows of
 *  boxes.testCharge): the tool can only see a test charge while the box is connected to it, so before its reset. */
function testChargeOf(store: Store, run: RunDetail): TestChargeLine | null {
  const previous = store.db
    .prepare('SELECT max(created_at) AS at FROM commissioning_runs WHERE identity = ? AND id < ?')
    .get(run.identity, run.id) as { at: string | null };
  const row = store.db
    .prepare(
      `SELECT at, after FROM audit_log WHERE action = 'box.test-charge' AND entity_id = ? AND at <= ? AND at >= ? ORDER BY id DESC LIMIT 1`,
    )
    .get(run.identity, run.updatedAt, previous.at ?? '') as { at: string; after: string | null } | undefined;
  if (!row?.after) return null;
  const after = JSON.parse(row.after) as { energyWh?: unknown; transactionId?: unknown };
  if (typeof after.energyWh !== 'number') return null;
  return {
    at: row.at,
    energyWh: after.energyWh,
    transactionId: after.transactionId == null ? null : String(after.transactionId),
  };
}

export type StationFacts = Pick<
  BoxReport,
  'site' | 'vendor' | 'model' | 'serialNumber' | 'firmwareVersion' | 'ocppVersion'
>;

/** What the stations table knows of a box (and its site's name), for the report and the backup. */
export function stationFacts(store: Store, identity: string): StationFacts | null {
  const row = store.db
    .prepare(
      `SELECT st.vendor, st.model, st.serial_number, st.firmware_version, st.ocpp_version, s.name AS site
         FROM stations st LEFT JOIN sites s ON s.id = st.site_id WHERE st.identity = ?`,
    )
    .get(identity) as
    | {
        vendor: string | null;
        model: string | null;
        serial_number: string | null;
        firmware_version: string | null;
        ocpp_version: string | null;
        site: string | null;
      }
    | undefined;
  if (!row) return null;
  return {
    site: row.site,
    vendor: row.vendor,
    model: row.model,
    serialNumber: row.serial_number,
    firmwareVersion: row.firmware_version,
    ocppVersion: row.ocpp_version,
  };
}

function boxReportOfRun(store: Store, run: RunDetail): BoxReport {
  const station = stationFacts(store, run.identity);
  const boot = run.state.boot;
  return {
    identity: run.identity,
    site: station?.site ?? null,
    // What the box said in this run's boot first; the station row (latest boot) where the run has none.
    vendor: boot?.vendor ?? station?.vendor ?? null,
    model: boot?.model ?? station?.model ?? null,
    serialNumber: boot?.serialNumber ?? station?.serialNumber ?? null,
    firmwareVersion: boot?.firmwareVersion ?? station?.firmwareVersion ?? null,
    ocppVersion: run.state.ocppVersion ?? station?.ocppVersion ?? null,
    run: {
      id: run.id,
      status: run.status,
      error: run.error,
      templateName: run.templateName,
      csmsUrl: run.template.csms.url,
      securityProfile: run.template.csms.securityProfile,
      writes: writesOf(run),
      password: passwordOutcome(run.state),
      cards: run.state.cards,
      reset: run.state.reset,
      reconnects: run.state.reconnects,
      verify: run.state.verify,
      registration: run.state.registration ?? [],
      rollback: run.state.rollback ?? null,
      preflight: preflightOf(run.state),
      testCharge: testChargeOf(store, run),
      actor: actorOf(store, run),
      startedAt: run.createdAt,
      updatedAt: run.updatedAt,
    },
  };
}

/** The report of one run (NOT_FOUND for an unknown run). */
export function runReport(store: Store, runId: number): BoxReport {
  return boxReportOfRun(store, new RunStore(store).get(runId));
}

/** Every box on the site, each with its latest run (or none), in the order of their identities. */
export function siteReport(store: Store, siteId: number): SiteReport {
  const site = getSite(store, siteId);
  const runs = new RunStore(store);
  const latest = store.db.prepare('SELECT max(id) AS id FROM commissioning_runs WHERE identity = ?');
  const boxes = listStations(store, { siteId }).map((station): BoxReport => {
    const runId = (latest.get(station.identity) as { id: number | null }).id;
    if (runId !== null) return boxReportOfRun(store, runs.get(runId));
    return {
      identity: station.identity,
      site: site.name,
      vendor: station.vendor,
      model: station.model,
      serialNumber: station.serialNumber,
      firmwareVersion: station.firmwareVersion,
      ocppVersion: station.ocppVersion,
      run: null,
    };
  });
  if (boxes.length === 0) throw new AppError('REPORT_SITE_EMPTY', { site: site.name });
  return { site: site.name, address: site.address, boxes };
}

export interface FleetReport {
  /** The one site every box of the fleet is on, else null. */
  site: string | null;
  boxes: BoxReport[];
}

/** Exactly a fleet's boxes, each with its latest run of the fleet (NOT_FOUND for an unknown fleet). */
export function fleetReport(store: Store, fleetId: string): FleetReport {
  const runs = new RunStore(store);
  const latest = latestPerBox(runs.list({ fleetId, limit: 10_000 }));
  if (latest.length === 0) throw new AppError('NOT_FOUND', { entity: 'fleet', id: fleetId });
  const boxes = latest.map((r) => boxReportOfRun(store, runs.get(r.id)));
  const first = boxes[0]?.site ?? null;
  return { site: boxes.every((b) => b.site === first) ? first : null, boxes };
}
