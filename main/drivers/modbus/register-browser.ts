// The support tool's Modbus register browser: any range of registers or bits read raw (hex and decimal) and
// decoded by a register map where its entries fall inside; a write only as a map setting, range-checked first.
import { AppError } from '../../api/errors.ts';
import { ModbusDriver } from './modbus-driver.ts';
import { type ModbusTarget, openModbusLink } from './modbus-link.ts';
import {
  decodeValue,
  describeValue,
  encodeValue,
  findSetting,
  type RegisterFunction,
  type RegisterMap,
  registerCount,
} from './register-map.ts';

/** Modbus's own limits per request: 125 registers (FC 03/04), 2000 bits (FC 01/02). */
export const maxRangeCount: Record<RegisterFunction, number> = {
  holding: 125,
  input: 125,
  coil: 2000,
  discrete: 2000,
};

export interface RangeRequest {
  target: ModbusTarget;
  slaveId: number;
  function: RegisterFunction;
  address: number;
  count: number;
  /** How long the box may take to answer (default 1000 ms). */
  timeoutMs?: number | undefined;
}

export interface RawRegister {
  address: number;
  /** The word (0..65535) or the bit (0/1). */
  value: number;
  hex: string;
}

export interface DecodedEntry {
  name: string;
  address: number;
  count: number;
  type: string;
  value: number | string;
  text: string;
  unit: string | null;
  meaning: string;
  access: 'r' | 'rw';
  range: { min: number; max: number } | null;
}

export interface RangeReading {
  target: string;
  slaveId: number;
  function: RegisterFunction;
  address: number;
  registers: RawRegister[];
  /** Map entries wholly inside the range, on this slave and function; empty without a map. */
  decoded: DecodedEntry[];
  map: string | null;
}

/** Refuses a range Modbus cannot carry in one request, before the wire. */
export function checkRange(fn: RegisterFunction, address: number, count: number): void {
  const max = maxRangeCount[fn];
  if (!Number.isInteger(count) || count < 1 || count > max || address + count > 65536)
    throw new AppError('MODBUS_RANGE_TOO_LARGE', { count, max, address, fn });
}

/** The map's entries found in raw words read from `address` on, decoded. */
export function decodeRange(
  map: RegisterMap,
  slaveId: number,
  fn: RegisterFunction,
  address: number,
  words: number[],
): DecodedEntry[] {
  const out: DecodedEntry[] = [];
  for (const s of map.settings) {
    if (s.function !== fn || (s.slaveId ?? map.bus.slaveId) !== slaveId) continue;
    const offset = s.register - address;
    const count = registerCount(s);
    if (offset < 0 || offset + count > words.length) continue;
    const value = decodeValue(s, words.slice(offset, offset + count));
    out.push({
      name: s.name,
      address: s.register,
      count,
      type: s.type,
      value,
      text: describeValue(s, value),
      unit: s.unit ?? null,
      meaning: s.meaning,
      access: s.access,
      range: s.range ?? null,
    });
  }
  return out;
}

/** One read of a range; each failure is the link's typed error (exceptions 01/02/03/06, no answer, CRC). */
export async function readRange(request: RangeRequest, map?: RegisterMap): Promise<RangeReading> {
  checkRange(request.function, request.address, request.count);
  const link = await openModbusLink(request.target, { timeoutMs: request.timeoutMs ?? 1000 });
  try {
    const words = await link.read(request.function, request.slaveId, request.address, request.count);
    const width = request.function === 'coil' || request.function === 'discrete' ? 1 : 4;
    return {
      target: link.label,
      slaveId: request.slaveId,
      function: request.function,
      address: request.address,
      registers: words.map((value, i) => ({
        address: request.address + i,
        value,
        hex: `0x${value.toString(16).toUpperCase().padStart(width, '0')}`,
      })),
      decoded: map ? decodeRange(map, request.slaveId, request.function, request.address, words) : [],
      map: map?.name ?? null,
    };
  } finally {
    await link.close();
  }
}

export interface MappedWrite {
  target: ModbusTarget;
  slaveId: number;
  setting: string;
  value: number;
  timeoutMs?: number | undefined;
}

export interface MappedWriteOutcome {
  target: string;
  slaveId: number;
  name: string;
  address: number;
  before: number | string;
  after: number | string;
  unit: string | null;
  confirmed: boolean;
}

/**
 * Writes one map setting through the driver's checked path: read-only and out-of-range values are refused
 * before the link is even opened; the old value is read first and the new one read back.
 */
export async function writeMapped(request: MappedWrite, map: RegisterMap): Promise<MappedWriteOutcome> {
  const setting = findSetting(map, request.setting);
  const slaveId = setting.slaveId ?? request.slaveId;
  // The same check the driver makes, before a connection exists: nothing reaches the box.
  encodeValue(setting, request.value);
  const link = await openModbusLink(request.target, { timeoutMs: request.timeoutMs ?? 1000 });
  try {
    const outcome = await new ModbusDriver(link, map, request.slaveId).write(setting.name, request.value);
    return {
      target: link.label,
      slaveId,
      name: outcome.name,
      address: setting.register,
      before: outcome.before,
      after: outcome.after,
      unit: setting.unit ?? null,
      confirmed: outcome.confirmed,
    };
  } finally {
    await link.close();
  }
}
