// `wbc vault reset`: the explicit way out when the vault key is lost. Runs without the key (the core
// refuses to open then), says exactly what is deleted, and deletes only with --yes.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../api/errors.ts';
import { openStore } from '../store/database.ts';
import { DATABASE_FILE, resolveDataDir } from '../store/paths.ts';
import { resetVault, type VaultResetPlan, vaultResetPlan } from '../store/vault-reset.ts';
import { type CliContext, type Command, print, t, usage } from './context.ts';

function describe(ctx: CliContext, plan: VaultResetPlan): void {
  ctx.output.err(t(ctx, 'cli.vault.plan', { passwords: plan.passwords, other: plan.other }));
  ctx.output.err(
    plan.caFingerprint
      ? t(ctx, 'cli.vault.planCa', { fingerprint: plan.caFingerprint })
      : t(ctx, 'cli.vault.planNoCa'),
  );
}

function actor(): string {
  try {
    return `${userInfo().username}@cli`;
  } catch {
    return 'unknown@cli';
  }
}

export const vaultCommand: Command = {
  name: 'vault',
  usage: 'vault reset [--yes]',
  summaryKey: 'cli.vault.summary',
  subcommands: [
    { name: 'reset', usage: 'vault reset [--yes]', summaryKey: 'cli.vault.summary', options: ['yes'] },
  ],
  async run(ctx) {
    if (ctx.args[0] !== 'reset') return usage(ctx, 'vault reset [--yes]');
    const dataDir = resolveDataDir({ flag: ctx.options['data-dir'] });
    const store = openStore(join(dataDir, DATABASE_FILE));
    try {
      if (!ctx.options.yes) {
        const plan = vaultResetPlan(store);
        describe(ctx, plan);
        throw new AppError('VAULT_RESET_NOT_CONFIRMED');
      }
      const done = resetVault(store, dataDir, actor());
      print(ctx, done, () => {
        describe(ctx, done);
        ctx.output.out(t(ctx, 'cli.vault.done', { passwords: done.passwords, other: done.other }));
      });
      return 0;
    } finally {
      store.close();
    }
  },
};
