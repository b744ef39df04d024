// A report as a file a face can hand over: one run or a whole site, PDF or HTML, English or German.
// The api returns it (base64) so the desktop and the browser offer a download and `wbc report` writes it.
import type { Language } from '../../locales/translate.ts';
import type { Store } from '../store/database.ts';
import { renderHtml } from './html-report.ts';
import { renderPdf } from './pdf-report.ts';
import { fleetDocument, type ReportDocument, runDocument, siteDocument } from './report-document.ts';
import { fleetReport, runReport, siteReport } from './report-model.ts';

export type ReportFormat = 'pdf' | 'html';

export interface ReportFile {
  filename: string;
  mime: string;
  /** The file's bytes, base64 (a PDF is binary; the api speaks JSON). */
  base64: string;
  /** How many boxes it describes. */
  boxes: number;
}

export interface ReportOptions {
  format: ReportFormat;
  language: Language;
  /** "Wallbox Commissioner 1.2.3", named in the subtitle and the PDF's metadata. */
  app: string;
  now?: Date;
}

/** A name that is safe as a file name on every system, from an identity or a site name. */
function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'report';
}

async function toFile(
  document: ReportDocument,
  base: string,
  options: ReportOptions,
  now: Date,
): Promise<ReportFile> {
  const boxes = document.sections.length;
  if (options.format === 'html')
    return {
      filename: `${base}.html`,
      mime: 'text/html;charset=utf-8',
      base64: Buffer.from(renderHtml(document), 'utf8').toString('base64'),
      boxes,
    };
  const pdf = await renderPdf(document, { creator: options.app, createdAt: now });
  return { filename: `${base}.pdf`, mime: 'application/pdf', base64: pdf.toString('base64'), boxes };
}

export function runReportFile(store: Store, runId: number, options: ReportOptions): Promise<ReportFile> {
  const now = options.now ?? new Date();
  const box = runReport(store, runId);
  const document = runDocument(options.language, box, now.toISOString(), options.app);
  return toFile(
    document,
    `commissioning-${fileSafe(box.identity)}-run-${runId}-${options.language}`,
    options,
    now,
  );
}

export function siteReportFile(store: Store, siteId: number, options: ReportOptions): Promise<ReportFile> {
  const now = options.now ?? new Date();
  const site = siteReport(store, siteId);
  const document = siteDocument(options.language, site, now.toISOString(), options.app);
  return toFile(document, `commissioning-site-${fileSafe(site.site)}-${options.language}`, options, now);
}

/** Exactly a fleet's boxes (each with its latest run of the fleet), one page per box. */
export function fleetReportFile(store: Store, fleetId: string, options: ReportOptions): Promise<ReportFile> {
  const now = options.now ?? new Date();
  const fleet = fleetReport(store, fleetId);
  const document = fleetDocument(options.language, fleet, now.toISOString(), options.app);
  const name = fleet.site ? `site-${fileSafe(fleet.site)}-fleet` : 'fleet';
  return toFile(document, `commissioning-${name}-${fleetId.slice(0, 8)}-${options.language}`, options, now);
}
