// A box on Modbus seen through its register map: named settings read and written (the range checked
// before anything goes on the wire, the value read back after), and identify/status from the map's roles.
import { AppError } from '../../api/errors.ts';
import type { ModbusLink } from './modbus-link.ts';
import {
  decodeValue,
  describeValue,
  encodeValue,
  findSetting,
  type MapSetting,
  type RegisterMap,
  registerCount,
} from './register-map.ts';

export interface SettingReading {
  name: string;
  value: number | string;
  text: string;
  unit?: string;
  meaning: string;
}

export interface ModbusIdentity {
  map: string;
  vendor: string;
  model: string;
  target: string;
  slaveId: number;
  firmware?: string;
  state?: string;
  currentsA?: number[];
  energy?: string;
  /** Roles the box did not answer (exception or no register): said, not guessed. */
  unread: string[];
}

export interface WriteOutcome {
  name: string;
  before: number | string;
  after: number | string;
  /** The value read back equals what was written (within the register's resolution). */
  confirmed: boolean;
}

export class ModbusDriver {
  constructor(
    readonly link: ModbusLink,
    readonly map: RegisterMap,
    readonly slaveId: number = map.bus.slaveId,
  ) {}

  private idFor(setting: MapSetting): number {
    return setting.slaveId ?? this.slaveId;
  }

  async readRaw(setting: MapSetting): Promise<number[]> {
    return this.link.read(setting.function, this.idFor(setting), setting.register, registerCount(setting));
  }

  async read(name: string): Promise<SettingReading> {
    const setting = findSetting(this.map, name);
    const value = decodeValue(setting, await this.readRaw(setting));
    return {
      name,
      value,
      text: describeValue(setting, value),
      ...(setting.unit ? { unit: setting.unit } : {}),
      meaning: setting.meaning,
    };
  }

  async readAll(): Promise<Array<SettingReading | { name: string; error: AppError }>> {
    const out: Array<SettingReading | { name: string; error: AppError }> = [];
    for (const setting of this.map.settings) {
      try {
        out.push(await this.read(setting.name));
      } catch (error) {
        if (!(error instanceof AppError) || !isPerRegister(error)) throw error;
        out.push({ name: setting.name, error });
      }
    }
    return out;
  }

  /**
   * Writes one named setting: refused before the wire when read-only or out of the map's range; the old
   * value is read first (for the audit) and the new one read back afterwards.
   */
  async write(name: string, value: number): Promise<WriteOutcome> {
    const setting = findSetting(this.map, name);
    encodeValue(setting, value);
    const before = decodeValue(setting, await this.readRaw(setting));
    await this.writeValue(setting, value);
    const after = decodeValue(setting, await this.readRaw(setting));
    const resolution =
      setting.type === 'float32' || setting.type === 'float64' ? 1e-3 : (setting.scale ?? 1) / 2;
    const confirmed = typeof after === 'number' && Math.abs(after - value) <= resolution;
    return { name, before, after, confirmed };
  }

  /** Only the write (range checked first), no reads around it: the StationDriver port's contract. */
  async writeValue(setting: MapSetting, value: number): Promise<void> {
    const words = encodeValue(setting, value);
    const id = this.idFor(setting);
    if (setting.function === 'coil') await this.link.writeCoil(id, setting.register, words[0] === 1);
    else await this.link.writeRegisters(id, setting.register, words);
  }

  /** Who the box is and what it does, from the map's roles; a role the box does not answer is listed. */
  async identify(): Promise<ModbusIdentity> {
    const { roles } = this.map;
    const unread: string[] = [];
    const text = async (role: string, settingName: string | undefined) => {
      if (!settingName) return undefined;
      try {
        return (await this.read(settingName)).text;
      } catch (error) {
        if (error instanceof AppError && isPerRegister(error)) {
          unread.push(role);
          return undefined;
        }
        throw error;
      }
    };
    const firmware = await text('firmware', roles.firmware);
    const state = await text('state', roles.state);
    const energy = await text('energy', roles.energy);
    const currentsA: number[] = [];
    for (const name of roles.currents ?? []) {
      try {
        const reading = await this.read(name);
        if (typeof reading.value === 'number') currentsA.push(reading.value);
      } catch (error) {
        if (!(error instanceof AppError && isPerRegister(error))) throw error;
        unread.push(name);
      }
    }
    return {
      map: this.map.name,
      vendor: this.map.vendor,
      model: this.map.model,
      target: this.link.label,
      slaveId: this.slaveId,
      ...(firmware !== undefined ? { firmware } : {}),
      ...(state !== undefined ? { state } : {}),
      ...(currentsA.length > 0 ? { currentsA } : {}),
      ...(energy !== undefined ? { energy } : {}),
      unread,
    };
  }
}

/** Errors about one register (the box lacks it or refuses it), after which the next register may still work. */
export function isPerRegister(error: AppError): boolean {
  return ['MODBUS_ILLEGAL_ADDRESS', 'MODBUS_ILLEGAL_FUNCTION', 'MODBUS_DEVICE_FAILURE'].includes(error.code);
}
