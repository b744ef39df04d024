// Opens the drivers that are data, not code: a Modbus box through its register map (RTU on a serial
// port, or TCP), and a service console through its profile; open-driver.ts hands these over to here.
import { AppError } from '../api/errors.ts';
import { ConsoleDriver } from './console/console-driver.ts';
import { loadConsoleProfile } from './console/console-profile.ts';
import { modbusRtuFactory, modbusTcpFactory } from './modbus/modbus-station.ts';
import type { StationDriver } from './station-driver.ts';

export interface MappedTarget {
  serial?: string | undefined;
  baudRate?: number | undefined;
  /** Modbus TCP, HOST[:PORT]. */
  modbusTcp?: string | undefined;
  /** A register map (name or file): Modbus RTU on `serial`, or TCP on `modbusTcp`. */
  map?: string | undefined;
  slaveId?: number | undefined;
  /** A console profile (name or file) on `serial`. */
  profile?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  timeoutMs?: number | undefined;
}

export function isMappedTarget(target: MappedTarget): boolean {
  return Boolean(target.modbusTcp || target.map || target.profile);
}

export async function openMappedDriver(target: MappedTarget): Promise<StationDriver> {
  const options: Record<string, string | number> = {};
  if (target.map) options.map = target.map;
  if (target.slaveId !== undefined) options.slaveId = target.slaveId;
  if (target.timeoutMs !== undefined) options.timeoutMs = target.timeoutMs;
  if (target.baudRate !== undefined) options.baud = target.baudRate;
  if (target.profile) {
    if (!target.serial)
      throw new AppError('MODBUS_TARGET_INVALID', { target: '--profile', detail: '--serial PATH' });
    const profile = loadConsoleProfile(target.profile);
    const serial = target.baudRate ? { ...profile.serial, baudRate: target.baudRate } : profile.serial;
    return ConsoleDriver.open(
      { ...profile, serial },
      target.serial,
      target.user && target.password ? { user: target.user, password: target.password } : undefined,
    );
  }
  if (!target.map)
    throw new AppError('MODBUS_TARGET_INVALID', { target: target.modbusTcp ?? '?', detail: '--map NAME' });
  if (target.modbusTcp) return modbusTcpFactory.open(target.modbusTcp, options);
  if (target.serial) return modbusRtuFactory.open(target.serial, options);
  throw new AppError('MODBUS_TARGET_INVALID', {
    target: target.map,
    detail: '--serial PATH | --modbus-tcp HOST[:PORT]',
  });
}
