// `wbc simulate`: one or many simulated wallboxes that dial a CSMS, for training and for support to
// reproduce a case. Needs no data folder; prints what each box does until Ctrl+C.
import { AppError } from '../api/errors.ts';
import type { SimOcppVersion, SimStation } from '../simulator/station.ts';
import { type Command, t, usage } from './context.ts';

export const simulateCommand: Command = {
  name: 'simulate',
  usage: 'simulate --ocpp 1.6|2.0.1 --url URL --identity ID [--count N]',
  summaryKey: 'cli.simulate.summary',
  async run(ctx) {
    const { ocpp, url, identity } = ctx.options;
    const count = ctx.options.count === undefined ? 1 : Number(ctx.options.count);
    if (
      (ocpp !== '1.6' && ocpp !== '2.0.1') ||
      !url ||
      !identity ||
      !Number.isInteger(count) ||
      count < 1 ||
      count > 1000
    ) {
      return usage(
        ctx,
        'simulate --ocpp 1.6|2.0.1 --url ws://HOST:PORT/PATH --identity ID [--count 1..1000]',
      );
    }
    const { createSimStation } = await import('../simulator/station.ts');
    const width = String(count).length;
    const stations: SimStation[] = [];
    for (let i = 1; i <= count; i++) {
      const id = count === 1 ? identity : `${identity}-${String(i).padStart(Math.max(width, 3), '0')}`;
      try {
        const station = createSimStation({
          ocppVersion: ocpp as SimOcppVersion,
          endpoint: url,
          identity: id,
          ...(ctx.options.password ? { password: ctx.options.password } : {}),
          log: (line) => {
            if (ctx.output.json) ctx.output.out(JSON.stringify({ identity: id, event: line }));
            else ctx.output.out(`${id}: ${line}`);
          },
        });
        stations.push(station);
      } catch (error) {
        throw new AppError('BAD_REQUEST', { detail: error instanceof Error ? error.message : String(error) });
      }
    }
    if (!ctx.output.json) ctx.output.err(t(ctx, 'cli.simulate.started', { count, url }));
    // Not awaited one by one: a box keeps dialling until the CSMS is there, as a real one does.
    for (const station of stations) void station.start().catch(() => undefined);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await Promise.all(stations.map((s) => s.stop()));
    return 0;
  },
};
