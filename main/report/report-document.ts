// A report in words: the facts of report-model.ts as headings, label/value rows, tables and a signature
// block, in English or German from locales/. The PDF and the HTML draw the same document, so they say the same.

import { errorText, type Language, translate } from '../../locales/translate.ts';
import { passwordOutcomeKey } from '../commissioning/password-outcome.ts';
import { rollbackLine } from '../commissioning/rollback-text.ts';
import { wordLine } from '../diagnostics/preflight-words.ts';
import type { BoxReport, FleetReport, PreflightLine, SiteReport } from './report-model.ts';

export type Block =
  | { kind: 'fields'; rows: Array<[string, string]> }
  /** widths: shares of the line, summing to 1. */
  | { kind: 'table'; columns: string[]; widths: number[]; rows: string[][] }
  | { kind: 'text'; text: string; strong?: boolean }
  | { kind: 'list'; items: string[] }
  | { kind: 'signature'; heading: string; lines: string[] };

export interface Part {
  heading: string | null;
  blocks: Block[];
}

export type Tone = 'good' | 'open' | 'bad';

export interface BoxSection {
  identity: string;
  title: string;
  outcome: { text: string; tone: Tone };
  parts: Part[];
}

export interface ReportDocument {
  language: Language;
  title: string;
  /** Under the title: the site, when it was made and by which tool. */
  subtitle: string;
  /** A site report's list of its boxes (null for one run). */
  overview: Part | null;
  sections: BoxSection[];
  /** Said at the end of every box where a character had to be escaped (PDF only). */
  replacedNote: string;
  pageLabel(page: number, pages: number): string;
  /** Heads a further page of a box's section (PDF only): "<its title> (continued)". */
  continued(title: string): string;
}

/** A short label/value part (a heading and at most 8 rows) that the PDF and the HTML set next to another
 *  such part, so a box's page keeps room for its writes, checks and signature lines. */
export function sideBySide(part: Part): boolean {
  const [block] = part.blocks;
  return (
    part.heading !== null && part.blocks.length === 1 && block?.kind === 'fields' && block.rows.length <= 8
  );
}

/** One formatter per language: making one is far dearer than using it (a site report formats hundreds of times). */
const formatters = new Map<Language, Intl.DateTimeFormat>();

/** A line in the report's language when the run kept its words; as worded when it ran otherwise. */
function said(language: Language, line: PreflightLine): PreflightLine {
  return line.words ? { ...line, ...wordLine(language, line.words) } : line;
}

/** Passed checks share one row (what they saw is in the run view): a box page stays on one A4 page. */
function compactPreflight(lines: PreflightLine[]): PreflightLine[] {
  const passed = lines.filter((l) => l.ok && !l.warn);
  if (passed.length < 2) return lines;
  const rest = lines.filter((l) => !passed.includes(l));
  return [{ check: passed.map((l) => l.check).join(', '), ok: true, detail: null }, ...rest];
}

export function timeIn(language: Language, iso: string | null | undefined): string {
  if (!iso) return translate(language, 'report.none');
  let format = formatters.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(language, format);
  }
  return format.format(new Date(iso));
}

function answerText(language: Language, answer: string): string {
  const key = `config.status.${answer}`;
  const text = translate(language, key);
  return text === key ? answer : text;
}

function toneOf(box: BoxReport): Tone {
  const status = box.run?.status;
  if (status === 'confirmed') return 'good';
  if (status === 'failed' || status === 'cancelled') return 'bad';
  return 'open';
}

/** The run's outcome in its own honest words: confirmed only when a company CSMS confirmed it. */
function outcomeText(language: Language, box: BoxReport): string {
  const run = box.run;
  if (!run) return translate(language, 'report.pdf.neverRun');
  const head = translate(language, `report.outcome.${run.status}`);
  if (!run.error) return head;
  const { message } = errorText(language, run.error.code, run.error.params);
  return `${head} ${translate(language, 'report.pdf.reason', { reason: message })}`;
}

function shortStatus(language: Language, box: BoxReport): string {
  return box.run
    ? translate(language, `run.status.${box.run.status}`)
    : translate(language, 'report.pdf.status.never');
}

function boxSection(language: Language, box: BoxReport): BoxSection {
  const t = (key: string, params?: Record<string, string | number>) => translate(language, key, params);
  const none = t('report.none');
  const time = (iso: string | null | undefined) => timeIn(language, iso);
  const parts: Part[] = [
    {
      heading: t('report.box'),
      blocks: [
        {
          kind: 'fields',
          rows: [
            [t('report.pdf.site'), box.site ?? none],
            [t('report.identity'), box.identity],
            [t('report.vendor'), box.vendor ?? none],
            [t('report.model'), box.model ?? none],
            [t('report.serial'), box.serialNumber ?? none],
            [t('report.firmware'), box.firmwareVersion ?? none],
            [t('report.ocppVersion'), box.ocppVersion ?? none],
          ],
        },
      ],
    },
  ];
  const run = box.run;
  if (run) {
    const cards = !run.cards
      ? none
      : run.cards.skipped
        ? t('report.cards.skipped')
        : t('report.cards.pushed', {
            entries: run.cards.entries,
            version: run.cards.version,
            verified: t(run.cards.verified ? 'report.yes' : 'report.no'),
          });
    // Who confirmed (or rejected) the box is part of the proof: a CSMS connector's name, or the proxy that saw it.
    const by = run.verify?.confirmedBy;
    const verify = !run.verify
      ? none
      : by && (run.verify.outcome === 'confirmed' || run.verify.outcome === 'rejected')
        ? t(`report.review.verify.${run.verify.outcome}By`, { by, at: time(run.verify.at) })
        : t(`report.verify.${run.verify.outcome}`, { seconds: run.verify.windowS, at: time(run.verify.at) });
    parts.push({
      heading: t('report.target'),
      blocks: [
        {
          kind: 'fields',
          rows: [
            [t('report.pdf.run'), `#${run.id}`],
            [t('report.template'), run.templateName],
            [t('report.csmsUrl'), run.csmsUrl],
            [t('report.securityProfile'), String(run.securityProfile)],
          ],
        },
      ],
    });
    parts.push({
      heading: t('report.writes'),
      blocks:
        run.writes.length === 0
          ? [{ kind: 'text', text: none }]
          : [
              {
                kind: 'table',
                columns: [
                  t('run.ui.plan.key'),
                  t('run.ui.plan.before'),
                  t('run.ui.plan.after'),
                  t('run.ui.plan.answer'),
                ],
                widths: [0.3, 0.22, 0.28, 0.2],
                rows: run.writes.map((w) => [
                  w.key,
                  w.secret ? t('run.ui.plan.hidden') : (w.from ?? t('run.ui.plan.unset')),
                  w.secret ? t('run.ui.plan.generated') : w.to,
                  w.answer === null ? t('run.ui.plan.notYet') : answerText(language, w.answer),
                ]),
              },
            ],
    });
    const after: Array<[string, string]> = [
      [t('report.cards'), cards],
      [t('report.pdf.password'), t(passwordOutcomeKey[run.password])],
      [t('report.reset'), run.reset ? answerText(language, run.reset) : none],
      [t('report.verify'), verify],
      [
        t('report.pdf.testCharge'),
        run.testCharge
          ? t('report.pdf.testCharge.value', {
              kwh: (run.testCharge.energyWh / 1000).toLocaleString(language === 'de' ? 'de-DE' : 'en-GB', {
                minimumFractionDigits: 3,
                maximumFractionDigits: 3,
              }),
              at: time(run.testCharge.at),
            })
          : t('report.pdf.testCharge.none'),
      ],
      [t('report.reconnects'), String(run.reconnects)],
    ];
    parts.push({ heading: t('report.after'), blocks: [{ kind: 'fields', rows: after }] });
    if (run.registration.length > 0)
      parts.push({
        heading: t('run.registration.title'),
        blocks: [
          {
            kind: 'list',
            items: run.registration.map((r) =>
              t(`cli.commission.registration.${r.state}`, {
                csms: r.csms,
                reason: r.error ? errorText(language, r.error.code, r.error.params).message : '',
              }),
            ),
          },
        ],
      });
    if (run.preflight && run.preflight.length > 0)
      parts.push({
        heading: t('report.pdf.preflight'),
        blocks: [
          {
            kind: 'table',
            columns: [
              t('report.pdf.preflight.check'),
              t('report.pdf.preflight.result'),
              t('report.pdf.preflight.detail'),
            ],
            widths: [0.3, 0.15, 0.55],
            rows: compactPreflight(run.preflight.map((p) => said(language, p))).map((p) => [
              p.check,
              t(
                p.warn
                  ? 'preflight.status.warn'
                  : p.ok
                    ? 'report.pdf.preflight.ok'
                    : 'report.pdf.preflight.failed',
              ),
              p.detail ?? '',
            ]),
          },
        ],
      });
    if (run.rollback)
      parts.push({
        heading: t('rollback.title'),
        blocks: [
          {
            kind: 'list',
            items: run.rollback.entries.map((e) => {
              const line = rollbackLine(e);
              return t(line.key, line.params);
            }),
          },
          { kind: 'text', text: t(`rollback.next.${run.rollback.nextReboot}`), strong: true },
        ],
      });
    parts.push({
      heading: t('report.pdf.who'),
      blocks: [
        {
          kind: 'fields',
          rows: [
            [t('report.pdf.actor'), run.actor ?? none],
            [t('report.started'), time(run.startedAt)],
            [t('report.updated'), time(run.updatedAt)],
          ],
        },
      ],
    });
  }
  parts.push({
    heading: null,
    blocks: [
      {
        kind: 'signature',
        heading: t('report.pdf.signature'),
        lines: [
          t('report.pdf.signature.electrician'),
          t('report.pdf.signature.operator'),
          t('report.pdf.signature.date'),
        ],
      },
    ],
  });
  return {
    identity: box.identity,
    title: t('report.title', { identity: box.identity }),
    outcome: { text: outcomeText(language, box), tone: toneOf(box) },
    parts,
  };
}

function common(language: Language, generatedAt: string, app: string) {
  return {
    language,
    replacedNote: translate(language, 'report.pdf.replaced'),
    pageLabel: (page: number, pages: number) => translate(language, 'report.pdf.page', { page, pages }),
    continued: (title: string) => translate(language, 'report.review.continued', { title }),
    generated: translate(language, 'report.pdf.generated', { at: timeIn(language, generatedAt), app }),
  };
}

export function runDocument(
  language: Language,
  box: BoxReport,
  generatedAt: string,
  app: string,
): ReportDocument {
  const { generated, ...rest } = common(language, generatedAt, app);
  return {
    ...rest,
    title: translate(language, 'report.title', { identity: box.identity }),
    subtitle: box.site ? `${translate(language, 'report.pdf.site')}: ${box.site} · ${generated}` : generated,
    overview: null,
    sections: [boxSection(language, box)],
  };
}

export function siteDocument(
  language: Language,
  site: SiteReport,
  generatedAt: string,
  app: string,
): ReportDocument {
  const { generated, ...rest } = common(language, generatedAt, app);
  const count = (tone: Tone) => site.boxes.filter((b) => b.run && toneOf(b) === tone).length;
  const t = (key: string, params?: Record<string, string | number>) => translate(language, key, params);
  return {
    ...rest,
    title: t('report.pdf.siteTitle', { site: site.site }),
    subtitle: site.address ? `${site.address} · ${generated}` : generated,
    overview: {
      heading: t('report.pdf.overview'),
      blocks: [
        {
          kind: 'text',
          text: t('report.pdf.overview.count', {
            count: site.boxes.length,
            confirmed: site.boxes.filter((b) => b.run?.status === 'confirmed').length,
            left: site.boxes.filter((b) => b.run?.status === 'left-not-confirmed').length,
            failed: count('bad'),
            never: site.boxes.filter((b) => !b.run).length,
          }),
        },
        {
          kind: 'table',
          columns: [t('report.identity'), t('report.model'), t('report.pdf.outcome'), t('report.updated')],
          widths: [0.28, 0.27, 0.25, 0.2],
          rows: site.boxes.map((b) => [
            b.identity,
            [b.vendor, b.model].filter(Boolean).join(' ') || t('report.none'),
            shortStatus(language, b),
            b.run ? timeIn(language, b.run.updatedAt) : t('report.none'),
          ]),
        },
      ],
    },
    sections: site.boxes.map((b) => boxSection(language, b)),
  };
}

/** A fleet's boxes as one document, laid out as a site's (overview, then one page per box), titled with
 *  the site they are all on, or as a fleet when they are on several or none. */
export function fleetDocument(
  language: Language,
  fleet: FleetReport,
  generatedAt: string,
  app: string,
): ReportDocument {
  const document = siteDocument(
    language,
    { site: fleet.site ?? '', address: null, boxes: fleet.boxes },
    generatedAt,
    app,
  );
  const t = (key: string, params?: Record<string, string | number>) => translate(language, key, params);
  const title = fleet.site
    ? t('fleet.report.siteTitle', { site: fleet.site, count: fleet.boxes.length })
    : t('fleet.report.title', { count: fleet.boxes.length });
  return {
    ...document,
    title,
    ...(document.overview ? { overview: { ...document.overview, heading: t('fleet.report.overview') } } : {}),
  };
}
