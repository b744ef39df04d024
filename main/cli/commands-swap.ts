// `wbc backup`, `wbc diff` and `wbc swap`: a box's configuration as a JSON file without secrets, its
// differences from another box or a template, and a replacement box taking a broken box's place (plan first).
import { statSync } from 'node:fs';
import { AppError } from '../api/errors.ts';
import { BACKUP_FILE_MAX_BYTES } from '../commissioning/backup-file-limit.ts';
import { parseBackupFile } from '../commissioning/swap-file.ts';
import type { Plan } from '../commissioning/types.ts';
import type { CompareRow } from '../diagnostics/config-compare.ts';
import { writePrivateFile } from '../store/private-files.ts';
import { readCardFile } from './commands-cards-io.ts';
import { boxOptions, followRun, printRunOutcome, withBox } from './commands-ocpp.ts';
import { caFile } from './commands-proxy.ts';
import { type CliContext, type Command, call, print, t, usage, withApi } from './context.ts';

const backupUsage = 'backup --identity ID --out FILE';
const diffUsage = 'diff --identity A (--against B | --template NAME)';
const swapUsage =
  'swap (--from OLD | --from-file BACKUP.json) --to NEW [--yes] [--new-password] [--ca FILE] [--verify-window S] [--keep-on-failure]';

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
  const { source } = swap;
  if (source.kind === 'file')
    ctx.output.out(
      t(ctx, 'swap.plan.fromFile', {
        from: swap.from,
        exportedAt: source.exportedAt ?? '-',
        takenAt: source.takenAt,
      }),
    );
  if (source.databaseSnapshot)
    ctx.output.out(t(ctx, 'swap.plan.databaseToo', { from: swap.from, at: source.databaseSnapshot }));
  if (source.ocppVersion && source.ocppVersion !== plan.ocppVersion)
    ctx.output.out(
      t(ctx, 'swap.plan.crossVersion', {
        from: swap.from,
        fromVersion: source.ocppVersion,
        toVersion: plan.ocppVersion,
      }),
    );
  // The CA certificate the broken box trusted goes first, before anything sends the new box away.
  if (plan.certificate) ctx.output.out(`  InstallCertificate ${plan.certificate.type}`);
  for (const w of plan.writes) {
    const before = w.secret ? '***' : (w.from ?? '-');
    const after = w.secret
      ? swap.password === 'new'
        ? t(ctx, 'swap.plan.passwordNew', { from: swap.from })
        : t(ctx, 'cli.swap.password')
      : w.to;
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
  if ((swap.notMapped ?? []).length > 0) {
    ctx.output.out(t(ctx, 'swap.plan.notMapped', { version: plan.ocppVersion }));
    for (const n of swap.notMapped)
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
    'from-file',
    'to',
    'yes',
    'new-password',
    'ca',
    'verify-window',
    'keep-on-failure',
    ...boxOptions.filter((o) => o !== 'identity'),
  ],
  run: async (ctx) => {
    const { from, to } = ctx.options;
    const file = ctx.options['from-file'];
    const windowS =
      ctx.options['verify-window'] === undefined ? undefined : Number(ctx.options['verify-window']);
    if (
      (from === undefined) === (file === undefined) ||
      !to ||
      (windowS !== undefined && !(Number.isInteger(windowS) && windowS > 0))
    )
      return usage(ctx, swapUsage);
    // The file is read and checked (the core checks it again) before the tool waits for the replacement.
    const backup = file === undefined ? undefined : readBackupFile(file);
    if (backup !== undefined) parseBackupFile(backup);
    const broken = backup === undefined ? { from: from as string } : { backup };
    const newPassword = ctx.options['new-password'] === true;
    const caCertificate = caFile(ctx.options.ca);
    const given = caCertificate === undefined ? {} : { caCertificate };
    let exit = 0;
    const code = await withApi(ctx, async (core) => {
      // Nothing to move from a box the tool never read: said before waiting for the replacement.
      if (from !== undefined && !(await call(core, 'config.latest', { identity: from })))
        throw new AppError('CONFIG_NO_SNAPSHOT', { identity: from });
      const one: CliContext = { ...ctx, options: { ...ctx.options, identity: to } };
      await withBox(one, core, async () => {
        if (ctx.options.yes !== true) {
          const plan = await call(core, 'commissioning.swapPlan', { ...broken, to, newPassword, ...given });
          print(ctx, plan, () => {
            printSwapPlan(ctx, plan);
            ctx.output.out(t(ctx, 'cli.swap.notWritten'));
          });
          if (plan.problems.length > 0) {
            const first = plan.problems[0];
            throw new AppError('SWAP_BLOCKED', {
              identity: to,
              from: plan.swap?.from ?? from ?? '',
              ...first?.params,
              reason: first?.code ?? '',
            });
          }
          return;
        }
        const run = await followRun(ctx, core, to, () =>
          call(core, 'commissioning.swap', {
            ...broken,
            to,
            approval: 'auto',
            newPassword,
            ...given,
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

/** The backup file --from-file names, as text; one larger than any backup is refused before it is read. */
function readBackupFile(file: string): string {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // Not there or not readable: said by the read below, in the words the card import uses.
  }
  if (size > BACKUP_FILE_MAX_BYTES)
    throw new AppError('BACKUP_FILE_TOO_LARGE', { size, limit: BACKUP_FILE_MAX_BYTES });
  return readCardFile(file).toString('utf8');
}
