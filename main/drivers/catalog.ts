// The shipped register maps and console profiles by name, vendor and model, so the Connect page and
// the api offer what the tool knows how to speak without the technician typing a file name.
import { readdirSync } from 'node:fs';
import { loadConsoleProfile, shippedProfilesDir } from './console/console-profile.ts';
import { loadRegisterMap, shippedMapsDir } from './modbus/register-map.ts';

export interface CatalogEntry {
  name: string;
  vendor: string;
  model: string;
}

export interface DriverCatalog {
  maps: Array<CatalogEntry & { document: string; tcpPort: number | null }>;
  profiles: CatalogEntry[];
}

const namesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => f.replace(/\.json$/, ''));

export function driverCatalog(): DriverCatalog {
  return {
    maps: namesIn(shippedMapsDir).map((n) => {
      const map = loadRegisterMap(n);
      return {
        name: map.name,
        vendor: map.vendor,
        model: map.model,
        document: map.source.version,
        tcpPort: map.bus.tcp?.port ?? null,
      };
    }),
    profiles: namesIn(shippedProfilesDir).map((n) => {
      const profile = loadConsoleProfile(n);
      return { name: profile.name, vendor: profile.vendor, model: profile.model };
    }),
  };
}
