// `wbc simulate`: one or many simulated wallboxes that dial a CSMS, for training and for support to
// reproduce a case. Needs no data folder; prints what each box does until Ctrl+C; "tap UID" lines on
// stdin hold a card to a box's reader.
import { createInterface } from 'node:readline';
import { AppError } from '../api/errors.ts';
import type { SimOcppVersion, SimStation, SimUidFormat } from '../simulator/station.ts';
import { passwordFromFileOrEnv } from './commands-ocpp.ts';
import { type CliContext, type Command, t, usage } from './context.ts';

/** One stdin line: "tap [IDENTITY] UID" holds the card to that box (the first one when not named). */
async function tapLine(ctx: CliContext, stations: SimStation[], line: string): Promise<void> {
  const words = line.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'tap' || words.length < 2) {
    if (line.trim() !== '')
      ctx.output.err(t(ctx, 'cli.simulate.badLine', { line: line.trim().slice(0, 80) }));
    return;
  }
  const named = stations.find((s) => s.identity === words[1]);
  const station = named ?? stations[0];
  const uid = words.slice(named ? 2 : 1).join(' ');
  if (!station || uid === '') {
    ctx.output.err(t(ctx, 'cli.simulate.badLine', { line: line.trim().slice(0, 80) }));
    return;
  }
  try {
    const outcome = await station.tap(uid);
    if (ctx.output.json)
      ctx.output.out(JSON.stringify({ identity: station.identity, event: 'tap', ...outcome }));
    else
      ctx.output.out(
        t(ctx, 'cli.simulate.tapped', {
          identity: station.identity,
          idTag: outcome.idTag,
          status: outcome.status,
          by: t(ctx, `cli.simulate.by.${outcome.answeredBy}`),
        }),
      );
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    ctx.output.err(t(ctx, 'cli.simulate.tapFailed', { identity: station.identity, detail }));
  }
}

export const simulateCommand: Command = {
  name: 'simulate',
  usage:
    'simulate --ocpp 1.6|2.0.1 --url URL --identity ID [--count N] [--password-file F] [--uid-format PRESET]',
  summaryKey: 'cli.simulate.summary',
  options: ['ocpp', 'url', 'identity', 'count', 'password-file', 'uid-format'],
  subcommands: [
    {
      name: 'openevse',
      usage: 'simulate openevse --serial PATH [--port P]',
      summaryKey: 'cli.simulate.openevse',
      options: ['serial', 'port'],
    },
    {
      name: 'modbus',
      usage: 'simulate modbus --map NAME [--port P] [--serial PATH] [--id N]',
      summaryKey: 'modbus.simulate.summary',
      options: ['map', 'port', 'serial', 'id'],
    },
  ],
  async run(ctx) {
    if (ctx.args[0] === 'modbus') {
      const { simulateModbus } = await import('./simulate-modbus.ts');
      return simulateModbus(ctx);
    }
    if (ctx.args[0] === 'openevse') {
      const { simulateOpenEvse } = await import('./simulate-openevse.ts');
      return simulateOpenEvse(ctx);
    }
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
        'simulate --ocpp 1.6|2.0.1 --url ws://HOST:PORT/PATH --identity ID [--count 1..1000] [--uid-format PRESET]',
      );
    }
    // A password on the command line is visible to every user of the machine (ps): a file or WBC_SIM_PASSWORD.
    if (ctx.options.password !== undefined)
      throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.simulate.passwordOnCommandLine') });
    const password = passwordFromFileOrEnv(ctx, 'WBC_SIM_PASSWORD');
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
          ...(password ? { password } : {}),
          ...(ctx.options['uid-format'] ? { uidFormat: ctx.options['uid-format'] as SimUidFormat } : {}),
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
    if (!ctx.output.json) {
      ctx.output.err(t(ctx, 'cli.simulate.started', { count, url }));
      ctx.output.err(t(ctx, 'cli.simulate.tapHelp'));
    }
    // Not awaited one by one: a box keeps dialling until the CSMS is there, as a real one does.
    for (const station of stations) void station.start().catch(() => undefined);
    // The end of stdin (a script, </dev/null) does not stop the boxes: only Ctrl+C or SIGTERM does.
    const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => void tapLine(ctx, stations, line));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    lines.close();
    await Promise.all(stations.map((s) => s.stop()));
    return 0;
  },
};
