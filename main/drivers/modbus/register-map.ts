// A box's Modbus register map as data (docs/register-maps.md): validated on load, every fault named by
// the entry it sits in, and the one place that turns register words into values and back.
import { z } from 'zod';
import { AppError } from '../../api/errors.ts';
import { type DataFileKind, loadDataFile, parseDataFile, shippedDir } from '../data-file.ts';

export const registerFunctions = ['holding', 'input', 'coil', 'discrete'] as const;
export type RegisterFunction = (typeof registerFunctions)[number];
export const valueTypes = [
  'u16',
  's16',
  'u32',
  's32',
  'float32',
  'u64',
  's64',
  'float64',
  'string',
  'bool',
] as const;
export type ValueType = (typeof valueTypes)[number];

/** Types spread over several registers, whose word order a map may name. */
const wordTypes: Partial<Record<ValueType, number>> = {
  u32: 2,
  s32: 2,
  float32: 2,
  u64: 4,
  s64: 4,
  float64: 4,
};

const name = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'lower case letters, digits and _ (1..48)');

const settingSchema = z.strictObject({
  name,
  register: z.number().int().min(0).max(65535),
  function: z.enum(registerFunctions),
  type: z.enum(valueTypes),
  /** 32- and 64-bit values: which register holds the highest word (low-first: the lowest word first). */
  wordOrder: z.enum(['high-first', 'low-first']).optional(),
  /** string: how many registers (two characters each). */
  length: z.number().int().min(1).max(123).optional(),
  scale: z.number().positive().finite().optional(),
  unit: z.string().max(16).optional(),
  range: z.strictObject({ min: z.number().finite(), max: z.number().finite() }).optional(),
  /** Values allowed outside the range (0 = "off" next to 6..16 A). */
  alsoAllowed: z.array(z.number().finite()).max(16).optional(),
  access: z.enum(['r', 'rw']),
  meaning: z.string().min(1).max(400),
  /** Names for raw values (states). */
  values: z.record(z.string().regex(/^-?\d+$/), z.string().min(1).max(120)).optional(),
  /** Another slave id for this entry (Alfen: station registers on 200, socket registers on 1). */
  slaveId: z.number().int().min(0).max(255).optional(),
});

const roles = ['state', 'firmware', 'energy', 'installationCurrent', 'failsafeCurrent'] as const;

const mapSchema = z.strictObject({
  format: z.literal('wbc-modbus-map/1'),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower case letters, digits and - (1..48)'),
  vendor: z.string().min(1).max(80),
  model: z.string().min(1).max(80),
  source: z.strictObject({
    document: z.string().min(1).max(200),
    version: z.string().min(1).max(80),
    checkedAgainst: z.string().min(1).max(400),
    notChecked: z.string().max(400).optional(),
  }),
  bus: z.strictObject({
    slaveId: z.number().int().min(0).max(255),
    rtu: z
      .strictObject({
        baudRate: z.number().int().min(300).max(921600),
        dataBits: z.union([z.literal(7), z.literal(8)]),
        parity: z.enum(['none', 'even', 'odd']),
        stopBits: z.union([z.literal(1), z.literal(2)]),
      })
      .optional(),
    tcp: z.strictObject({ port: z.number().int().min(1).max(65535) }).optional(),
  }),
  roles: z
    .strictObject({
      state: name.optional(),
      firmware: name.optional(),
      energy: name.optional(),
      installationCurrent: name.optional(),
      failsafeCurrent: name.optional(),
      currents: z.array(name).max(3).optional(),
      /** The state setting's raw values as the run's live states (ready, connected, charging, ...). */
      stateKinds: z
        .record(
          z.string().regex(/^-?\d+$/),
          z.enum(['ready', 'connected', 'charging', 'disabled', 'sleeping', 'error', 'booting', 'unknown']),
        )
        .optional(),
    })
    .default({}),
  settings: z.array(settingSchema).min(1).max(500),
});

export type MapSetting = z.output<typeof settingSchema>;
export type RegisterMap = z.output<typeof mapSchema>;
export type BusSettings = RegisterMap['bus'];

/** How many registers (or bits) an entry spans. */
export function registerCount(setting: MapSetting): number {
  if (setting.type === 'string') return setting.length ?? 1;
  return wordTypes[setting.type] ?? 1;
}

/** 64-bit integers are numbers here: exact up to 2^53, so a writable range must stay inside that. */
const exactLimit = Number.MAX_SAFE_INTEGER;

/** What the schema cannot say: one entry per name, bits on bit functions, sane ranges, known roles. */
function meaningIssues(map: RegisterMap): Array<{ path: PropertyKey[]; issue: string }> {
  const issues: Array<{ path: PropertyKey[]; issue: string }> = [];
  const seen = new Set<string>();
  map.settings.forEach((s, i) => {
    const at = (field: string, issue: string) => issues.push({ path: ['settings', i, field], issue });
    if (seen.has(s.name)) at('name', `"${s.name}" is named twice`);
    seen.add(s.name);
    const bits = s.function === 'coil' || s.function === 'discrete';
    if (bits !== (s.type === 'bool')) at('type', 'coil and discrete take type bool, registers never do');
    if ((s.function === 'input' || s.function === 'discrete') && s.access === 'rw')
      at('access', `${s.function} ${bits ? 'inputs' : 'registers'} are read-only in Modbus`);
    if (s.register + registerCount(s) > 65536) at('register', 'the entry runs past register 65535');
    if (s.type === 'string' && s.length === undefined) at('length', 'a string needs its length in registers');
    if (s.type !== 'string' && s.length !== undefined) at('length', 'only strings have a length');
    if (s.wordOrder && wordTypes[s.type] === undefined)
      at('wordOrder', 'only 32- and 64-bit types have a word order');
    if (s.range && (s.type === 'u64' || s.type === 's64')) {
      const scale = s.scale ?? 1;
      if (Math.max(Math.abs(s.range.min), Math.abs(s.range.max)) / scale > exactLimit)
        at('range', 'a 64-bit range must stay within ±2^53 raw (9007199254740991), the exact integers');
      if (s.type === 'u64' && s.range.min < 0) at('range', 'an unsigned type cannot hold a value below 0');
    }
    if (s.range && s.range.min > s.range.max) at('range', 'min is above max');
    if (s.type === 'string' && s.access === 'rw') at('access', 'strings are read-only in this tool');
    if (s.access === 'rw' && !s.range && s.type !== 'bool' && s.type !== 'string')
      at('range', 'a writable number needs its allowed range, so nothing out of range is ever written');
  });
  for (const role of roles) {
    const target = map.roles[role];
    if (target && !seen.has(target)) issues.push({ path: ['roles', role], issue: `no setting "${target}"` });
  }
  (map.roles.currents ?? []).forEach((target, i) => {
    if (!seen.has(target)) issues.push({ path: ['roles', 'currents', i], issue: `no setting "${target}"` });
  });
  return issues;
}

const mapFile: DataFileKind<RegisterMap> = {
  schema: mapSchema,
  meaning: meaningIssues,
  invalid: 'MODBUS_MAP_INVALID',
  notFound: 'MODBUS_MAP_NOT_FOUND',
  notFoundParam: 'map',
  folder: 'modbus-maps',
};

/** Validates a parsed map; `file` names it in the error. */
export function parseRegisterMap(data: unknown, file: string): RegisterMap {
  return parseDataFile(mapFile, data, file);
}

export const shippedMapsDir = shippedDir('modbus-maps');

/** A shipped map by name (resources/modbus-maps/NAME.json) or a map file by path. */
export function loadRegisterMap(nameOrPath: string): RegisterMap {
  return loadDataFile(mapFile, nameOrPath);
}

export function findSetting(map: RegisterMap, settingName: string): MapSetting {
  const found = map.settings.find((s) => s.name === settingName);
  if (!found)
    throw new AppError('MODBUS_SETTING_UNKNOWN', {
      name: settingName.slice(0, 60),
      map: map.name,
      known: map.settings.map((s) => s.name).join(', '),
    });
  return found;
}

/** The value's bytes big-endian (highest word first), whatever order the box keeps its words in. */
function bigEndianBytes(setting: MapSetting, words: number[]): Buffer {
  const count = registerCount(setting);
  const ordered = Array.from({ length: count }, (_, i) => words[i] ?? 0);
  if (setting.wordOrder === 'low-first') ordered.reverse();
  const bytes = Buffer.alloc(count * 2);
  ordered.forEach((w, i) => {
    bytes.writeUInt16BE(w & 0xffff, i * 2);
  });
  return bytes;
}

/** The box's words for big-endian bytes, in the map's word order. */
function wordsOf(setting: MapSetting, bytes: Buffer): number[] {
  const words = Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readUInt16BE(i * 2));
  return setting.wordOrder === 'low-first' ? words.reverse() : words;
}

/** A 64-bit integer past 2^53 as exact decimal text, the scale applied by moving the point (0.1, 0.001). */
function exactText(raw: bigint, scale: number): string | number {
  const digits = -Math.log10(scale);
  if (!Number.isInteger(digits) || digits < 0) return Number(raw) * scale;
  const negative = raw < 0n;
  const text = (negative ? -raw : raw).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}`;
}

/** The value a user reads: raw words decoded by type, word order and scale. */
export function decodeValue(setting: MapSetting, words: number[]): number | string {
  if (setting.type === 'string') {
    const bytes = Buffer.alloc(words.length * 2);
    words.forEach((w, i) => {
      bytes.writeUInt16BE(w & 0xffff, i * 2);
    });
    const end = bytes.indexOf(0);
    return bytes
      .subarray(0, end === -1 ? bytes.length : end)
      .toString('latin1')
      .trim();
  }
  let raw: number;
  const word = words[0] ?? 0;
  const bytes = () => bigEndianBytes(setting, words);
  if (setting.type === 'u16' || setting.type === 'bool') raw = word & 0xffff;
  else if (setting.type === 's16') raw = (word << 16) >> 16;
  else if (setting.type === 'u32') raw = bytes().readUInt32BE(0);
  else if (setting.type === 's32') raw = bytes().readInt32BE(0);
  else if (setting.type === 'float32') raw = bytes().readFloatBE(0);
  else if (setting.type === 'float64') raw = bytes().readDoubleBE(0);
  else {
    const big = setting.type === 'u64' ? bytes().readBigUInt64BE(0) : bytes().readBigInt64BE(0);
    if (big > BigInt(exactLimit) || big < -BigInt(exactLimit)) return exactText(big, setting.scale ?? 1);
    raw = Number(big);
  }
  const scaled = raw * (setting.scale ?? 1);
  if (setting.type === 'float32' || setting.type === 'float64') return scaled;
  // 261 * 0.1 is 26.100000000000001 in binary: keep the digits the scale has.
  const digits = Math.max(0, -Math.floor(Math.log10(setting.scale ?? 1)));
  return Number(scaled.toFixed(Math.min(digits, 6)));
}

function outOfRange(setting: MapSetting, value: number): AppError {
  return new AppError('MODBUS_VALUE_OUT_OF_RANGE', {
    name: setting.name,
    value: String(value),
    min: setting.range?.min ?? '',
    max: setting.range?.max ?? '',
    unit: setting.unit ?? '',
    also: (setting.alsoAllowed ?? []).join(', ') || '-',
  });
}

/** The raw words for a value: refused (typed) when the map's range does not allow it. */
export function encodeValue(setting: MapSetting, value: number): number[] {
  if (setting.access !== 'rw') throw new AppError('MODBUS_SETTING_READ_ONLY', { name: setting.name });
  const allowed =
    Number.isFinite(value) &&
    ((setting.range ? value >= setting.range.min && value <= setting.range.max : true) ||
      (setting.alsoAllowed ?? []).includes(value));
  if (!allowed) throw outOfRange(setting, value);
  if (setting.type === 'bool') return [value ? 1 : 0];
  const float = setting.type === 'float32' || setting.type === 'float64';
  const raw = float ? value / (setting.scale ?? 1) : Math.round(value / (setting.scale ?? 1));
  if (setting.type === 'u16' || setting.type === 's16') return [raw & 0xffff];
  const bytes = Buffer.alloc(registerCount(setting) * 2);
  if (setting.type === 'float32') bytes.writeFloatBE(raw);
  else if (setting.type === 'float64') bytes.writeDoubleBE(raw);
  else if (setting.type === 'u32' || setting.type === 's32') bytes.writeUInt32BE(raw >>> 0);
  else if (Number.isSafeInteger(raw)) bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(raw)));
  else throw outOfRange(setting, value);
  return wordsOf(setting, bytes);
}

/** Text for a decoded value: its name when the map names it, with the unit. */
export function describeValue(setting: MapSetting, value: number | string): string {
  const named = setting.values?.[String(value)];
  if (named) return `${value} (${named})`;
  return setting.unit ? `${value} ${setting.unit}` : String(value);
}
