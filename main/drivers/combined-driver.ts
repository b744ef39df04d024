// One box reached two ways as one driver: an OpenEVSE's controller over RAPI (currents) and its WiFi
// module over HTTP (OCPP endpoint), so a single run plans, writes and reads back the whole box.
import { AppError } from '../api/errors.ts';
import type {
  DriverCapability,
  LiveStatus,
  SettingReading,
  SettingSpec,
  SettingValue,
  StationDriver,
  StationIdentity,
  WriteOptions,
} from './station-driver.ts';

export class CombinedDriver implements StationDriver {
  readonly name: string;
  readonly capabilities: ReadonlySet<DriverCapability>;
  readonly #parts: readonly StationDriver[];

  /** The first part is the main one: it identifies the box, reboots it and gives its live status. */
  constructor(parts: readonly StationDriver[]) {
    if (parts.length === 0) throw new AppError('DRIVER_UNKNOWN', { name: '(none)', known: '' });
    this.#parts = parts;
    this.name = parts.map((p) => p.name).join('+');
    this.capabilities = new Set(parts.flatMap((p) => [...p.capabilities]));
  }

  #owner(name: string): StationDriver {
    const owner = this.#parts.find((p) => p.describeSettings().some((s) => s.name === name));
    if (!owner) throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: this.name, name });
    return owner;
  }

  #main(): StationDriver {
    return this.#parts[0] as StationDriver;
  }

  describeSettings(): readonly SettingSpec[] {
    const seen = new Set<string>();
    return this.#parts.flatMap((p) =>
      p.describeSettings().filter((s) => !seen.has(s.name) && seen.add(s.name)),
    );
  }

  async identify(): Promise<StationIdentity> {
    const [main, ...rest] = await Promise.all(this.#parts.map((p) => p.identify()));
    const first = main as StationIdentity;
    const details = { ...first.details };
    for (const other of rest) {
      for (const [key, value] of Object.entries(other.details)) details[`${other.driver}.${key}`] = value;
    }
    return {
      ...first,
      driver: this.name,
      protocol: [first.protocol, ...rest.map((r) => r.protocol)].join(' + '),
      address: [first.address, ...rest.map((r) => r.address)].join(' + '),
      details,
    };
  }

  async readSettings(names?: readonly string[]): Promise<SettingReading[]> {
    const wanted = names ?? this.describeSettings().map((s) => s.name);
    const readings: SettingReading[] = [];
    for (const name of wanted) readings.push(...(await this.#owner(name).readSettings([name])));
    return readings;
  }

  writeSetting(name: string, value: SettingValue, options?: WriteOptions): Promise<void> {
    return this.#owner(name).writeSetting(name, value, options);
  }

  async reboot(): Promise<void> {
    const main = this.#main();
    if (!main.reboot)
      throw new AppError('DRIVER_CAPABILITY_MISSING', { driver: this.name, capability: 'reboot' });
    await main.reboot();
  }

  async readStatus(): Promise<LiveStatus> {
    const part = this.#parts.find((p) => p.readStatus);
    if (!part?.readStatus)
      throw new AppError('DRIVER_CAPABILITY_MISSING', { driver: this.name, capability: 'live-status' });
    return part.readStatus();
  }

  async close(): Promise<void> {
    await Promise.all(this.#parts.map((p) => p.close()));
  }
}
