// `wbc boxes list|show ID|forget ID` and `wbc runs list|show ID|put-back ID`: the record of each box and of every
// commissioning run, read from the database, for people or (--json) for scripts; forget only with --yes.
import { AppError } from '../api/errors.ts';
import type { BoxOverview, ForgetPlan } from '../boxes/types.ts';
import type { RunDetail } from '../commissioning/types.ts';
import { PUT_BACK_USAGE, putBackRun } from './commands-put-back.ts';
import { cancelledHolds, runOutcomeLine } from './commission-fleet.ts';
import {
  type CliContext,
  type CliCore,
  type Command,
  call,
  numberArg,
  print,
  t,
  usage,
  withApi,
} from './context.ts';
import { printTable } from './output.ts';
import { MOVING, runsSettled } from './run-settled.ts';

function connectionText(ctx: CliContext, box: BoxOverview): string {
  const c = box.connection;
  if (c.state === 'offline')
    return c.since
      ? t(ctx, 'box.connection.offline', { since: c.since })
      : t(ctx, 'box.connection.offlineNever');
  return t(ctx, `box.connection.${c.state}`, { since: c.since });
}

function commissioningText(ctx: CliContext, box: BoxOverview): string {
  const text = t(ctx, `box.commissioning.${box.commissioning}`);
  return box.latestRun ? `${text} (#${box.latestRun.id})` : text;
}

function describeForget(ctx: CliContext, identity: string, plan: Omit<ForgetPlan, 'blockedBy'>): void {
  const { runs, snapshots, traceFrames, secrets, groups } = plan;
  ctx.output.err(t(ctx, 'cli.boxes.forgetPlan', { identity, runs, snapshots, traceFrames, secrets, groups }));
}

function runRows(
  ctx: CliContext,
  runs: Array<RunDetail | Omit<RunDetail, 'template' | 'approval' | 'state'>>,
) {
  return runs.map((r) => ({
    id: r.id,
    identity: r.identity,
    template: r.templateName,
    status: t(ctx, `run.status.${r.status}`),
    step: t(ctx, `run.step.${r.step}`),
    error: r.error?.code ?? '',
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}

const boxesUsage = 'boxes list|show ID|forget ID [--yes]';

export const boxesCommand: Command = {
  name: 'boxes',
  usage: boxesUsage,
  summaryKey: 'cli.boxes.summary',
  subcommands: [
    { name: 'list', usage: 'boxes list', summaryKey: 'cli.help.boxes.list' },
    { name: 'show', usage: 'boxes show ID', summaryKey: 'cli.help.boxes.show' },
    {
      name: 'forget',
      usage: 'boxes forget ID [--yes]',
      summaryKey: 'cli.help.boxes.forget',
      options: ['yes'],
    },
  ],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const [action = 'list', identity] = ctx.args;
      if (action === 'list') {
        const boxes = await call(core, 'boxes.list', {});
        print(ctx, boxes, () => {
          if (boxes.length === 0) ctx.output.out(t(ctx, 'cli.boxes.none'));
          else
            printTable(
              ctx.output,
              boxes.map((b) => ({
                identity: b.identity,
                model: [b.vendor, b.model].filter(Boolean).join(' '),
                site: b.siteName ?? '',
                connection: connectionText(ctx, b),
                commissioning: commissioningText(ctx, b),
              })),
              ['identity', 'model', 'site', 'connection', 'commissioning'],
            );
        });
      } else if (action === 'show' && identity) {
        const box = await call(core, 'boxes.show', { identity });
        print(ctx, box, () => {
          const none = t(ctx, 'box.unknown');
          const facts: Array<[string, string]> = [
            ['box.field.identity', box.identity],
            ['box.field.vendor', box.vendor ?? none],
            ['box.field.model', box.model ?? none],
            ['box.field.serial', box.serialNumber ?? none],
            ['box.field.firmware', box.firmwareVersion ?? none],
            ['box.field.ocppVersion', box.ocppVersion ?? none],
            ['box.field.site', box.siteName ?? t(ctx, 'box.noSite')],
            ['box.field.connection', connectionText(ctx, box)],
            ['box.field.commissioning', commissioningText(ctx, box)],
          ];
          for (const [key, value] of facts) ctx.output.out(`${t(ctx, key).padEnd(16)} ${value}`);
          const holds = box.localList?.holds;
          ctx.output.out(
            holds
              ? t(ctx, 'box.cards.holds', { version: holds.version, count: holds.count, at: holds.pushedAt })
              : t(ctx, 'box.cards.none'),
          );
          if (box.credentials.length === 0) ctx.output.out(t(ctx, 'box.credentials.none'));
          for (const c of box.credentials)
            ctx.output.out(t(ctx, `box.credential.${c.kind}`, { at: c.updatedAt }));
          ctx.output.out(t(ctx, 'cli.boxes.snapshots', { count: box.snapshots.length }));
          ctx.output.out(t(ctx, 'cli.boxes.runs'));
          if (box.runs.length === 0) ctx.output.out(t(ctx, 'cli.runs.none'));
          else
            printTable(ctx.output, runRows(ctx, box.runs), [
              'id',
              'template',
              'status',
              'error',
              'updatedAt',
            ]);
        });
      } else if (action === 'forget' && identity) {
        const box = await call(core, 'boxes.show', { identity });
        const { blockedBy, ...plan } = box.forget;
        if (!ctx.options.yes) {
          describeForget(ctx, identity, plan);
          if (blockedBy)
            throw new AppError('BOX_RUN_UNFINISHED', {
              identity,
              run: blockedBy.id,
              status: blockedBy.status,
            });
          throw new AppError('BOX_FORGET_NOT_CONFIRMED', { identity });
        }
        const done = await call(core, 'boxes.forget', { identity });
        print(ctx, done, () => {
          describeForget(ctx, identity, done);
          ctx.output.out(t(ctx, 'cli.boxes.forgotten', { identity }));
          if (done.stillConnected) ctx.output.out(t(ctx, 'box.forget.connected'));
        });
      } else {
        usage(ctx, boxesUsage);
      }
    }),
};

/**
 * `wbc runs cancel ID`: the run stops where it is (where it runs: this process, or the core running on the
 * folder), and the line says what the box holds now. Exit 0 when it was cancelled, 1 when it had ended.
 */
async function cancelRun(ctx: CliContext, core: CliCore, id: number): Promise<number> {
  const was = await call(core, 'commissioning.get', { id });
  const moving = MOVING.has(was.status);
  if (moving) await call(core, 'commissioning.cancel', { id });
  // A run moving in the running core stops at its next step of waiting.
  const [run] = (await runsSettled(core, [id])) as [RunDetail];
  const cancelled = moving && run.status === 'cancelled';
  print(ctx, run, () => {
    ctx.output.out(runOutcomeLine(ctx, run));
    ctx.output.out(cancelled ? cancelledHolds(ctx, run) : t(ctx, 'cli.runs.notCancelled', { run: id }));
  });
  return cancelled ? 0 : 1;
}

const runsUsage = 'runs list [--identity ID] [--limit N]|show ID|cancel ID|put-back ID [--yes]';

export const runsCommand: Command = {
  name: 'runs',
  usage: runsUsage,
  summaryKey: 'cli.runs.summary',
  subcommands: [
    {
      name: 'list',
      usage: 'runs list [--identity ID] [--limit N]',
      summaryKey: 'cli.help.runs.list',
      options: ['identity', 'limit'],
    },
    { name: 'show', usage: 'runs show ID', summaryKey: 'cli.help.runs.show' },
    { name: 'cancel', usage: 'runs cancel ID', summaryKey: 'cli.help.runs.cancel' },
    {
      name: 'put-back',
      usage: PUT_BACK_USAGE,
      summaryKey: 'cli.help.runs.putBack',
      options: ['yes', 'port', 'timeout'],
    },
  ],
  run: async (ctx) => {
    let code = 0;
    const ran = await withApi(ctx, async (core) => {
      const [action = 'list', id] = ctx.args;
      if (action === 'put-back' && id) {
        code = await putBackRun(ctx, core, id);
      } else if (action === 'cancel' && id) {
        code = await cancelRun(ctx, core, numberArg(id) as number);
      } else if (action === 'list') {
        const runs = await call(core, 'commissioning.list', {
          identity: ctx.options.identity,
          limit: numberArg(ctx.options.limit) ?? 200,
        });
        print(ctx, runs, () => {
          if (runs.length === 0) ctx.output.out(t(ctx, 'cli.runs.none'));
          else
            printTable(ctx.output, runRows(ctx, runs), [
              'id',
              'identity',
              'template',
              'status',
              'error',
              'updatedAt',
            ]);
        });
      } else if (action === 'show' && id) {
        const run = await call(core, 'commissioning.get', { id: numberArg(id) as number });
        print(ctx, run, () => {
          const [row] = runRows(ctx, [run]);
          if (row)
            for (const [key, value] of Object.entries(row)) ctx.output.out(`${key.padEnd(14)} ${value}`);
          if (run.error) ctx.output.out(t(ctx, `error.${run.error.code}.message`, run.error.params));
          ctx.output.out(t(ctx, 'cli.runs.steps'));
          for (const s of run.state.steps)
            ctx.output.out(
              `  ${t(ctx, `run.step.${s.step}`).padEnd(22)} ${t(ctx, `run.ui.step.${s.status}`)} ${s.finishedAt ?? s.startedAt ?? ''}`,
            );
          const writes = run.state.plan?.writes ?? [];
          if (writes.length > 0) ctx.output.out(t(ctx, 'cli.runs.writes'));
          for (const w of writes) {
            // A secret is named, never printed: it is in the vault; whether the box took it is its answer.
            const to = w.secret ? t(ctx, 'run.ui.plan.generated') : w.to;
            ctx.output.out(`  ${w.key} = ${to}  ${run.state.results[w.key] ?? ''}`.trimEnd());
          }
        });
      } else {
        usage(ctx, runsUsage);
      }
    });
    return ran === 0 ? code : ran;
  },
};
