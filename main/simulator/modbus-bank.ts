// The registers of a simulated Modbus box, filled from a register map, and the answer to one request
// PDU as a real slave gives it (exceptions 01/02/03/06 included). Shared by the RTU slave and the TCP server.
import {
  decodeValue,
  encodeValue,
  type MapSetting,
  type RegisterMap,
  registerCount,
} from '../drivers/modbus/register-map.ts';

type Space = 'holding' | 'input' | 'coil' | 'discrete';

export interface BankFaults {
  /** Answer every request with exception 06 (device busy). */
  busy?: boolean;
  /** Say nothing at all (wrong baud rate or parity look like this from the master). */
  silent?: boolean;
  /** Send answers with a broken CRC (RTU only). */
  badCrc?: boolean;
}

export interface RecordedWrite {
  fn: 5 | 6 | 15 | 16;
  address: number;
  words: number[];
}

export class RegisterBank {
  readonly spaces: Record<Space, Map<number, number>> = {
    holding: new Map(),
    input: new Map(),
    coil: new Map(),
    discrete: new Map(),
  };
  readonly writes: RecordedWrite[] = [];
  faults: BankFaults = {};
  private readonly writable = new Map<number, MapSetting>();

  /** Every register of the map exists (0 unless `values` says otherwise, in the map's units). */
  constructor(
    readonly map: RegisterMap,
    values: Record<string, number | string> = {},
  ) {
    for (const s of map.settings) {
      const space = this.spaces[s.function];
      for (let i = 0; i < registerCount(s); i++) space.set(s.register + i, 0);
      if (s.access === 'rw' && s.function === 'holding') this.writable.set(s.register, s);
      const value = values[s.name];
      if (value !== undefined) this.set(s.name, value);
    }
  }

  /** Sets a value as the box itself would (no access or range check). */
  set(name: string, value: number | string): void {
    const s = this.map.settings.find((x) => x.name === name);
    if (!s) throw new Error(`no ${name} in ${this.map.name}`);
    let words: number[];
    if (typeof value === 'string') {
      const bytes = Buffer.alloc((s.length ?? 1) * 2);
      bytes.write(value, 'latin1');
      words = Array.from({ length: s.length ?? 1 }, (_, i) => bytes.readUInt16BE(i * 2));
    } else {
      words = encodeValue({ ...s, access: 'rw', range: undefined, alsoAllowed: undefined }, value);
    }
    words.forEach((w, i) => {
      this.spaces[s.function].set(s.register + i, w);
    });
  }

  /** The answer PDU (function code first) to a request PDU; a malformed one is answered 03, never thrown. */
  answer(pdu: Buffer): Buffer {
    const fn = pdu[0] ?? 0;
    const exception = (code: number) => Buffer.from([fn | 0x80, code]);
    if (this.faults.busy) return exception(6);
    if (pdu.length < 5 || (fn === 16 && pdu.length < 6 + pdu.readUInt16BE(3) * 2)) return exception(3);
    const address = pdu.readUInt16BE(1);
    const read = (space: Space, count: number) => {
      const words: number[] = [];
      for (let i = 0; i < count; i++) {
        const w = this.spaces[space].get(address + i);
        if (w === undefined) return undefined;
        words.push(w);
      }
      return words;
    };
    switch (fn) {
      case 3:
      case 4: {
        const count = pdu.readUInt16BE(3);
        if (count < 1 || count > 125) return exception(3);
        const words = read(fn === 3 ? 'holding' : 'input', count);
        if (!words) return exception(2);
        const out = Buffer.alloc(2 + count * 2);
        out[0] = fn;
        out[1] = count * 2;
        words.forEach((w, i) => {
          out.writeUInt16BE(w, 2 + i * 2);
        });
        return out;
      }
      case 1:
      case 2: {
        // A box without any coils or discrete inputs does not implement these functions at all.
        if (this.spaces[fn === 1 ? 'coil' : 'discrete'].size === 0) return exception(1);
        const count = pdu.readUInt16BE(3);
        const bits = read(fn === 1 ? 'coil' : 'discrete', count);
        if (!bits) return exception(2);
        const bytes = Buffer.alloc(Math.ceil(count / 8));
        bits.forEach((b, i) => {
          if (b) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
        });
        return Buffer.concat([Buffer.from([fn, bytes.length]), bytes]);
      }
      case 5: {
        if (!this.spaces.coil.has(address)) return exception(2);
        const on = pdu.readUInt16BE(3) === 0xff00;
        this.spaces.coil.set(address, on ? 1 : 0);
        this.writes.push({ fn: 5, address, words: [on ? 1 : 0] });
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 6:
      case 16: {
        const words =
          fn === 6
            ? [pdu.readUInt16BE(3)]
            : Array.from({ length: pdu.readUInt16BE(3) }, (_, i) => pdu.readUInt16BE(6 + i * 2));
        if (words.some((_, i) => !this.spaces.holding.has(address + i))) return exception(2);
        const setting = this.writable.get(address);
        if (!setting || registerCount(setting) !== words.length) return exception(2);
        // The box's own range check: what its firmware would refuse with exception 03.
        if (!this.inRange(setting, words)) return exception(3);
        words.forEach((w, i) => {
          this.spaces.holding.set(address + i, w);
        });
        this.writes.push({ fn, address, words });
        return Buffer.from(pdu.subarray(0, 5));
      }
      default:
        return exception(1);
    }
  }

  private inRange(setting: MapSetting, words: number[]): boolean {
    if (!setting.range) return true;
    const value = decodeValue(setting, words);
    if (typeof value !== 'number') return false;
    if (setting.type === 'float32' || setting.type === 'float64')
      return (
        (value >= setting.range.min && value <= setting.range.max) ||
        (setting.alsoAllowed ?? []).includes(value)
      );
    const eps = (setting.scale ?? 1) / 2;
    return (
      (value >= setting.range.min - eps && value <= setting.range.max + eps) ||
      (setting.alsoAllowed ?? []).some((a) => Math.abs(a - value) < eps)
    );
  }
}

/** Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), low byte first on the wire. */
export function crc16(bytes: Buffer): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function withCrc(frame: Buffer): Buffer {
  const out = Buffer.alloc(frame.length + 2);
  frame.copy(out);
  out.writeUInt16LE(crc16(frame), frame.length);
  return out;
}
