// `wbc backup`, `wbc diff` and `wbc swap`: a box's configuration as a JSON file without secrets, its
// differences from another box or a template, and a replacement box taking a broken box's place (plan first).
import { AppError } from '../api/errors.ts';
import type { Plan } from '../commissioning/types.ts';
import type { CompareRow } from '../diagnostics/config-compare.ts';
import { writePrivateFile } from '../store/private-files.ts';
import { boxOptions, followRun, printRunOutcome, withBox } from './commands-ocpp.ts';
import { type CliContext, type Command, call, print, t, usage, withApi } from './context.ts';

const backupUsage = 'backup --identity ID --out FILE';
const diffUsage = 'diff --identity A (--against B | --template NAME)';
const swapUsage = 'swap --from OLD --to NEW [--yes] [--verify-window S] [--keep-on-failure]';

export const backupCommand: Command = {
  name: 'backup',
  usage: backupUsage,
  summaryKey: 'cli.backup.summary',
  options: ['identity', 'out'],
  run: async (ctx) => {
    const { identity, out } = ctx.options;
    if (!identity || !out) return usage(ctx, backupUsage);
    return withApi(ctx, async (core) => {
      const result = await call(core, 'config.backup', { identity });
      writePrivateFile(out, result.json);
      const { backup } = result;
      print(
        ctx,
        { file: out, fresh: result.fresh, notRead: backup.notRead, snapshot: backup.snapshot },
        () => {
          ctx.output.out(
            t(ctx, result.fresh ? 'cli.backup.readNow' : 'cli.backup.fromSnapshot', {
              identity,
              file: out,
              count: backup.settings.length,
              at: backup.snapshot.takenAt,
            }),
          );
          if (backup.notRead.length > 0)
            ctx.output.out(
              t(ctx, 'cli.backup.notRead', { keys: backup.notRead.map((n) => n.key).join(', ') }),
            );
          if (backup.localList)
            ctx.output.out(
              t(ctx, 'cli.backup.cards', {
                count: backup.localList.cards.length,
                version: backup.localList.version,
              }),
            );
          ctx.output.out(t(ctx, `cli.backup.password.${backup.password}`));
        },
      );
    });
  },
};

function changeWord(ctx: CliContext, row: CompareRow, a: string, b: string, template: boolean): string {
  if (row.change === 'added') return t(ctx, 'diff.onlyOn', { name: a });
  if (row.change === 'removed') return template ? t(ctx, 'diff.missing') : t(ctx, 'diff.onlyOn', { name: b });
  return t(ctx, row.change === 'changed' ? 'diff.changed' : 'diff.same');
}

export const diffCommand: Command = {
  name: 'diff',
  usage: diffUsage,
  summaryKey: 'cli.diff.summary',
  options: ['identity', 'against', 'template'],
  run: async (ctx) => {
    const { identity, against, template } = ctx.options;
    if (!identity || (against === undefined) === (template === undefined)) return usage(ctx, diffUsage);
    return withApi(ctx, async (core) => {
      const result = against
        ? await call(core, 'config.compare', { identity, against })
        : await call(core, 'config.compare', { identity, template: template as string });
      if (result.missing) throw new AppError('CONFIG_NO_SNAPSHOT', { identity: result.missing });
      const other = against ?? t(ctx, 'diff.templateName', { name: template as string });
      const different = result.rows.filter((r) => r.change !== 'same');
      print(ctx, result, () => {
        if (different.length === 0) {
          ctx.output.out(t(ctx, 'diff.none'));
          return;
        }
        const count = (c: CompareRow['change']) => result.rows.filter((r) => r.change === c).length;
        ctx.output.out(
          t(ctx, 'diff.summary', {
            a: identity,
            b: other,
            onlyA: count('added'),
            onlyB: count('removed'),
            changed: count('changed'),
          }),
        );
        const shown = (v: string | null, row: CompareRow) => (row.writeOnly ? '***' : (v ?? '-'));
        for (const row of different)
          ctx.output.out(
            `  ${row.key.padEnd(40)} ${changeWord(ctx, row, identity, other, !against).padEnd(24)} ${shown(row.a, row)} | ${shown(row.b, row)}`,
          );
      });
    });
  },
};

/** The swap plan in words: each write with the new box's value and the broken box's, and what cannot move. */
function printSwapPlan(ctx: CliContext, plan: Plan): void {
  const swap = plan.swap;
  if (!swap) return;
  ctx.output.out(t(ctx, 'swap.plan.takes', { to: swap.to, from: swap.from }));
  for (const w of plan.writes) {
    const before = w.secret ? '***' : (w.from ?? '-');
    const after = w.secret ? t(ctx, 'cli.swap.password') : w.to;
    ctx.output.out(`  ${w.key.padEnd(40)} ${before} -> ${after}`);
  }
  if (plan.networkProfile)
    ctx.output.out(`  SetNetworkProfile ${plan.networkProfile.slot}: ${plan.networkProfile.url}`);
  if (swap.cards)
    ctx.output.out(t(ctx, 'swap.plan.cards', { count: swap.cards.count, version: swap.cards.version }));
  if (swap.notMovable.length > 0) {
    ctx.output.out(t(ctx, 'swap.plan.notMovable'));
    for (const n of swap.notMovable)
      ctx.output.out(`  ${t(ctx, 'swap.plan.notMovableItem', { key: n.key, value: n.value ?? '-' })}`);
  }
  if (swap.readOnly.length > 0) {
    ctx.output.out(t(ctx, 'swap.plan.readOnly'));
    for (const r of swap.readOnly)
      ctx.output.out(`  ${r.key.padEnd(40)} ${r.replacement ?? '-'} | ${r.broken ?? '-'}`);
  }
  if (swap.notRead.length > 0) ctx.output.out(t(ctx, 'swap.plan.notRead', { keys: swap.notRead.join(', ') }));
  for (const issue of [...plan.problems, ...plan.notes])
    ctx.output.out(`  ${t(ctx, `reason.${issue.code}`, issue.params)}`);
}

/**
 * `wbc swap`: waits for the replacement (connected under its factory identity), then without --yes shows the
 * plan and writes nothing; with --yes runs the swap and follows it. Exit codes as `wbc commission`: 0
 * confirmed, 3 left not confirmed, 1 failed, blocked or cancelled (Ctrl+C), 2 usage.
 */
export const swapCommand: Command = {
  name: 'swap',
  usage: swapUsage,
  summaryKey: 'cli.swap.summary',
  options: [
    'from',
    'to',
    'yes',
    'verify-window',
    'keep-on-failure',
    ...boxOptions.filter((o) => o !== 'identity'),
  ],
  run: async (ctx) => {
    const { from, to } = ctx.options;
    const windowS =
      ctx.options['verify-window'] === undefined ? undefined : Number(ctx.options['verify-window']);
    if (!from || !to || (windowS !== undefined && !(Number.isInteger(windowS) && windowS > 0)))
      return usage(ctx, swapUsage);
    let exit = 0;
    const code = await withApi(ctx, async (core) => {
      // Nothing to move from a box the tool never read: said before waiting for the replacement.
      if (!(await call(core, 'config.latest', { identity: from })))
        throw new AppError('CONFIG_NO_SNAPSHOT', { identity: from });
      const one: CliContext = { ...ctx, options: { ...ctx.options, identity: to } };
      await withBox(one, core, async () => {
        if (ctx.options.yes !== true) {
          const plan = await call(core, 'commissioning.swapPlan', { from, to });
          print(ctx, plan, () => {
            printSwapPlan(ctx, plan);
            ctx.output.out(t(ctx, 'cli.swap.notWritten'));
          });
          if (plan.problems.length > 0) {
            const first = plan.problems[0];
            throw new AppError('SWAP_BLOCKED', {
              identity: to,
              from,
              ...first?.params,
              reason: first?.code ?? '',
            });
          }
          return;
        }
        const run = await followRun(ctx, core, to, () =>
          call(core, 'commissioning.swap', {
            from,
            to,
            approval: 'auto',
            keepOnFailure: ctx.options['keep-on-failure'] === true,
            ...(windowS !== undefined ? { verifyWindowS: windowS } : {}),
          }),
        );
        if (!ctx.output.json && run.state.plan) printSwapPlan(ctx, run.state.plan);
        exit = printRunOutcome(ctx, run, to);
      });
    });
    return code === 0 ? exit : code;
  },
};
