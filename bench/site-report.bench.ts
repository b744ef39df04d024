// A site report of 200 commissioned boxes as PDF through the api (read every run from a real SQLite file,
// word it, lay it out with pdfkit), goal under 10 s, against the floor of pdfkit writing the same amount
// of plain text (the document's strings as one flowing text on A4 pages) in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import PDFDocument from 'pdfkit';
import type { RunState } from '../main/commissioning/types.ts';
import { openCore } from '../main/core.ts';
import type { ReportFile } from '../main/report/render.ts';
import { siteDocument } from '../main/report/report-document.ts';
import { siteReport } from '../main/report/report-model.ts';
import { repeat, report, stats } from './harness.ts';

const BOXES = Number(process.env.BENCH_BOXES ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** A run as the runner leaves a 1.6 box that left for its CSMS: plan, answers, cards, registration. */
function state(i: number, at: string): RunState {
  const done = (step: RunState['steps'][number]['step']) => ({
    step,
    status: 'done' as const,
    startedAt: at,
    finishedAt: at,
  });
  return {
    steps: (['identify', 'snapshot', 'plan', 'write', 'cards', 'reset', 'verify', 'report'] as const).map(
      done,
    ),
    boot: {
      vendor: 'Müller Ladetechnik',
      model: 'Straßen-Box 22',
      serialNumber: `SN-${i}`,
      firmwareVersion: '2.1.0',
      reason: null,
      receivedAt: at,
    },
    ocppVersion: '1.6',
    snapshotId: i,
    plan: {
      ocppVersion: '1.6',
      identity: `WB-${i}`,
      urlProfile: 'microocpp',
      certificate: null,
      networkProfile: null,
      writes: [
        { key: 'HeartbeatInterval', from: '3600', to: '300', secret: false },
        { key: 'MeterValueSampleInterval', from: '0', to: '60', secret: false },
        {
          key: 'Cst_BackendUrl',
          from: 'ws://192.168.1.10:8180/ocpp',
          to: 'wss://csms.example.com/ocpp',
          secret: false,
        },
        { key: 'AuthorizationKey', from: null, to: '(generated password)', secret: true },
        { key: 'SecurityProfile', from: '0', to: '2', secret: false },
      ],
      priority: null,
      chargingLimit: { amps: 16, profileId: 9000, purpose: 'ChargePointMaxProfile' },
      groups: ['Fleet'],
      problems: [],
      notes: [],
    },
    passwordSecretId: null,
    results: {
      HeartbeatInterval: 'Accepted',
      MeterValueSampleInterval: 'Accepted',
      Cst_BackendUrl: 'RebootRequired',
      AuthorizationKey: 'Accepted',
      SecurityProfile: 'RebootRequired',
      SetChargingProfile: 'Accepted',
    },
    cards: { version: 4, parts: 1, entries: 120, fellBackToFull: false, readBack: 4, verified: true },
    reset: 'Accepted',
    registration: [{ csms: 'SteVe', state: 'done', error: null }],
    verify: { outcome: 'left', at, windowS: 180 },
    reconnects: 0,
    rollback: null,
  };
}

function seed(dir: string): { core: ReturnType<typeof openCore>; siteId: number } {
  const core = openCore({ dataDir: dir, defaultLanguage: 'de' });
  const db = core.store.db;
  const at = new Date().toISOString();
  const siteId = Number(
    db.prepare("INSERT INTO sites (name, created_at, updated_at) VALUES ('Tiefgarage Süd', ?, ?)").run(at, at)
      .lastInsertRowid,
  );
  const station = db.prepare(
    "INSERT INTO stations (site_id, identity, vendor, model, serial_number, firmware_version, ocpp_version, created_at, updated_at) VALUES (?, ?, 'Müller Ladetechnik', 'Straßen-Box 22', ?, '2.1.0', '1.6', ?, ?)",
  );
  const run = db.prepare(
    "INSERT INTO commissioning_runs (identity, fleet_id, template, status, step, approval, state, created_at, updated_at) VALUES (?, NULL, ?, 'succeeded', 'report', 'auto', ?, ?, ?)",
  );
  const template = JSON.stringify({
    name: 'Tiefgarage',
    csms: { url: 'wss://csms.example.com/ocpp', securityProfile: 2 },
  });
  db.transaction(() => {
    for (let i = 1; i <= BOXES; i++) {
      const identity = `WB-${String(i).padStart(4, '0')}`;
      station.run(siteId, identity, `SN-${i}`, at, at);
      run.run(identity, template, JSON.stringify(state(i, at)), at, at);
    }
  })();
  return { core, siteId };
}

/** Every string the document holds, as the floor's plain text. */
function documentText(core: ReturnType<typeof openCore>, siteId: number): string {
  const document = siteDocument('de', siteReport(core.store, siteId), new Date().toISOString(), 'bench');
  const out: string[] = [document.title, document.subtitle];
  for (const section of document.sections) {
    out.push(section.title, section.outcome.text);
    for (const part of section.parts) {
      if (part.heading) out.push(part.heading);
      for (const block of part.blocks) out.push(JSON.stringify(block));
    }
  }
  return out.join('\n');
}

function plainPdf(text: string): Promise<number> {
  const t0 = performance.now();
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<number>((resolve) => doc.on('end', () => resolve(performance.now() - t0)));
  doc.font('Helvetica').fontSize(8.5).text(text);
  doc.end();
  return done;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-report-'));
  const { core, siteId } = seed(dir);
  const ctx = core.context('cli');
  let pages = 0;
  const figure = await repeat(RUNS, async () => {
    const t0 = performance.now();
    const reply = await core.router.call('report.site', { siteId, format: 'pdf', language: 'de' }, ctx);
    const elapsed = performance.now() - t0;
    if (!reply.ok) throw new Error(reply.error.message);
    const file = reply.result as ReportFile;
    if (file.boxes !== BOXES) throw new Error(`report holds ${file.boxes} boxes`);
    pages = (
      Buffer.from(file.base64, 'base64')
        .toString('latin1')
        .match(/\/Type \/Page\b/g) ?? []
    ).length;
    return elapsed;
  });
  const text = documentText(core, siteId);
  const floor = await repeat(RUNS, () => plainPdf(text));
  process.stdout.write(
    `  site-report: ${BOXES} boxes, ${pages} pages, ${text.length} characters of text (goal < 10000 ms)\n`,
  );
  report({
    name: `site report of ${BOXES} boxes as PDF`,
    unit: 'ms',
    figure: stats(figure),
    floor: stats(floor),
    floorName: 'pdfkit writing the same amount of plain text',
  });
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
