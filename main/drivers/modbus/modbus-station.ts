// A Modbus box behind the StationDriver port: the map's entries become setting specs (its roles become
// current.installation / current.failsafe), so the commissioning run plans, checks and writes them like any box.
import { AppError } from '../../api/errors.ts';
import { checkSettingWrite } from '../setting-check.ts';
import {
  type DriverCapability,
  type DriverFactory,
  type LiveStatus,
  type SettingReading,
  type SettingSpec,
  type StationDriver,
  wellKnownSettings,
} from '../station-driver.ts';
import { ModbusDriver } from './modbus-driver.ts';
import { type ModbusTarget, openModbusLink } from './modbus-link.ts';
import { loadRegisterMap, type MapSetting, type RegisterMap } from './register-map.ts';

function specName(map: RegisterMap, setting: MapSetting): string {
  if (map.roles.installationCurrent === setting.name) return wellKnownSettings.currentInstallation;
  if (map.roles.failsafeCurrent === setting.name) return wellKnownSettings.currentFailsafe;
  return `modbus.${setting.name}`;
}

function toSpec(map: RegisterMap, s: MapSetting): SettingSpec {
  const integer = ['u16', 's16', 'u32', 's32'].includes(s.type) && (s.scale ?? 1) >= 1;
  const type: SettingSpec['type'] =
    s.type === 'bool' ? 'boolean' : s.type === 'string' ? 'string' : integer ? 'integer' : 'number';
  const bounds = s.range ? [s.range.min, s.range.max, ...(s.alsoAllowed ?? [])] : [];
  return {
    name: specName(map, s),
    type,
    unit: s.unit ?? null,
    ...(s.range
      ? {
          range: {
            min: Math.min(...bounds),
            max: Math.max(...bounds),
            ...(s.scale && s.type !== 'float32' && s.type !== 'float64' ? { step: s.scale } : {}),
          },
        }
      : {}),
    ...(s.type === 'string' ? { maxLength: (s.length ?? 1) * 2 } : {}),
    access: s.access === 'rw' ? 'read-write' : 'read',
    meaning: s.meaning,
  };
}

export class ModbusStationDriver implements StationDriver {
  readonly name: string;
  readonly capabilities: ReadonlySet<DriverCapability>;
  private readonly specs: SettingSpec[];

  constructor(readonly driver: ModbusDriver) {
    const { map } = driver;
    this.name = `modbus:${map.name}`;
    this.specs = map.settings.map((s) => toSpec(map, s));
    const caps: DriverCapability[] = ['identify', 'read-settings'];
    if (map.settings.some((s) => s.access === 'rw')) caps.push('write-settings');
    if (map.roles.installationCurrent || map.roles.failsafeCurrent) caps.push('set-current-limits');
    if (map.roles.state) caps.push('live-status');
    this.capabilities = new Set(caps);
  }

  private entry(name: string): MapSetting {
    const { map } = this.driver;
    const found = map.settings.find((s) => specName(map, s) === name);
    if (!found) throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: this.name, name });
    return found;
  }

  describeSettings(): readonly SettingSpec[] {
    return this.specs;
  }

  async identify() {
    const { map, link } = this.driver;
    const found = await this.driver.identify();
    const details: Record<string, string> = { slaveId: String(found.slaveId), map: map.name };
    if (found.state) details.state = found.state;
    if (found.energy) details.energy = found.energy;
    if (found.unread.length > 0) details.unread = found.unread.join(', ');
    return {
      driver: this.name,
      vendor: map.vendor,
      model: map.model,
      firmware: found.firmware ?? null,
      serialNumber: null,
      protocol: link.target.kind === 'tcp' ? 'Modbus TCP' : 'Modbus RTU',
      address: link.label,
      details,
    };
  }

  async readSettings(names?: readonly string[]): Promise<SettingReading[]> {
    const wanted = names ?? this.specs.map((s) => s.name);
    const out: SettingReading[] = [];
    for (const name of wanted) {
      const reading = await this.driver.read(this.entry(name).name);
      out.push({ name, value: reading.value });
    }
    return out;
  }

  async writeSetting(name: string, raw: string | number | boolean, options: { signal?: AbortSignal } = {}) {
    const { value } = checkSettingWrite(this, name, raw);
    if (options.signal?.aborted) throw new AppError('CANCELLED', {});
    const entry = this.entry(name);
    const number = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    // The map's own check (values allowed beside the range, such as 0 A = off) runs before the wire too.
    await this.driver.writeValue(entry, number);
  }

  async readStatus(): Promise<LiveStatus> {
    const { map } = this.driver;
    const stateName = map.roles.state;
    if (!stateName)
      throw new AppError('DRIVER_CAPABILITY_MISSING', { driver: this.name, capability: 'live-status' });
    const state = await this.driver.read(stateName);
    const status: LiveStatus = {
      at: new Date().toISOString(),
      state: map.roles.stateKinds?.[String(state.value)] ?? 'unknown',
      raw: state.text,
    };
    const currents: number[] = [];
    for (const name of map.roles.currents ?? []) {
      const reading = await this.driver.read(name);
      if (typeof reading.value === 'number') currents.push(reading.value);
    }
    if (currents.length > 0) status.currentA = Math.max(...currents);
    return status;
  }

  close(): Promise<void> {
    return this.driver.link.close();
  }
}

/** "HOST[:PORT]" as a TCP target; the map's port (else 502) when none is given. */
export function parseTcpAddress(address: string, defaultPort = 502): ModbusTarget {
  const m = /^\[?([^\]\s]+?)\]?(?::(\d{1,5}))?$/.exec(address.trim());
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (!m?.[1] || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError('MODBUS_TARGET_INVALID', { target: address.slice(0, 80), detail: 'HOST[:PORT]' });
  return { kind: 'tcp', host: m[1], port };
}

type OpenOptions = Record<string, string | number | boolean>;

async function openStation(target: ModbusTarget, map: RegisterMap, options: OpenOptions) {
  const slaveId = options.slaveId === undefined ? map.bus.slaveId : Number(options.slaveId);
  const timeoutMs = options.timeoutMs === undefined ? 1000 : Number(options.timeoutMs);
  const link = await openModbusLink(target, { timeoutMs });
  return new ModbusStationDriver(new ModbusDriver(link, map, slaveId));
}

/** Modbus TCP: address HOST[:PORT]; options map (name or file), slaveId, timeoutMs. */
export const modbusTcpFactory: DriverFactory = {
  name: 'modbus-tcp',
  transport: 'tcp',
  async open(address, options = {}) {
    const map = loadRegisterMap(String(options.map ?? ''));
    return openStation(parseTcpAddress(address, map.bus.tcp?.port ?? 502), map, options);
  },
};

/** Modbus RTU on a serial adapter: address the port path; bus settings from the map unless given. */
export const modbusRtuFactory: DriverFactory = {
  name: 'modbus-rtu',
  transport: 'serial',
  async open(address, options = {}) {
    const map = loadRegisterMap(String(options.map ?? ''));
    const rtu = map.bus.rtu ?? { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
    const target: ModbusTarget = {
      kind: 'rtu',
      path: address,
      baudRate: options.baud === undefined ? rtu.baudRate : Number(options.baud),
      dataBits: rtu.dataBits,
      parity: (options.parity as 'none' | 'even' | 'odd' | undefined) ?? rtu.parity,
      stopBits: rtu.stopBits,
    };
    return openStation(target, map, options);
  },
};
