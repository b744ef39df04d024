// `wbc firmware update` and `wbc logs fetch`: a file job on one box through the api the app uses, its
// statuses printed as they come, the outcome as the box said it; Ctrl+C cancels the job and says so.
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../api/errors.ts';
import { kindText, outcomeText, statusLine } from '../files/files-text.ts';
import type { FileJob } from '../files/types.ts';
import { writePrivateFile } from '../store/private-files.ts';
import { boxOptions, withBox } from './commands-ocpp.ts';
import { type CliContext, type CliCore, type Command, call, t, usage, withApi } from './context.ts';
import { terminalSafe } from './terminal-text.ts';

/** The options only these commands take (merged into the parser's list in wbc.ts). */
export const filesCliOptions = {
  file: { type: 'string' },
  signature: { type: 'string' },
  'signing-cert': { type: 'string' },
  type: { type: 'string' },
  protocol: { type: 'string' },
} as const;

type FilesOptions = Partial<Record<keyof typeof filesCliOptions, string>>;
const opts = (ctx: CliContext) => ctx.options as unknown as FilesOptions;

const firmwareUsage =
  'firmware update --identity ID --file F [--signature S --signing-cert FILE] [--protocol http|ftp] [--port P] [--timeout S]';
const logsUsage =
  'logs fetch --identity ID [--type diagnostics|security] [--protocol http|ftp] --out DIR [--port P] [--timeout S]';

/** --protocol: http (the default) or ftp for a box that only speaks FTP. */
function protocolOf(ctx: CliContext): 'http' | 'ftp' | undefined {
  const protocol = opts(ctx).protocol;
  if (protocol === undefined || protocol === 'http' || protocol === 'ftp') return protocol;
  throw new AppError('BAD_REQUEST', { detail: t(ctx, 'files.cli.badProtocol') });
}

/**
 * Starts the job, prints each status once as it comes, and resolves with the job as it ended. Ctrl+C
 * cancels it (the box is told nothing: OCPP has no call to stop a transfer) and the job says cancelled.
 */
async function follow(ctx: CliContext, core: CliCore, start: () => Promise<FileJob>): Promise<FileJob> {
  const tr = (key: string, params?: Record<string, string | number>) => t(ctx, key, params);
  let jobId: number | null = null;
  let printed = 0;
  let settle: ((job: FileJob) => void) | null = null;
  const early: FileJob[] = [];
  const show = (job: FileJob) => {
    for (const s of job.statuses.slice(printed)) {
      if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'status', job: job.id, ...s }));
      else ctx.output.out(`${s.at.slice(11, 19)} ${terminalSafe(statusLine(tr, s))}`);
    }
    printed = Math.max(printed, job.statuses.length);
    if (job.state !== 'running') settle?.(job);
  };
  const off = core.router.subscribe((event, payload) => {
    if (event !== 'files.job') return;
    const job = payload as FileJob;
    if (jobId === null) early.push(job);
    else if (job.id === jobId) show(job);
  });
  let onSignal = () => {};
  try {
    const started = await start();
    jobId = started.id;
    if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'started', job: started.id }));
    else
      ctx.output.out(
        tr('files.cli.started', {
          job: started.id,
          kind: kindText(tr, started.kind),
          identity: terminalSafe(started.identity),
        }),
      );
    const ended = new Promise<FileJob>((resolve) => {
      settle = resolve;
    });
    onSignal = () => {
      if (!ctx.output.json) ctx.output.err(tr('files.cli.stopping'));
      void call(core, 'files.cancel', { id: started.id }).then(show, () => undefined);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    for (const job of early) if (job.id === started.id) show(job);
    show(await call(core, 'files.job', { id: started.id }));
    return await ended;
  } finally {
    off();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function finish(ctx: CliContext, job: FileJob): void {
  const tr = (key: string, params?: Record<string, string | number>) => t(ctx, key, params);
  if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'ended', ...job }));
  else ctx.output.out(terminalSafe(outcomeText(tr, job)));
}

export const firmwareCommand: Command = {
  name: 'firmware',
  usage: firmwareUsage,
  summaryKey: 'cli.firmware.summary',
  subcommands: [
    {
      name: 'update',
      usage: firmwareUsage,
      summaryKey: 'cli.help.firmware.update',
      options: [...boxOptions, 'file', 'signature', 'signing-cert', 'protocol'],
    },
  ],
  run: async (ctx) => {
    let outcome: FileJob | null = null;
    const code = await withApi(ctx, async (core) => {
      const o = opts(ctx);
      if (ctx.args[0] !== 'update' || ctx.args.length > 1 || !o.file || !ctx.options.identity)
        usage(ctx, firmwareUsage);
      const protocol = protocolOf(ctx);
      const file = resolve(o.file as string);
      let signingCertificate: string | undefined;
      if (o['signing-cert'] !== undefined) {
        try {
          signingCertificate = readFileSync(o['signing-cert'], 'utf8').trim();
        } catch (error) {
          throw new AppError('FILES_SOURCE_UNREADABLE', { file: o['signing-cert'] }, { cause: error });
        }
      }
      await withBox(ctx, core, async (identity) => {
        outcome = await follow(ctx, core, () =>
          call(core, 'files.firmwareUpdate', {
            identity,
            name: basename(file),
            path: file,
            ...(o.signature === undefined ? {} : { signature: o.signature }),
            ...(protocol === undefined ? {} : { protocol }),
            ...(signingCertificate === undefined ? {} : { signingCertificate }),
          }),
        );
        finish(ctx, outcome);
      });
    });
    return code !== 0 ? code : (outcome as FileJob | null)?.state === 'done' ? 0 : 1;
  },
};

export const logsCommand: Command = {
  name: 'logs',
  usage: logsUsage,
  summaryKey: 'cli.logs.summary',
  subcommands: [
    {
      name: 'fetch',
      usage: logsUsage,
      summaryKey: 'cli.help.logs.fetch',
      options: [...boxOptions, 'type', 'out', 'protocol'],
    },
  ],
  run: async (ctx) => {
    let outcome: FileJob | null = null;
    const code = await withApi(ctx, async (core) => {
      const type = opts(ctx).type ?? 'diagnostics';
      if (ctx.args[0] !== 'fetch' || ctx.args.length > 1 || !ctx.options.out || !ctx.options.identity)
        usage(ctx, logsUsage);
      if (type !== 'diagnostics' && type !== 'security')
        throw new AppError('BAD_REQUEST', { detail: t(ctx, 'files.cli.badType') });
      const protocol = protocolOf(ctx);
      const out = resolve(ctx.options.out as string);
      await withBox(ctx, core, async (identity) => {
        const job = await follow(ctx, core, () =>
          call(core, 'files.fetchLog', { identity, type, ...(protocol === undefined ? {} : { protocol }) }),
        );
        outcome = job;
        if (job.fileId !== null) {
          const content = await call(core, 'files.read', { id: job.fileId });
          // The folder is made for the user alone when it is new (logs may hold the box's secrets).
          mkdirSync(out, { recursive: true, mode: 0o700 });
          const target = join(out, content.file.downloadName);
          writePrivateFile(target, Buffer.from(content.base64, 'base64'));
          if (ctx.output.json)
            ctx.output.out(JSON.stringify({ event: 'saved', file: target, bytes: content.file.size }));
          else
            ctx.output.out(
              t(ctx, 'files.cli.saved', { file: terminalSafe(target), bytes: content.file.size }),
            );
        }
        finish(ctx, job);
      });
    });
    return code !== 0 ? code : (outcome as FileJob | null)?.state === 'done' ? 0 : 1;
  },
};
