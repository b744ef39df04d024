// `wbc preflight`: the pre-flight checks of one box and its company CSMS, each printed with its remedy,
// by the api call the app uses; exits non-zero when a check failed.
import { type Command, call, print, t, usage, withApi } from './context.ts';

const preflightUsage = 'preflight --identity ID [--url URL]';

export const preflightCommand: Command = {
  name: 'preflight',
  usage: preflightUsage,
  summaryKey: 'cli.preflight.summary',
  options: ['identity', 'url'],
  run: async (ctx) => {
    let failed = false;
    const code = await withApi(ctx, async (core) => {
      const { identity, url } = ctx.options;
      if (!identity) {
        usage(ctx, preflightUsage);
        return;
      }
      const report = await call(core, 'preflight.run', { identity, url, language: ctx.language });
      failed = report.results.some((r) => r.status === 'fail');
      print(ctx, report, () => {
        for (const r of report.results) {
          const status = t(ctx, `preflight.status.${r.status}`);
          ctx.output.out(t(ctx, 'cli.preflight.line', { status, name: r.name, detail: r.detail }));
          if (r.remedy) ctx.output.out(t(ctx, 'cli.preflight.remedy', { remedy: r.remedy }));
        }
        if (report.runId !== null) ctx.output.out(t(ctx, 'cli.preflight.stored', { run: report.runId }));
      });
    });
    return code !== 0 ? code : failed ? 1 : 0;
  },
};
