// The drivers api (drivers.*): the serial ports with their adapters, identifying a box politely (reads
// only), and a driver-backed commissioning run, merged into main/api/handlers.ts like the readers' api.
import type { Handlers, Router } from '../api/router.ts';
import { runDriverCommissioning } from '../commissioning/driver-run.ts';
import type { RunStore } from '../commissioning/run-store.ts';
import { summary } from '../commissioning/run-store.ts';
import { driverCatalog } from './catalog.ts';
import { openDriver } from './open-driver.ts';
import { listSerialPorts } from './serial/port-list.ts';
import type {
  DriverCapability,
  LiveStatus,
  SettingReading,
  SettingSpec,
  StationDriver,
  StationIdentity,
} from './station-driver.ts';

export type { DriverCatalog } from './catalog.ts';

export type DriverMethod = 'drivers.ports' | 'drivers.catalog' | 'drivers.identify' | 'drivers.commission';

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
  runs: RunStore;
  events: () => Router;
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
  return {
    'drivers.ports': () => listSerialPorts(),
    'drivers.catalog': () => driverCatalog(),
    'drivers.identify': async (p) => {
      const driver = await open(p);
      try {
        return await identifyBox(driver);
      } finally {
        await driver.close();
      }
    },
    'drivers.commission': async (p, ctx) => {
      const driver = await open(p);
      try {
        return await runDriverCommissioning(deps.runs, {
          actor: ctx.actor,
          identity: p.identity,
          template: p.template,
          driver,
          keepOnFailure: p.keepOnFailure,
          onChange: (run) => deps.events().emit('commissioning.changed', summary(run)),
        });
      } finally {
        await driver.close();
      }
    },
  };
}
