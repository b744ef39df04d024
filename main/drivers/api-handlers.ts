// The drivers api (drivers.*): the serial ports with their adapters, identifying a box politely (reads
// only), and a driver-backed commissioning run, merged into main/api/handlers.ts like the readers' api.
import type { ValidParamsOf } from '../api/contract.ts';
import type { Handlers, Router } from '../api/router.ts';
import type { CommissioningService } from '../commissioning/service.ts';
import { driverCatalog } from './catalog.ts';
import { openDriver } from './open-driver.ts';
import { listSerialPorts, osPortLister, type PortLister } from './serial/port-list.ts';
import type {
  DriverCapability,
  LiveStatus,
  SettingReading,
  SettingSpec,
  StationDriver,
  StationIdentity,
} from './station-driver.ts';

export type { DriverCatalog } from './catalog.ts';

export type DriverMethod =
  | 'drivers.ports'
  | 'drivers.catalog'
  | 'drivers.identify'
  | 'drivers.start'
  | 'drivers.commission';

/** What `drivers.identify` tells: the box, what it can do, its settings and their values (secrets: null). */
export interface DriverIdentification {
  station: StationIdentity;
  capabilities: DriverCapability[];
  settings: readonly SettingSpec[];
  values: SettingReading[];
  status: LiveStatus | null;
}

/** Reads only: who the box is, what it can do, every readable setting and its live state. */
export async function identifyBox(driver: StationDriver): Promise<DriverIdentification> {
  const station = await driver.identify();
  const settings = driver.describeSettings();
  const values = await driver.readSettings(
    settings.filter((s) => s.access !== 'write-only').map((s) => s.name),
  );
  const status = driver.readStatus ? await driver.readStatus() : null;
  return { station, capabilities: [...driver.capabilities], settings, values, status };
}

export interface DriverHandlerDeps {
  commissioning: CommissioningService;
  events: () => Router;
  /** Where the port list comes from (the OS; tests and `WBC_SERIAL_DIR` add a folder of links). */
  ports?: PortLister;
}

interface Target {
  driver?: string | undefined;
  serial?: string | undefined;
  http?: string | undefined;
  baudRate?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  modbusTcp?: string | undefined;
  map?: string | undefined;
  slaveId?: number | undefined;
  profile?: string | undefined;
}

const open = (p: Target) =>
  openDriver({
    driver: p.driver,
    serial: p.serial,
    http: p.http,
    baudRate: p.baudRate,
    httpUser: p.user,
    httpPassword: p.password,
    modbusTcp: p.modbusTcp,
    map: p.map,
    slaveId: p.slaveId,
    profile: p.profile,
    user: p.user,
    password: p.password,
  });

export function driverHandlers(deps: DriverHandlerDeps): Pick<Handlers, DriverMethod> {
  // Opened first, so a missing or busy port is the call's own error; the run then moves on by itself.
  const start = async (p: ValidParamsOf<'drivers.start'>, actor: string) =>
    deps.commissioning.startDriver(actor, {
      identity: p.identity,
      template: p.template,
      driver: await open(p),
      keepOnFailure: p.keepOnFailure,
    });
  return {
    'drivers.ports': () => listSerialPorts(deps.ports ?? osPortLister),
    'drivers.catalog': () => driverCatalog(),
    'drivers.identify': async (p) => {
      const driver = await open(p);
      try {
        return await identifyBox(driver);
      } finally {
        await driver.close();
      }
    },
    'drivers.start': (p, ctx) => start(p, ctx.actor),
    'drivers.commission': async (p, ctx) => deps.commissioning.settled((await start(p, ctx.actor)).id),
  };
}
