// `wbc simulate console`: a trainee's box with a line-based service console on a serial port (one end of
// a socat pty pair), speaking the example profile's dialect with its prompt and login, until Ctrl+C.
import { loadConsoleProfile } from '../drivers/console/console-profile.ts';
import { startConsoleBox } from '../simulator/console-box.ts';
import { type CliContext, t, usage } from './context.ts';

export async function simulateConsole(ctx: CliContext): Promise<number> {
  const path = ctx.options.serial;
  if (!path) return usage(ctx, 'simulate console --serial PATH [--profile NAME] [--user NAME]');
  const profile = loadConsoleProfile(ctx.options.profile ?? 'example-service-console');
  const user = ctx.options.user ?? 'service';
  // The trainee's login password: from WBC_BOX_PASSWORD, or the printed default of this practice box.
  const password = process.env.WBC_BOX_PASSWORD || 'practice-only';
  const { serialOpenError } = await import('../drivers/serial/open-errors.ts');
  let box: Awaited<ReturnType<typeof startConsoleBox>>;
  try {
    box = await startConsoleBox(path, profile, { user, password });
  } catch (error) {
    throw serialOpenError(path, error);
  }
  ctx.output.err(
    t(ctx, 'console.simulate.ready', {
      profile: profile.name,
      path,
      user,
      password: process.env.WBC_BOX_PASSWORD ? '(WBC_BOX_PASSWORD)' : password,
    }),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await box.close();
  return 0;
}
