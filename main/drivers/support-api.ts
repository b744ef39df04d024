// The support tools' api (modbus.readRange, modbus.writeRegister, serial.*): the register browser and the
// raw serial terminal of the Connect page and `wbc serial term`, merged into main/api/handlers.ts.
import { AppError } from '../api/errors.ts';
import type { Handlers } from '../api/router.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { loadConsoleProfile } from './console/console-profile.ts';
import { type ModbusTarget, targetLabel } from './modbus/modbus-link.ts';
import { parseTcpAddress } from './modbus/modbus-station.ts';
import { readRange, writeMapped } from './modbus/register-browser.ts';
import { loadRegisterMap, type RegisterMap } from './modbus/register-map.ts';
import { placeIdentity, type TerminalSessions, type TerminalTraceSink } from './serial/terminal-session.ts';

export type SupportMethod =
  | 'modbus.readRange'
  | 'modbus.writeRegister'
  | 'serial.open'
  | 'serial.send'
  | 'serial.close'
  | 'serial.sessions';

/** Where a Modbus box is, as the api takes it: a serial adapter with bus settings, or HOST[:PORT]. */
export interface ModbusTargetInput {
  serial?: string | undefined;
  tcp?: string | undefined;
  baudRate?: number | undefined;
  dataBits?: 7 | 8 | undefined;
  parity?: 'none' | 'even' | 'odd' | undefined;
  stopBits?: 1 | 2 | undefined;
}

/** The link target; bus settings not given come from the map, else 19200 8E1 (the common RS485 default). */
export function modbusTargetOf(input: ModbusTargetInput, map: RegisterMap | undefined): ModbusTarget {
  if (input.tcp !== undefined) return parseTcpAddress(input.tcp, map?.bus.tcp?.port ?? 502);
  const rtu = map?.bus.rtu ?? { baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 };
  return {
    kind: 'rtu',
    path: input.serial ?? '',
    baudRate: input.baudRate ?? rtu.baudRate,
    dataBits: input.dataBits ?? rtu.dataBits,
    parity: input.parity ?? rtu.parity,
    stopBits: input.stopBits ?? rtu.stopBits,
  };
}

export interface SupportHandlerDeps {
  store: Store;
  terminals: TerminalSessions;
  /** Where each read and write of the register browser is recorded (the trace). */
  trace: Pick<TerminalTraceSink, 'event'>;
}

/** The trace identity of a Modbus target: `modbus-192.168.1.20-502`, `modbus-ttyUSB0` (no ':' or '/'). */
export function modbusIdentity(target: ModbusTarget): string {
  return placeIdentity('modbus', target.kind === 'tcp' ? `${target.host}-${target.port}` : target.path);
}

/** Runs one browser operation and records it in the trace, with its outcome or its error code. */
async function traced<T>(
  deps: SupportHandlerDeps,
  target: ModbusTarget,
  kind: 'modbus-read' | 'modbus-write',
  asked: Record<string, unknown>,
  work: () => Promise<T>,
  seen: (result: T) => Record<string, unknown>,
): Promise<T> {
  // The place in words travels with each frame: the trace view names the target by it.
  const place = targetLabel(target);
  try {
    const result = await work();
    deps.trace.event(modbusIdentity(target), kind, { place, ...asked, ...seen(result) });
    return result;
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'INTERNAL';
    deps.trace.event(modbusIdentity(target), kind, { place, ...asked, error: code });
    throw error;
  }
}

export function supportHandlers(deps: SupportHandlerDeps): Pick<Handlers, SupportMethod> {
  return {
    'modbus.readRange': (p) => {
      const map = p.map === undefined ? undefined : loadRegisterMap(p.map);
      const target = modbusTargetOf(p, map);
      const asked = { slaveId: p.slaveId, function: p.function, address: p.address, count: p.count };
      return traced(
        deps,
        target,
        'modbus-read',
        asked,
        () => readRange({ target, ...asked, timeoutMs: p.timeoutMs }, map),
        (read) => ({ words: read.registers.map((r) => r.hex).join(' ') }),
      );
    },
    'modbus.writeRegister': async (p, ctx) => {
      const map = loadRegisterMap(p.map);
      const target = modbusTargetOf(p, map);
      const outcome = await traced(
        deps,
        target,
        'modbus-write',
        { map: map.name, slaveId: p.slaveId, setting: p.setting, value: p.value },
        () =>
          writeMapped(
            { target, slaveId: p.slaveId, setting: p.setting, value: p.value, timeoutMs: p.timeoutMs },
            map,
          ),
        (o) => ({ register: o.address, before: o.before, after: o.after, confirmed: o.confirmed }),
      );
      deps.store.write(() =>
        recordAudit(deps.store, {
          actor: ctx.actor,
          action: 'modbus.write',
          entity: 'modbus',
          entityId: `${outcome.target}#${outcome.slaveId}`,
          before: { map: map.name, name: outcome.name, register: outcome.address, value: outcome.before },
          after: {
            map: map.name,
            name: outcome.name,
            register: outcome.address,
            value: outcome.after,
            confirmed: outcome.confirmed,
          },
        }),
      );
      return outcome;
    },
    'serial.open': (p) =>
      deps.terminals.open({
        path: p.path,
        baudRate: p.baudRate,
        dataBits: p.dataBits,
        parity: p.parity,
        stopBits: p.stopBits,
        profile: p.profile === undefined ? undefined : loadConsoleProfile(p.profile),
      }),
    'serial.send': (p) => deps.terminals.get(p.session).send(p),
    'serial.close': async (p) => {
      await deps.terminals.close(p.session);
      return { closed: true };
    },
    'serial.sessions': () => deps.terminals.list(),
  };
}
