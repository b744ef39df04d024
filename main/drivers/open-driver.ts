// Picks and opens the driver for a box from what the technician named: a serial path, an HTTP address,
// or both (a whole OpenEVSE: controller over RAPI, WiFi module over HTTP).
import { AppError } from '../api/errors.ts';
import { CombinedDriver } from './combined-driver.ts';
import { isMappedTarget, type MappedTarget, openMappedDriver } from './open-mapped-driver.ts';
import { OpenEvseHttpDriver } from './openevse/http-driver.ts';
import { OpenEvseRapiDriver } from './openevse/rapi-driver.ts';
import type { StationDriver } from './station-driver.ts';

export const serialDriverNames = ['openevse'] as const;

export interface DriverTarget extends MappedTarget {
  driver?: string | undefined;
  serial?: string | undefined;
  baudRate?: number | undefined;
  http?: string | undefined;
  httpUser?: string | undefined;
  httpPassword?: string | undefined;
  timeoutMs?: number | undefined;
}

export async function openDriver(target: DriverTarget): Promise<StationDriver> {
  // Modbus maps and console profiles (h-modbus).
  if (isMappedTarget(target)) return openMappedDriver(target);
  const name = target.driver ?? 'openevse';
  if (!(serialDriverNames as readonly string[]).includes(name))
    throw new AppError('DRIVER_UNKNOWN', { name, known: serialDriverNames.join(', ') });
  const parts: StationDriver[] = [];
  if (target.serial) {
    parts.push(
      await OpenEvseRapiDriver.open(target.serial, {
        ...(target.baudRate ? { baudRate: target.baudRate } : {}),
        ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
      }),
    );
  }
  if (target.http) {
    parts.push(
      new OpenEvseHttpDriver(target.http, {
        ...(target.httpUser ? { username: target.httpUser } : {}),
        ...(target.httpPassword ? { password: target.httpPassword } : {}),
        ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
      }),
    );
  }
  if (parts.length === 0) throw new AppError('DRIVER_UNKNOWN', { name, known: serialDriverNames.join(', ') });
  return parts.length === 1 ? (parts[0] as StationDriver) : new CombinedDriver(parts);
}
