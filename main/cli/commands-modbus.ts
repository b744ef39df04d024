// `wbc modbus scan|read|write|identify|maps`: a box on RS485 (RTU) or the LAN (TCP) from the terminal,
// through the same register maps and range checks as the commissioning run. Needs no data folder.
import { readdirSync } from 'node:fs';
import { AppError } from '../api/errors.ts';
import { parseIdList, scanBus } from '../drivers/modbus/bus-scan.ts';
import { ModbusDriver } from '../drivers/modbus/modbus-driver.ts';
import { type ModbusLink, type ModbusTarget, openModbusLink } from '../drivers/modbus/modbus-link.ts';
import { parseTcpAddress } from '../drivers/modbus/modbus-station.ts';
import {
  decodeValue,
  describeValue,
  loadRegisterMap,
  type RegisterFunction,
  type RegisterMap,
  registerCount,
  registerFunctions,
  shippedMapsDir,
} from '../drivers/modbus/register-map.ts';
import { openMappedDriver } from '../drivers/open-mapped-driver.ts';
import type { StationDriver } from '../drivers/station-driver.ts';
import { passwordFromFileOrEnv } from './commands-ocpp.ts';
import { type CliContext, type Command, print, t, usage } from './context.ts';
import { printTable } from './output.ts';

/** The options these commands add to wbc's parser (spread into its table in wbc.ts). */
export const modbusCliOptions = {
  tcp: { type: 'string' },
  'modbus-tcp': { type: 'string' },
  profile: { type: 'string' },
  map: { type: 'string' },
  id: { type: 'string' },
  ids: { type: 'string' },
  register: { type: 'string' },
  function: { type: 'string' },
  setting: { type: 'string' },
  value: { type: 'string' },
  parity: { type: 'string' },
} as const;

type Options = Partial<
  Record<keyof typeof modbusCliOptions | 'serial' | 'baud' | 'timeout' | 'count', string>
>;
const opts = (ctx: CliContext) => ctx.options as unknown as Options;

/** What `wbc identify` and `wbc commission` take besides --serial/--http for a mapped driver. */
export const mappedDriverOptions = ['modbus-tcp', 'map', 'id', 'profile'];

/**
 * The mapped driver (Modbus map over --serial or --modbus-tcp, console profile over --serial) named on the
 * command line, opened; undefined when none is named. A console login's password from a file or WBC_BOX_PASSWORD.
 */
export function mappedTarget(ctx: CliContext): Promise<StationDriver> | undefined {
  const o = opts(ctx);
  if (!o['modbus-tcp'] && !o.map && !o.profile) return undefined;
  const baud = o.baud === undefined ? undefined : Number(o.baud);
  return openMappedDriver({
    serial: o.serial,
    modbusTcp: o['modbus-tcp'],
    map: o.map,
    profile: o.profile,
    slaveId: intOption(ctx, 'id', 0, 255),
    ...(baud !== undefined && Number.isInteger(baud) ? { baudRate: baud } : {}),
    user: ctx.options.user,
    password: o.profile && ctx.options.user ? passwordFromFileOrEnv(ctx, 'WBC_BOX_PASSWORD') : undefined,
  });
}

const targetUsage = '--serial PATH [--baud N] [--parity none|even|odd] | --tcp HOST[:PORT]';

function intOption(ctx: CliContext, name: keyof Options, min: number, max: number): number | undefined {
  const text = opts(ctx)[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new AppError('MODBUS_TARGET_INVALID', {
      target: `--${name} ${text.slice(0, 20)}`,
      detail: `${min}..${max}`,
    });
  return n;
}

function mapOption(ctx: CliContext, required: boolean): RegisterMap | undefined {
  const name = opts(ctx).map;
  if (name === undefined) {
    if (required) usage(ctx, 'modbus ... --map NAME|FILE');
    return undefined;
  }
  return loadRegisterMap(name);
}

function target(ctx: CliContext, map: RegisterMap | undefined, command: string): ModbusTarget {
  const o = opts(ctx);
  if ((o.serial === undefined) === (o.tcp === undefined)) usage(ctx, `${command} ${targetUsage}`);
  if (o.tcp !== undefined) return parseTcpAddress(o.tcp, map?.bus.tcp?.port ?? 502);
  const rtu = map?.bus.rtu ?? { baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 };
  const parity = o.parity ?? rtu.parity;
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd')
    usage(ctx, `${command} --parity none|even|odd`);
  return {
    kind: 'rtu',
    path: o.serial ?? '',
    baudRate: intOption(ctx, 'baud', 300, 921600) ?? rtu.baudRate,
    dataBits: rtu.dataBits,
    parity: parity as 'none' | 'even' | 'odd',
    stopBits: rtu.stopBits,
  };
}

function timeoutMs(ctx: CliContext, fallback: number): number {
  const text = opts(ctx).timeout;
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0.02 || seconds > 60)
    usage(ctx, 'modbus ... --timeout 0.02..60 (seconds)');
  return Math.round(seconds * 1000);
}

async function withLink(to: ModbusTarget, timeout: number, fn: (link: ModbusLink) => Promise<void>) {
  const link = await openModbusLink(to, { timeoutMs: timeout });
  try {
    await fn(link);
  } finally {
    await link.close();
  }
  return 0;
}

async function scan(ctx: CliContext): Promise<number> {
  const map = mapOption(ctx, false);
  const to = target(ctx, map, 'modbus scan');
  const ids = parseIdList(opts(ctx).ids ?? '1-247');
  if (!ids) return usage(ctx, 'modbus scan --ids 1-247 (for example 1-10,200)');
  const probeName = map?.roles.state ?? map?.settings[0]?.name;
  const probeSetting = map?.settings.find((s) => s.name === probeName);
  const probe = probeSetting
    ? { fn: probeSetting.function, register: probeSetting.register }
    : { fn: 'holding' as const, register: 0 };
  const timeout = timeoutMs(ctx, 200);
  return withLink(to, timeout, async (link) => {
    if (!ctx.output.json)
      ctx.output.err(
        t(ctx, 'modbus.cli.scanning', {
          target: link.label,
          count: ids.length,
          seconds: ((ids.length * timeout) / 1000).toFixed(1),
        }),
      );
    const hits = await scanBus(link, { ids, probe, timeoutMs: timeout });
    print(ctx, { target: link.label, probe, hits }, () => {
      if (hits.length === 0) ctx.output.out(t(ctx, 'modbus.cli.scanNone'));
      else
        printTable(
          ctx.output,
          hits.map((h) => ({ ...h, outcome: t(ctx, `modbus.cli.outcome.${h.outcome}`) })),
          ['slaveId', 'outcome', 'detail'],
        );
    });
  });
}

async function read(ctx: CliContext): Promise<number> {
  const map = mapOption(ctx, false);
  const to = target(ctx, map, 'modbus read');
  const o = opts(ctx);
  const slaveId = intOption(ctx, 'id', 0, 255) ?? map?.bus.slaveId ?? 1;
  const timeout = timeoutMs(ctx, 1000);
  // By name through the map, or a raw range decoded by the map where entries fall inside it.
  if (o.setting !== undefined) {
    if (!map) return usage(ctx, 'modbus read --setting NAME --map NAME|FILE');
    return withLink(to, timeout, async (link) => {
      const reading = await new ModbusDriver(link, map, slaveId).read(o.setting ?? '');
      print(ctx, reading, () => ctx.output.out(`${reading.name} = ${reading.text}  (${reading.meaning})`));
    });
  }
  const fn = (o.function ?? 'holding') as RegisterFunction;
  if (!registerFunctions.includes(fn))
    return usage(ctx, 'modbus read --function holding|input|coil|discrete');
  const start = intOption(ctx, 'register', 0, 65535);
  if (start === undefined)
    return usage(ctx, `modbus read ${targetUsage} --register N [--count N] [--map NAME]`);
  const count = intOption(ctx, 'count', 1, 125) ?? 1;
  if (start + count > 65536) return usage(ctx, 'modbus read --register N --count N (up to 65535)');
  return withLink(to, timeout, async (link) => {
    const words = await link.read(fn, slaveId, start, count);
    const rows = words.map((w, i) => ({
      register: start + i,
      value: w,
      hex: `0x${w.toString(16).padStart(4, '0')}`,
      name: '',
      decoded: '',
    }));
    for (const s of map?.settings ?? []) {
      if (s.function !== fn || (s.slaveId ?? map?.bus.slaveId) !== slaveId) continue;
      const offset = s.register - start;
      if (offset < 0 || offset + registerCount(s) > count) continue;
      const row = rows[offset];
      if (!row) continue;
      row.name = s.name;
      row.decoded = describeValue(s, decodeValue(s, words.slice(offset, offset + registerCount(s))));
    }
    print(ctx, { target: link.label, slaveId, function: fn, registers: rows }, () =>
      printTable(ctx.output, rows, ['register', 'value', 'hex', 'name', 'decoded']),
    );
  });
}

async function write(ctx: CliContext): Promise<number> {
  const map = mapOption(ctx, true) as RegisterMap;
  const o = opts(ctx);
  if (o.setting === undefined || o.value === undefined)
    return usage(ctx, `modbus write ${targetUsage} --map NAME --setting NAME --value V [--id N]`);
  const value = Number(o.value);
  const setting = map.settings.find((s) => s.name === o.setting);
  if (
    setting?.type === 'bool'
      ? !['0', '1'].includes(o.value)
      : !Number.isFinite(value) || o.value.trim() === ''
  )
    throw new AppError('MODBUS_VALUE_OUT_OF_RANGE', {
      name: o.setting,
      value: o.value.slice(0, 40),
      min: setting?.range?.min ?? '',
      max: setting?.range?.max ?? '',
      unit: setting?.unit ?? '',
      also: (setting?.alsoAllowed ?? []).join(', ') || '-',
    });
  const to = target(ctx, map, 'modbus write');
  const slaveId = intOption(ctx, 'id', 0, 255) ?? map.bus.slaveId;
  return withLink(to, timeoutMs(ctx, 1000), async (link) => {
    const outcome = await new ModbusDriver(link, map, slaveId).write(o.setting ?? '', value);
    print(ctx, outcome, () =>
      ctx.output.out(
        t(ctx, outcome.confirmed ? 'modbus.cli.written' : 'modbus.cli.writtenNotConfirmed', {
          name: outcome.name,
          before: String(outcome.before),
          after: String(outcome.after),
          unit: setting?.unit ?? '',
        }),
      ),
    );
  });
}

async function identify(ctx: CliContext): Promise<number> {
  const map = mapOption(ctx, true) as RegisterMap;
  const to = target(ctx, map, 'modbus identify');
  const slaveId = intOption(ctx, 'id', 0, 255) ?? map.bus.slaveId;
  return withLink(to, timeoutMs(ctx, 1000), async (link) => {
    const who = await new ModbusDriver(link, map, slaveId).identify();
    print(ctx, who, () => {
      for (const [key, value] of Object.entries(who)) {
        const text = Array.isArray(value) ? value.join(', ') : String(value);
        if (text !== '') ctx.output.out(`${key.padEnd(10)} ${text}`);
      }
    });
  });
}

function maps(ctx: CliContext): number {
  const rows = readdirSync(shippedMapsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const map = loadRegisterMap(f.replace(/\.json$/, ''));
      return { name: map.name, vendor: map.vendor, model: map.model, document: `${map.source.version}` };
    });
  print(ctx, rows, () => printTable(ctx.output, rows, ['name', 'vendor', 'model', 'document']));
  return 0;
}

const commonTarget = ['serial', 'tcp', 'baud', 'parity', 'timeout'];

export const modbusCommand: Command = {
  name: 'modbus',
  usage: 'modbus scan|read|write|identify|maps ...',
  summaryKey: 'modbus.cli.summary',
  subcommands: [
    {
      name: 'scan',
      usage: `modbus scan ${targetUsage} [--ids 1-247] [--map NAME] [--timeout S]`,
      summaryKey: 'modbus.cli.scan',
      options: [...commonTarget, 'ids', 'map'],
    },
    {
      name: 'read',
      usage: `modbus read ${targetUsage} [--id N] (--register N [--count N] [--function F] | --setting NAME) [--map NAME]`,
      summaryKey: 'modbus.cli.read',
      options: [...commonTarget, 'id', 'register', 'count', 'function', 'setting', 'map'],
    },
    {
      name: 'write',
      usage: `modbus write ${targetUsage} --map NAME --setting NAME --value V [--id N]`,
      summaryKey: 'modbus.cli.write',
      options: [...commonTarget, 'id', 'map', 'setting', 'value'],
    },
    {
      name: 'identify',
      usage: `modbus identify ${targetUsage} --map NAME [--id N]`,
      summaryKey: 'modbus.cli.identify',
      options: [...commonTarget, 'id', 'map'],
    },
    { name: 'maps', usage: 'modbus maps', summaryKey: 'modbus.cli.maps' },
  ],
  async run(ctx) {
    const [action] = ctx.args;
    if (action === 'scan') return scan(ctx);
    if (action === 'read') return read(ctx);
    if (action === 'write') return write(ctx);
    if (action === 'identify') return identify(ctx);
    if (action === 'maps') return maps(ctx);
    return usage(ctx, 'modbus scan|read|write|identify|maps');
  },
};
