// `wbc serial list|term`, `wbc identify --serial|--http` and the driver side of `wbc commission`: boxes on
// a USB cable or their own HTTP API, through the same commissioning run as OCPP boxes.
import { errorText } from '../../locales/translate.ts';
import { AppError, type ErrorCode } from '../api/errors.ts';
import { rollbackLine } from '../commissioning/rollback-text.ts';
import { loadTemplateFile } from '../commissioning/template.ts';
import type { RunDetail, RunSummary } from '../commissioning/types.ts';
import { identifyBox } from '../drivers/api-handlers.ts';
import { openDriver } from '../drivers/open-driver.ts';
import { configuredPortLister } from '../drivers/serial/port-folder.ts';
import { listSerialPorts } from '../drivers/serial/port-list.ts';
import type { StationDriver } from '../drivers/station-driver.ts';
import { mappedDriverOptions, mappedTarget } from './commands-modbus.ts';
import { passwordFromFileOrEnv } from './commands-ocpp.ts';
import { type CliContext, type Command, print, t, usage, withApi } from './context.ts';
import { serialTerminal } from './serial-term.ts';

export const driverOptions = [
  'serial',
  'driver',
  'http',
  'baud',
  'user',
  'password-file',
  ...mappedDriverOptions,
];

async function driverFor(ctx: CliContext): Promise<StationDriver> {
  const { serial, http } = ctx.options;
  const mapped = mappedTarget(ctx);
  if (mapped) return mapped;
  if (!serial && !http)
    return usage(ctx, 'identify --serial PATH [--http ADDRESS] [--driver openevse]') as never;
  const baud = ctx.options.baud === undefined ? undefined : Number(ctx.options.baud);
  if (baud !== undefined && (!Number.isInteger(baud) || baud < 300 || baud > 4_000_000))
    return usage(ctx, 'identify --serial PATH [--baud N]') as never;
  return openDriver({
    driver: ctx.options.driver,
    serial,
    http,
    baudRate: baud,
    httpUser: ctx.options.user,
    // The box's web password: from a file or WBC_BOX_PASSWORD, never on the command line.
    httpPassword: http ? passwordFromFileOrEnv(ctx, 'WBC_BOX_PASSWORD') : undefined,
  });
}

const serialCommand: Command = {
  name: 'serial',
  usage: 'serial list [--watch] | serial term PATH [--baud N] [--rapi] [--out FILE]',
  summaryKey: 'cli.serial.summary',
  subcommands: [
    { name: 'list', usage: 'serial list [--watch]', summaryKey: 'cli.help.serial.list', options: ['watch'] },
    {
      name: 'term',
      usage: 'serial term PATH [--baud N] [--rapi] [--out FILE]',
      summaryKey: 'cli.help.serial.term',
      options: ['baud', 'rapi', 'out'],
    },
  ],
  async run(ctx) {
    if (ctx.args[0] === 'list') {
      const lister = configuredPortLister();
      const ports = await listSerialPorts(lister);
      print(ctx, ports, () => {
        if (ports.length === 0) ctx.output.out(t(ctx, 'cli.serial.none'));
        for (const p of ports) {
          const ids = p.vendorId ? `${p.vendorId}:${p.productId ?? '????'}` : '';
          ctx.output.out(
            [
              p.path.padEnd(16),
              ids.padEnd(10),
              (p.adapter ?? '').padEnd(24),
              p.manufacturer ?? '',
              p.serialNumber ?? '',
            ]
              .join(' ')
              .trimEnd(),
          );
        }
      });
      if (!ctx.options.watch) return 0;
      const { watchSerialPorts } = await import('../drivers/serial/port-list.ts');
      await new Promise<void>((resolve) => {
        const stop = watchSerialPorts(
          (change) => {
            for (const p of change.added)
              ctx.output.out(t(ctx, 'cli.serial.added', { path: p.path, adapter: p.adapter ?? '' }));
            for (const p of change.removed) ctx.output.out(t(ctx, 'cli.serial.removed', { path: p.path }));
          },
          { lister },
        );
        process.once('SIGINT', () => {
          stop();
          resolve();
        });
      });
      return 0;
    }
    if (ctx.args[0] === 'term' && ctx.args[1]) return serialTerminal(ctx, ctx.args[1]);
    return usage(ctx, 'serial list [--watch] | serial term PATH [--baud N] [--rapi] [--out FILE]');
  },
};

const identifyCommand: Command = {
  name: 'identify',
  usage: 'identify --serial PATH [--http ADDRESS] [--driver openevse] [--baud N]',
  summaryKey: 'cli.identify.summary',
  options: driverOptions,
  async run(ctx) {
    const driver = await driverFor(ctx);
    try {
      const seen = await identifyBox(driver);
      const { station, settings, values, status } = seen;
      print(ctx, seen, () => {
        ctx.output.out(
          t(ctx, 'cli.identify.box', {
            vendor: station.vendor ?? '?',
            firmware: station.firmware ?? '?',
            protocol: station.protocol,
            address: station.address,
          }),
        );
        if (station.serialNumber)
          ctx.output.out(t(ctx, 'cli.identify.serial', { serial: station.serialNumber }));
        if (status) ctx.output.out(t(ctx, 'cli.identify.state', { state: status.state, raw: status.raw }));
        ctx.output.out(t(ctx, 'cli.identify.capabilities', { list: [...driver.capabilities].join(', ') }));
        for (const spec of settings) {
          const value = values.find((v) => v.name === spec.name)?.value;
          const range = spec.range ? ` [${spec.range.min}..${spec.range.max}]` : '';
          const shown = spec.secret || value === undefined || value === null ? '-' : String(value);
          ctx.output.out(
            `  ${spec.name.padEnd(24)} ${`${shown}${spec.unit ? ` ${spec.unit}` : ''}`.padEnd(36)} ${spec.access}${range}`,
          );
        }
      });
    } finally {
      await driver.close();
    }
    return 0;
  },
};

/** `wbc commission --serial PATH | --http ADDRESS --template FILE`: one driver-backed run, in this process. */
export async function commissionOverDriver(ctx: CliContext): Promise<number> {
  if (!ctx.options.template)
    return usage(ctx, 'commission --serial PATH [--http ADDRESS] --driver openevse --template FILE');
  const template = loadTemplateFile(ctx.options.template);
  if (ctx.options.http && !ctx.options.identity)
    return usage(ctx, 'commission --serial PATH --http ADDRESS --identity ID --template FILE');
  let exit = 1;
  const code = await withApi(ctx, async (core) => {
    // The port is opened here: a core running elsewhere cannot reach this process's cable.
    if (!core.local) throw new AppError('CORE_BUSY_ELSEWHERE', { dataDir: core.dataDir });
    const local = core.local;
    const driver = await driverFor(ctx);
    const actor = local.context('cli').actor;
    // The same run as the app's: the service drives it, Ctrl+C (or SIGTERM) cancels it between writes and
    // puts back what was written; a write on the wire is waited for.
    const started = local.commissioning.startDriver(actor, {
      identity:
        ctx.options.identity ??
        defaultIdentity(
          driver.name,
          ctx.options.serial ?? ctx.options.http ?? ctx.options['modbus-tcp'] ?? '',
        ),
      template,
      driver,
      keepOnFailure: ctx.options['keep-on-failure'] === true,
    });
    const step = (r: RunSummary) => {
      if (ctx.output.json || r.id !== started.id) return;
      ctx.output.err(
        t(ctx, 'cli.commission.step', {
          identity: r.identity,
          step: t(ctx, `run.step.${r.step}`),
          status: t(ctx, `run.status.${r.status}`),
        }),
      );
    };
    const cancel = () => {
      local.commissioning.cancel(actor, started.id);
    };
    local.commissioning.on('run', step);
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    let run: RunDetail;
    try {
      run = await local.commissioning.settled(started.id);
    } finally {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      local.commissioning.off('run', step);
    }
    printDriverRun(ctx, run);
    exit = run.status === 'left-not-confirmed' ? 0 : 1;
  });
  return code === 0 ? exit : code;
}

/** A name for a box with no OCPP identity yet, shaped like one (no ':', '/' or spaces): `openevse-rapi-ttyUSB0`. */
export function defaultIdentity(driver: string, address: string): string {
  const place = address.split(/[\\/]/).filter(Boolean).at(-1) ?? 'box';
  return `${driver}-${place}`.replace(/[:/\s]+/g, '-').slice(0, 48);
}

function printDriverRun(ctx: CliContext, run: RunDetail): void {
  print(ctx, run, () => {
    const state = run.state.driver;
    const plan = state?.plan;
    for (const write of plan?.writes ?? []) {
      const back = state?.readBack[write.key];
      ctx.output.out(
        `  ${write.key.padEnd(24)} ${write.secret ? '***' : (write.from ?? '-')} -> ${write.secret ? '***' : write.to}  ${run.state.results[write.key] ?? ''}${back !== undefined && back !== null ? ` (read back ${back})` : ''}`,
      );
    }
    for (const note of plan?.notes ?? [])
      ctx.output.out(`  ${errorText(ctx.language, note.code as ErrorCode, note.params).message}`);
    for (const entry of run.state.rollback?.entries ?? []) {
      const line = rollbackLine(entry);
      ctx.output.out(`  ${t(ctx, line.key, line.params)}`);
    }
    if (run.status === 'left-not-confirmed')
      ctx.output.out(t(ctx, 'cli.commission.driverDone', { identity: run.identity }));
    else if (run.error)
      ctx.output.out(errorText(ctx.language, run.error.code as ErrorCode, run.error.params).message);
  });
}

export const serialCommands: Command[] = [serialCommand, identifyCommand];
