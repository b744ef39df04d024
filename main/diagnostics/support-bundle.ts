// The support bundle: one zip with what support needs to see what a box and the tool did (trace, configuration
// snapshots, runs with their reports, files the box uploaded, the app's logs and environment), every secret
// redacted on the way in (bundle-redaction.ts). What cannot be checked for secrets (binary uploads) stays out, said so.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, type as osType, platform, release } from 'node:os';
import { join, relative } from 'node:path';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { type Language, translate } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import type { AppInfo } from '../api/types.ts';
import { RunStore } from '../commissioning/run-store.ts';
import { BOX_FILES_FOLDER, boxFolderName } from '../files/box-folder.ts';
import { renderHtml } from '../report/html-report.ts';
import { runDocument } from '../report/report-document.ts';
import { runReport } from '../report/report-model.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { BundleRedaction } from './bundle-redaction.ts';

export interface BundleFile {
  filename: string;
  mime: 'application/zip';
  /** The zip's bytes, base64 (the api speaks JSON). */
  base64: string;
  /** The paths inside the zip. */
  files: string[];
  /** Files found but not put in, each with why (binary uploads cannot be checked for secrets). */
  leftOut: Array<{ path: string; reason: 'binary' | 'too-large' }>;
}

export interface BundleOptions {
  store: Store;
  vault: Vault;
  info: AppInfo;
  language: Language;
  /** Only this box (its trace, snapshots, runs, uploads); absent: every box. */
  identity?: string | undefined;
  now?: Date;
}

/** Trace frames per bundle at most, newest kept (the trace itself is bounded to 256 MB). */
const MAX_FRAMES = 200_000;
/** A log or an uploaded file larger than this is left out. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Folders of the data folder where files a box uploaded (GetDiagnostics, GetLog) are kept. */
const UPLOAD_FOLDERS = ['uploads', BOX_FILES_FOLDER];

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'box';
}

/** UTF-8 text without NUL bytes; anything else is binary and cannot be searched for secrets. */
function asText(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8192).includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function walkFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walkFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

interface Row {
  [column: string]: unknown;
}

/** The parts of the zip a reader looks for, in the order of the README, each named as it is in the zip. */
const README_PARTS = [
  'environment.json',
  'stations.json',
  'trace/',
  'configuration/',
  'runs/',
  'audit.jsonl',
  'logs/',
  'box-uploads/',
] as const;

/** The README names only what this zip holds (a box never commissioned has no runs/, a quiet one no logs/). */
function readmeParts(files: string[]): string[] {
  return README_PARTS.filter((part) =>
    part.endsWith('/') ? files.some((f) => f.startsWith(part)) : files.includes(part),
  );
}

function readmeKey(part: string): string {
  return part.replace(/[/.].*$/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

export function supportBundle(options: BundleOptions): BundleFile {
  const { store, vault, info, identity } = options;
  const now = options.now ?? new Date();
  const redaction = BundleRedaction.fromVault(vault);
  const entries: Zippable = {};
  const files: string[] = [];
  const leftOut: BundleFile['leftOut'] = [];
  const add = (path: string, text: string) => {
    entries[path] = strToU8(text);
    files.push(path);
  };
  const only = identity ?? null;

  // The environment: versions, system, settings (no secret: the vault's values never leave it).
  const settings = Object.fromEntries(
    (
      store.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as Array<{
        key: string;
        value: string;
      }>
    ).map((row) => {
      try {
        return [row.key, JSON.parse(row.value) as unknown];
      } catch {
        return [row.key, row.value];
      }
    }),
  );
  const connectors = (
    store.db
      .prepare('SELECT kind, name, base_url, settings, secret_id, updated_at FROM connectors ORDER BY name')
      .all() as Row[]
  ).map((row) => ({
    ...row,
    settings: JSON.parse(String(row.settings)) as unknown,
    secret_id: row.secret_id === null ? null : 'in the vault',
  }));
  add(
    'environment.json',
    redaction.json({
      app: info,
      os: { type: osType(), release: release(), platform: platform(), arch: arch() },
      versions: process.versions,
      locale: { LANG: process.env.LANG ?? null, LC_ALL: process.env.LC_ALL ?? null },
      settings,
      companyCsms: connectors,
      secrets: vault.list().map((s) => ({ purpose: s.purpose, label: s.label, updatedAt: s.updatedAt })),
    }),
  );

  // Boxes as the tool knows them.
  const stations = store.db
    .prepare('SELECT * FROM stations WHERE (? IS NULL OR identity = ?) ORDER BY identity')
    .all(only, only) as Row[];
  add('stations.json', redaction.json(stations));

  // The trace, one JSON line per frame, per box.
  const frames = (
    store.db
      .prepare('SELECT * FROM trace_frames WHERE (? IS NULL OR identity = ?) ORDER BY id DESC LIMIT ?')
      .all(only, only, MAX_FRAMES + 1) as Row[]
  ).reverse();
  const truncated = frames.length > MAX_FRAMES;
  if (truncated) frames.shift();
  const traces = new Map<string, string[]>();
  for (const f of frames) {
    const lines = traces.get(String(f.identity)) ?? [];
    lines.push(
      JSON.stringify({
        id: f.id,
        at: f.at,
        direction: f.direction,
        kind: f.kind,
        action: f.action,
        messageId: f.message_id === null ? null : redaction.text(String(f.message_id)),
        frame: redaction.frame(String(f.frame)),
      }),
    );
    traces.set(String(f.identity), lines);
  }
  for (const [box, lines] of traces) add(`trace/${fileSafe(box)}.jsonl`, `${lines.join('\n')}\n`);

  // A box the tool has never seen: an empty zip sent to support would hide the typo.
  if (only !== null && stations.length === 0 && frames.length === 0) {
    const known = store.db
      .prepare(
        'SELECT 1 FROM config_snapshots WHERE identity = ? UNION ALL SELECT 1 FROM commissioning_runs WHERE identity = ? LIMIT 1',
      )
      .get(only, only);
    if (!known) throw new AppError('NOT_FOUND', { entity: 'station', id: only });
  }

  // Configuration snapshots, as read from the box.
  const snapshots = store.db
    .prepare('SELECT * FROM config_snapshots WHERE (? IS NULL OR identity = ?) ORDER BY id')
    .all(only, only) as Row[];
  const byBox = new Map<string, unknown[]>();
  for (const s of snapshots) {
    const list = byBox.get(String(s.identity)) ?? [];
    list.push({ ...s, entries: JSON.parse(String(s.entries)) as unknown });
    byBox.set(String(s.identity), list);
  }
  for (const [box, list] of byBox) add(`configuration/${fileSafe(box)}.json`, redaction.json(list));

  // Every run with its report (HTML: the same words as the PDF, every character as sent).
  const runs = new RunStore(store);
  const runIds = store.db
    .prepare('SELECT id FROM commissioning_runs WHERE (? IS NULL OR identity = ?) ORDER BY id')
    .all(only, only) as Array<{ id: number }>;
  const app = `${info.name} ${info.version}`;
  for (const { id } of runIds) {
    const run = runs.get(id);
    add(`runs/${id}-${fileSafe(run.identity)}.json`, redaction.json(run));
    const document = runDocument(options.language, runReport(store, id), now.toISOString(), app);
    add(`runs/${id}-${fileSafe(run.identity)}-report.html`, redaction.text(renderHtml(document)));
  }

  // The audit log of the boxes (or of everything), already masked when written; masked again.
  const audit = store.db
    .prepare(
      `SELECT * FROM audit_log WHERE (? IS NULL OR (entity = 'station' AND entity_id = ?)) ORDER BY id DESC LIMIT 20000`,
    )
    .all(only, only) as Row[];
  add(
    'audit.jsonl',
    `${audit
      .reverse()
      .map((row) => redaction.text(JSON.stringify(row)))
      .join('\n')}\n`,
  );

  // Files on disk: the app's logs and what boxes uploaded; text only, each line redacted.
  const dataDir = info.dataDir;
  const onDisk = [
    ...walkFiles(join(dataDir, 'logs')).map((path) => ({ path, under: 'logs' })),
    ...UPLOAD_FOLDERS.flatMap((folder) =>
      walkFiles(join(dataDir, folder))
        .filter((path) => {
          const parts = relative(join(dataDir, folder), path).split(/[\\/]/);
          // The file server's own (firmware being offered, uploads still arriving) start with a dot.
          if (parts.some((p) => p.startsWith('.'))) return false;
          // A box's folder is named by boxFolderName (its identity, or a hash when unsafe as a path).
          return only === null || parts.includes(only) || parts[0] === boxFolderName(only);
        })
        .map((path) => ({ path, under: 'box-uploads' })),
    ),
  ];
  for (const { path, under } of onDisk) {
    const inside = `${under}/${relative(dataDir, path).split(/[\\/]/).slice(1).join('/')}`;
    if (statSync(path).size > MAX_FILE_BYTES) {
      leftOut.push({ path: inside, reason: 'too-large' });
      continue;
    }
    const text = asText(readFileSync(path));
    if (text === null) {
      leftOut.push({ path: inside, reason: 'binary' });
      continue;
    }
    add(inside, redaction.logText(text));
  }

  const t = (key: string, params?: Record<string, string | number>) =>
    translate(options.language, key, params);
  add(
    'manifest.json',
    JSON.stringify(
      {
        createdAt: now.toISOString(),
        app,
        identity: only,
        files: [...files],
        leftOut,
        traceTruncated: truncated,
        redaction:
          'redact() on every text, then every vault secret (plain, base64, percent-encoded) masked as ***',
      },
      null,
      2,
    ),
  );
  add(
    'README.txt',
    [
      t('bundle.readme.title', { app, at: now.toISOString() }),
      '',
      t('bundle.readme.contents'),
      ...readmeParts(files).map((part) => `- ${part}: ${t(`bundle.readme.review.${readmeKey(part)}`)}`),
      `- manifest.json: ${t('bundle.readme.review.manifest')}`,
      '',
      t('bundle.readme.secrets'),
      leftOut.length > 0 ? t('bundle.readme.leftOut', { count: leftOut.length }) : null,
      truncated ? t('bundle.readme.truncated', { count: MAX_FRAMES }) : null,
    ]
      .filter((line) => line !== null)
      .join('\n')
      .concat('\n'),
  );

  const mtime = now;
  const zip = zipSync(entries, { level: 6, mtime });
  const stamp = now.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    filename: `support-bundle-${only === null ? 'all' : fileSafe(only)}-${stamp}.zip`,
    mime: 'application/zip',
    base64: Buffer.from(zip).toString('base64'),
    files,
    leftOut,
  };
}
