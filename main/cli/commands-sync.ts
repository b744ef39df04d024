// `wbc sync add|list|test|status|run|dry-run|conflicts|resolve`: the company CSMSs, their connection
// test and the outbox from the terminal; every subcommand also answers --json for scripts.
import { readFileSync } from 'node:fs';
import { errorText } from '../../locales/translate.ts';
import { AppError, type ErrorCode, type ErrorParams } from '../api/errors.ts';
import { connectorKinds } from '../csms/connector.ts';
import type { StationPayload, TokenJob, TokenPayload } from '../csms/outbox.ts';
import { type CliContext, type Command, call, numberArg, print, t, usage, withApi } from './context.ts';
import type { HelpSpec } from './help.ts';
import { printTable } from './output.ts';

type SyncSub = HelpSpec & { run(ctx: CliContext): Promise<number> };

/** A job's last error in the technician's words (the typed error's message from the locales). */
export function reasonText(ctx: CliContext, error: { code: ErrorCode; params: ErrorParams } | null): string {
  return error ? errorText(ctx.language, error.code, error.params).message : '';
}

function connectorArg(ctx: CliContext, usageText: string): string {
  const name = ctx.args[0];
  if (!name) usage(ctx, usageText);
  return name as string;
}

function secretFrom(ctx: CliContext): string | undefined {
  const file = ctx.options['secret-file'];
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.sync.secretFileUnreadable', { file }) });
  }
}

const isStation = (payload: TokenPayload | StationPayload): payload is StationPayload =>
  'identity' in payload;

function caFrom(ctx: CliContext): string | undefined {
  const file = ctx.options['ca-file'];
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.sync.caFileUnreadable', { file }) });
  }
}

const cell = (value: string | null | boolean | undefined) =>
  value === null || value === undefined ? '—' : String(value);

function sideBySide(ctx: CliContext, job: TokenJob): void {
  const ours = job.payload;
  const theirs = job.theirs;
  ctx.output.out(t(ctx, 'cli.sync.conflictHead', { id: job.id, uid: job.key }));
  const fields: Array<keyof TokenPayload> = ['groupIdTag', 'label', 'owner', 'validUntil', 'valid'];
  printTable(
    ctx.output,
    fields.map((field) => ({
      field: t(ctx, `sync.field.${field}`),
      here: cell(ours[field]),
      csms: cell(theirs?.[field] as string | boolean | null | undefined),
      differs: cell(ours[field]) === cell(theirs?.[field] as string | null) ? '' : '≠',
    })),
    ['field', 'here', 'csms', 'differs'],
  );
  ctx.output.out(t(ctx, 'cli.sync.conflictHow', { id: job.id }));
}

const subcommands: SyncSub[] = [
  {
    name: 'add',
    usage:
      'sync add NAME --kind steve|citrineos|ocpi|maeve|file --csms-url URL [--user U] [--secret-file F] [--ca-file F]',
    summaryKey: 'cli.help.sync.add',
    options: [
      'kind',
      'csms-url',
      'user',
      'secret-file',
      'in-flight',
      'timeout',
      'graphql-url',
      'ca-file',
      'shape',
      'country',
      'party',
    ],
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const name = connectorArg(ctx, 'sync add NAME --kind K --csms-url URL');
        const kind = ctx.options.kind as (typeof connectorKinds)[number] | undefined;
        const baseUrl = ctx.options['csms-url'];
        if (!kind || !connectorKinds.includes(kind) || !baseUrl) {
          usage(ctx, `sync add NAME --kind ${connectorKinds.join('|')} --csms-url URL`);
          return;
        }
        const info = await call(core, 'sync.add', {
          kind,
          name,
          baseUrl,
          user: ctx.options.user,
          credential: secretFrom(ctx),
          concurrency: numberArg(ctx.options['in-flight']),
          timeoutS: numberArg(ctx.options.timeout),
          graphqlUrl: ctx.options['graphql-url'],
          caCertificate: caFrom(ctx),
          shape: ctx.options.shape as 'plain' | 'steve' | 'ocpi' | undefined,
          countryCode: ctx.options.country,
          partyId: ctx.options.party,
        });
        print(ctx, info, () =>
          ctx.output.out(t(ctx, 'cli.sync.added', { name: info.name, kind: info.kind })),
        );
      }),
  },
  {
    name: 'list',
    usage: 'sync list',
    summaryKey: 'cli.help.sync.list',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const list = await call(core, 'sync.list', {});
        print(ctx, list, () => {
          if (list.length === 0) ctx.output.out(t(ctx, 'cli.sync.none'));
          else printTable(ctx.output, list, ['id', 'name', 'kind', 'baseUrl', 'hasCredential']);
        });
      }),
  },
  {
    name: 'test',
    usage: 'sync test NAME',
    summaryKey: 'cli.help.sync.test',
    run: async (ctx) => {
      let failed = false;
      const code = await withApi(ctx, async (core) => {
        const checks = await call(core, 'sync.test', { connector: connectorArg(ctx, 'sync test NAME') });
        failed = checks.some((c) => !c.ok);
        print(ctx, checks, () => {
          for (const check of checks) {
            const mark = check.ok ? t(ctx, 'cli.sync.ok') : t(ctx, 'cli.sync.failedMark');
            ctx.output.out(
              `${mark.padEnd(6)} ${t(ctx, `sync.step.${check.step}`).padEnd(14)} ${check.detail}`,
            );
            if (check.errorCode) ctx.output.out(`       ${t(ctx, `error.${check.errorCode}.remedy`)}`);
          }
        });
      });
      return code === 0 && failed ? 1 : code;
    },
  },
  {
    name: 'status',
    usage: 'sync status [NAME]',
    summaryKey: 'cli.help.sync.status',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const status = await call(core, 'sync.status', { connector: ctx.args[0] });
        print(ctx, status, () => {
          if (status.length === 0) ctx.output.out(t(ctx, 'cli.sync.none'));
          for (const s of status) {
            ctx.output.out(t(ctx, 'cli.sync.counts', { name: s.connector.name, ...s.counts }));
            if (s.open.length > 0) {
              printTable(
                ctx.output,
                s.open.map((job) => ({
                  id: job.id,
                  card: job.key,
                  change: t(ctx, `sync.kind.${job.kind}`),
                  state: t(ctx, `sync.state.${job.state}`),
                  attempts: job.attempts,
                  reason: reasonText(ctx, job.lastError),
                })),
                ['id', 'card', 'change', 'state', 'attempts', 'reason'],
              );
              for (const job of s.open) {
                for (const step of job.manualSteps ?? []) {
                  ctx.output.out(`  ${job.id}: ${t(ctx, step.messageKey, step.params)}`);
                }
              }
            }
          }
        });
      }),
  },
  {
    name: 'run',
    usage: 'sync run NAME [--wait S]',
    summaryKey: 'cli.help.sync.run',
    options: ['wait'],
    run: async (ctx) => {
      let left = 0;
      const code = await withApi(ctx, async (core) => {
        const summary = await call(core, 'sync.run', {
          connector: connectorArg(ctx, 'sync run NAME'),
          maxWaitS: numberArg(ctx.options.wait),
        });
        left = summary.pending + summary.failed + summary.conflicts;
        print(ctx, summary, () => {
          ctx.output.out(t(ctx, 'cli.sync.ran', { ...summary, stoppedBy: '' }));
          if (summary.stoppedBy) ctx.output.out(`  ${reasonText(ctx, summary.stoppedBy)}`);
          if (summary.file) ctx.output.out(t(ctx, 'cli.sync.handedOver', { file: summary.file }));
          if (summary.conflicts > 0) ctx.output.out(t(ctx, 'cli.sync.seeConflicts'));
        });
      });
      return code === 0 && left > 0 ? 2 : code;
    },
  },
  {
    name: 'dry-run',
    usage: 'sync dry-run NAME',
    summaryKey: 'cli.help.sync.dryRun',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const items = await call(core, 'sync.dryRun', { connector: connectorArg(ctx, 'sync dry-run NAME') });
        print(ctx, items, () => {
          if (items.length === 0) ctx.output.out(t(ctx, 'cli.sync.nothingToDo'));
          else
            printTable(
              ctx.output,
              items.map((i) => ({
                id: i.jobId,
                card: i.key,
                action: t(ctx, `sync.action.${i.action}`),
                group: isStation(i.ours) ? '' : `${cell(i.theirs?.groupIdTag)} → ${cell(i.ours.groupIdTag)}`,
                label: isStation(i.ours) ? '' : `${cell(i.theirs?.label)} → ${cell(i.ours.label)}`,
              })),
              ['id', 'card', 'action', 'group', 'label'],
            );
        });
      }),
  },
  {
    name: 'conflicts',
    usage: 'sync conflicts [NAME]',
    summaryKey: 'cli.help.sync.conflicts',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const jobs = await call(core, 'sync.conflicts', { connector: ctx.args[0] });
        print(ctx, jobs, () => {
          if (jobs.length === 0) ctx.output.out(t(ctx, 'cli.sync.noConflicts'));
          for (const job of jobs) sideBySide(ctx, job);
        });
      }),
  },
  {
    name: 'resolve',
    usage: 'sync resolve ID --keep-ours|--take-theirs',
    summaryKey: 'cli.help.sync.resolve',
    options: ['keep-ours', 'take-theirs'],
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const jobId = numberArg(ctx.args[0]);
        const ours = ctx.options['keep-ours'] === true;
        const theirs = ctx.options['take-theirs'] === true;
        if (jobId === undefined || ours === theirs) {
          usage(ctx, 'sync resolve ID --keep-ours|--take-theirs');
          return;
        }
        const job = await call(core, 'sync.resolve', { jobId, choice: ours ? 'ours' : 'theirs' });
        print(ctx, job, () =>
          ctx.output.out(
            t(ctx, ours ? 'cli.sync.keptOurs' : 'cli.sync.tookTheirs', { id: job.id, uid: job.key }),
          ),
        );
      }),
  },
  {
    name: 'retry',
    usage: 'sync retry NAME',
    summaryKey: 'cli.help.sync.retry',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const result = await call(core, 'sync.retry', { connector: connectorArg(ctx, 'sync retry NAME') });
        print(ctx, result, () => ctx.output.out(t(ctx, 'cli.sync.retried', { count: result.retried })));
      }),
  },
];

export const syncCommand: Command = {
  name: 'sync',
  usage: `sync ${subcommands.map((s) => s.name).join('|')} ...`,
  summaryKey: 'cli.sync.summary',
  subcommands,
  async run(ctx) {
    const [name, ...rest] = ctx.args;
    const sub = subcommands.find((s) => s.name === name);
    if (!sub) return usage(ctx, subcommands.map((s) => s.usage).join('\n       wbc '));
    return sub.run({ ...ctx, args: rest });
  },
};
