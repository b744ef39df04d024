// `wbc cards import|export` and `wbc cards push --site`: card lists from and to files (the preview is
// printed, nothing is written without --yes or a y at the prompt) and the cards of a whole site pushed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { errorText } from '../../locales/translate.ts';
import { AppError, type ErrorCode } from '../api/errors.ts';
import { decodeCsvBytes } from '../cards/csv-decode.ts';
import type { CardChange, ImportPreview, ImportProgress, SitePushProgress } from '../cards/types.ts';
import type { Core } from '../core.ts';
import { channelAnswers, channelPaths } from '../server/local-channel.ts';
import { writePrivateFile } from '../store/private-files.ts';
import type { CardsSubcommand } from './commands-cards.ts';
import { csmsOptions } from './commands-ocpp.ts';
import { type CliContext, call, numberArg, print, t, usage } from './context.ts';
import { type CtrlC, watchCtrlC } from './ctrl-c.ts';
import { groupNamed, siteNamed } from './find-named.ts';

/** The id of the group --group names (by name, idTag or number); undefined without --group. */
async function groupOption(ctx: CliContext, core: Core): Promise<number | undefined> {
  return ctx.options.group ? (await groupNamed(core, ctx.options.group, { byIdTag: true })).id : undefined;
}

/** A file the user named (a card list, a roster): a missing one is "file not found", not a bad request. */
export function readCardFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new AppError('CARDS_FILE_NOT_FOUND', { file }, { cause: error });
    throw new AppError('CARDS_FILE_UNREADABLE', { file, detail: code ?? String(error) }, { cause: error });
  }
}

/** "UID ← "idTag", owner ← "Name"": which header cell each field is read from. */
function mappingText(ctx: CliContext, preview: ImportPreview): string {
  return preview.columns.mapping.map((m) => `${t(ctx, `cards.field.${m.field}`)} ← "${m.header}"`).join(', ');
}

function changesText(ctx: CliContext, changes: CardChange[]): string {
  return changes
    .map((c) => `${t(ctx, `cards.field.${c.field}`)}: ${c.before ?? '–'} → ${c.after ?? '–'}`)
    .join('; ');
}

function printPreview(ctx: CliContext, preview: ImportPreview): void {
  ctx.output.out(t(ctx, 'cards.io.columns', { mapping: mappingText(ctx, preview) }));
  ctx.output.out(
    preview.columns.ignored.length > 0
      ? t(ctx, 'cards.io.ignored', { names: preview.columns.ignored.map((h) => `"${h}"`).join(', ') })
      : t(ctx, 'cards.io.noIgnored'),
  );
  ctx.output.out(t(ctx, 'cards.io.validUntilZone', { zone: preview.validUntilZone }));
  ctx.output.out(t(ctx, 'cli.cards.import.summary', preview.counts));
  if (preview.counts.updates + preview.counts.unchanged > 0)
    ctx.output.out(t(ctx, 'cards.io.updates', preview.counts));
  for (const row of preview.rows) {
    if (row.changes && row.changes.length > 0) {
      const uid = row.uidHex ?? row.uidText;
      ctx.output.out(
        t(ctx, 'cli.cards.import.change', { row: row.row, uid, changes: changesText(ctx, row.changes) }),
      );
    }
  }
  for (const row of preview.rows) {
    for (const issue of row.issues) {
      const { message } = errorText(ctx.language, issue.code, issue.params);
      ctx.output.out(t(ctx, 'cli.cards.import.row', { row: row.row, message }));
    }
  }
  if (preview.rowsTruncated) ctx.output.out(t(ctx, 'cli.cards.import.more'));
  if (preview.unknownGroups.length > 0) {
    const names = preview.unknownGroups.map((g) => `${g.name} (${g.rows})`).join(', ');
    ctx.output.out(t(ctx, 'cli.cards.import.unknownGroups', { names }));
  }
  if (preview.groupsToCreate.length > 0) {
    ctx.output.out(t(ctx, 'cards.io.groupsToCreate', { names: preview.groupsToCreate.join(', ') }));
  }
}

/** y/j/yes/ja at a terminal; nothing else (and no terminal) is a no. */
async function confirmed(ctx: CliContext, count: number): Promise<boolean> {
  if (ctx.options.yes) return true;
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(t(ctx, 'cli.cards.import.confirm', { count }));
    return /^(y|yes|j|ja)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

const importUsage = 'cards import FILE [--group NAME] [--create-groups] [--format PRESET] [--yes]';

const importCards: CardsSubcommand = {
  name: 'import',
  usage: importUsage,
  summaryKey: 'cli.help.cards.import',
  options: ['group', 'create-groups', 'format', 'yes'],
  async run(ctx, core) {
    const file = ctx.args[0];
    if (!file) usage(ctx, importUsage);
    const ctrlC = watchCtrlC();
    try {
      await importFile(ctx, core, file as string, ctrlC);
    } finally {
      ctrlC.off();
    }
  },
};

/** A line on stderr while a long import works: what it is doing now. */
function progress(
  ctx: CliContext,
  event: 'checking' | 'writing' | 'written',
  params: { file?: string; count?: number; done?: number; total?: number },
) {
  if (ctx.output.json) ctx.output.err(JSON.stringify({ event, ...params }));
  else ctx.output.err(t(ctx, `cli.cards.import.${event}`, params));
}

/**
 * The preview, the confirmation, then one commit of all good rows. Ctrl+C while the rows are checked is
 * honoured right before the commit (the preview writes nothing); during the commit it ends the process at
 * once, as it does by default, and SQLite rolls the open transaction back: none of the rows is written.
 */
async function importFile(ctx: CliContext, core: Core, file: string, ctrlC: CtrlC): Promise<void> {
  const { text } = decodeCsvBytes(readCardFile(file));
  const groupId = await groupOption(ctx, core);
  progress(ctx, 'checking', { file });
  const preview = await call(core, 'cards.importPreview', {
    csv: text,
    ...(groupId === undefined ? {} : { groupId }),
    createGroups: ctx.options['create-groups'] === true,
    ...(ctx.options.format ? { defaults: { format: ctx.options.format as never } } : {}),
  });
  if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'preview', ...preview, token: undefined }));
  else printPreview(ctx, preview);
  if (preview.counts.ok === 0) throw new AppError('CARDS_IMPORT_NOTHING', { rows: preview.counts.rows });
  if (preview.counts.ok === preview.counts.unchanged) {
    // Every good row is a known card as it is: nothing to write, and nothing to confirm.
    if (preview.counts.errors > 0) {
      throw new AppError('CARDS_IMPORT_REFUSED_ROWS', { refused: preview.counts.errors, imported: 0 });
    }
    return;
  }
  const count = preview.counts.ok - preview.counts.unchanged;
  if (!(await confirmed(ctx, count))) throw new AppError('CARDS_IMPORT_NOT_CONFIRMED', {});
  // Read again: a file saved in Excel meanwhile is refused rather than imported from the old preview.
  const now = decodeCsvBytes(readCardFile(file)).text;
  const sha256 = createHash('sha256').update(now).digest('hex');
  if (await ctrlC.requested()) throw new AppError('CARDS_IMPORT_CANCELLED', {});
  // The commit blocks the event loop: a handler would only run after it, so Ctrl+C ends it at once instead.
  ctrlC.off();
  progress(ctx, 'writing', { count });
  // Told from inside the one transaction, as it moves (the event loop waits for its end).
  const off = core.router.subscribe((event, payload) => {
    if (event !== 'cards.importProgress') return;
    const { done, total } = payload as ImportProgress;
    progress(ctx, 'written', { done, total });
  });
  const result = await call(core, 'cards.importCommit', { token: preview.token, sha256 }).finally(off);
  print(ctx, result, () => {
    ctx.output.out(t(ctx, 'cli.cards.import.done', { imported: result.imported, skipped: result.skipped }));
    if (result.updated > 0) ctx.output.out(t(ctx, 'cli.cards.import.updated', { updated: result.updated }));
    if (result.groupsCreated.length > 0) {
      ctx.output.out(t(ctx, 'cli.cards.import.groupsCreated', { names: result.groupsCreated.join(', ') }));
    }
  });
  // Refused rows are cards the user expects in the list and that are not there: the import did not succeed.
  if (preview.counts.errors > 0) {
    throw new AppError('CARDS_IMPORT_REFUSED_ROWS', {
      refused: preview.counts.errors,
      imported: result.imported,
    });
  }
}

const exportUsage =
  'cards export [--shape plain|steve|ocpi] [--group NAME] [--format PRESET] [--country CC --party PID] [--out FILE]';

const exportCards: CardsSubcommand = {
  name: 'export',
  usage: exportUsage,
  summaryKey: 'cli.help.cards.export',
  options: ['shape', 'group', 'format', 'country', 'party', 'out'],
  async run(ctx, core) {
    const groupId = await groupOption(ctx, core);
    const file = await call(core, 'cards.export', {
      shape: (ctx.options.shape ?? 'plain') as never,
      ...(groupId === undefined ? {} : { groupId }),
      ...(ctx.options.format ? { format: ctx.options.format as never } : {}),
      ...(ctx.options.country ? { countryCode: ctx.options.country } : {}),
      ...(ctx.options.party ? { partyId: ctx.options.party } : {}),
    });
    if (!ctx.options.out) {
      if (ctx.output.json) ctx.output.out(JSON.stringify(file));
      else process.stdout.write(file.content);
      return;
    }
    writePrivateFile(ctx.options.out, file.content);
    print(ctx, { file: ctx.options.out, count: file.count, mime: file.mime }, () =>
      ctx.output.err(
        t(ctx, 'cli.cards.export.written', { count: file.count, file: ctx.options.out as string }),
      ),
    );
  },
};

function stateText(ctx: CliContext, p: SitePushProgress): string {
  const text = t(ctx, `cards.push.state.${p.state}`, {
    done: p.done,
    total: p.total,
    version: p.version ?? '',
  });
  return p.reason ? `${text}: ${errorText(ctx.language, p.reason.code, p.reason.params).message}` : text;
}

/**
 * `wbc cards push --site NAME`: starts the local CSMS, waits (up to --timeout, default 60 s) for the site's
 * boxes, pushes each its list; boxes that did not come are reported as skipped. Ctrl+C cancels.
 */
export async function pushSite(ctx: CliContext, core: Core): Promise<void> {
  const name = ctx.options.site as string;
  const site = await siteNamed(core, name);
  const identities = (await call(core, 'stations.list', { siteId: site.id })).map((s) => s.identity);
  if (identities.length === 0) throw new AppError('CARDS_SITE_NO_BOXES', { site: site.name });
  // The site's boxes are at the CSMS of the core running this folder: a second CSMS here would never see them.
  if (await channelAnswers(channelPaths(core.dataDir).address))
    throw new AppError('CORE_BUSY_ELSEWHERE', { dataDir: core.dataDir });
  const status = await core.ocpp.start(await csmsOptions(ctx, core, identities));
  const seconds = numberArg(ctx.options.timeout) ?? 60;
  const abort = new AbortController();
  let pushing = false;
  const onSignal = () => {
    if (pushing) void call(core, 'cards.pushCancel', { siteId: site.id });
    else abort.abort();
  };
  process.on('SIGINT', onSignal);
  const last = new Map<string, string>();
  const off = core.router.subscribe((event, payload) => {
    if (event !== 'cards.pushProgress') return;
    const p = payload as SitePushProgress;
    if (p.siteId !== site.id || last.get(p.identity) === p.state) return;
    last.set(p.identity, p.state);
    if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'box', ...p }));
    else ctx.output.err(t(ctx, 'cli.cards.push.box', { identity: p.identity, state: stateText(ctx, p) }));
  });
  try {
    if (ctx.output.json)
      ctx.output.err(JSON.stringify({ event: 'waiting', site: site.name, urls: status.urls }));
    else {
      ctx.output.err(
        t(ctx, 'cli.cards.push.waiting', { seconds, count: identities.length, site: site.name }),
      );
      for (const url of status.urls) ctx.output.err(`  ${url}`);
    }
    await Promise.allSettled(
      identities.map((identity) =>
        core.ocpp.csms.waitFor(identity, { timeoutMs: seconds * 1000, signal: abort.signal }),
      ),
    );
    if (abort.signal.aborted) throw new AppError('CANCELLED', {});
    pushing = true;
    const summary = await call(core, 'cards.pushSite', { siteId: site.id });
    print(ctx, summary, () =>
      ctx.output.out(
        t(ctx, 'cards.push.summary', {
          pushed: summary.pushed,
          unchanged: summary.unchanged,
          skipped: summary.skipped,
          failed: summary.failed,
          cancelled: summary.cancelled,
        }),
      ),
    );
    const failed = summary.boxes.find((b) => b.state === 'failed' && b.reason);
    if (failed?.reason) throw new AppError(failed.reason.code as ErrorCode, failed.reason.params);
  } finally {
    off();
    process.off('SIGINT', onSignal);
    await core.ocpp.stop();
  }
}

/** The subcommands of `wbc cards` this module adds to the table in commands-cards.ts. */
export const cardsIoSubcommands: CardsSubcommand[] = [importCards, exportCards];
