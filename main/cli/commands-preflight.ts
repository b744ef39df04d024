// `wbc preflight`: the pre-flight checks of one box and its company CSMS, each printed with its remedy,
// by the api call the app uses; exits non-zero when a check failed. With --timeout and no tool running on
// the folder, it runs the local CSMS itself and waits that long for the box, so the box's checks can run.
import { AppError } from '../api/errors.ts';
import { csmsOptions } from './commands-ocpp.ts';
import { type Command, call, print, t, usage, withApi } from './context.ts';

const preflightUsage = 'preflight --identity ID [--url URL] [--timeout S] [--port P]';

export const preflightCommand: Command = {
  name: 'preflight',
  usage: preflightUsage,
  summaryKey: 'cli.preflight.summary',
  options: ['identity', 'url', 'timeout', 'host', 'port', 'tls', 'password-file', 'admit-all'],
  run: async (ctx) => {
    let failed = false;
    const code = await withApi(ctx, async (core) => {
      const { identity, url } = ctx.options;
      if (!identity) {
        usage(ctx, preflightUsage);
        return;
      }
      const local = core.local;
      const timeoutS = ctx.options.timeout === undefined ? null : Number(ctx.options.timeout);
      if (timeoutS !== null && (!Number.isFinite(timeoutS) || timeoutS < 0 || timeoutS > 3600))
        usage(ctx, 'preflight --identity ID --timeout 0..3600');
      // No tool runs the folder's CSMS: with --timeout this command runs it and waits for the box.
      const waits = local !== null && timeoutS !== null;
      if (local && waits) {
        const status = await local.ocpp.start(await csmsOptions(ctx, local, [identity]));
        ctx.output.err(t(ctx, 'cli.csms.waiting', { identity }));
        for (const address of status.urls) ctx.output.err(`  ${address}`);
        try {
          await local.ocpp.csms.waitFor(identity, { timeoutMs: (timeoutS ?? 0) * 1000, booted: true });
        } catch (error) {
          // Not there in time: the network checks still run, the box's say they were not seen.
          if (!(error instanceof AppError)) throw error;
        }
      }
      try {
        const report = await call(core, 'preflight.run', { identity, url, language: ctx.language });
        failed = report.results.some((r) => r.status === 'fail');
        print(ctx, report, () => {
          for (const r of report.results) {
            const status = t(ctx, `preflight.status.${r.status}`);
            ctx.output.out(t(ctx, 'cli.preflight.line', { status, name: r.name, detail: r.detail }));
            if (r.remedy) ctx.output.out(t(ctx, 'cli.preflight.remedy', { remedy: r.remedy }));
          }
          if (report.runId !== null) ctx.output.out(t(ctx, 'cli.preflight.stored', { run: report.runId }));
          // Nobody listened for the box: say how to let it answer, rather than leave "not connected" alone.
          if (local && !waits && report.results.some((r) => r.outcome === 'notSeen'))
            ctx.output.out(t(ctx, 'preflight.review.noCsms', { identity }));
        });
      } finally {
        if (local && waits) await local.ocpp.stop();
      }
    });
    return code !== 0 ? code : failed ? 1 : 0;
  },
};
