// Modbus RTU slaves on the device end of a socat pty pair, as boxes on an RS485 bus behind a USB adapter:
// real frames with CRC, several ids on one bus, and two boxes with the same id answering over each other.
import { SerialPort } from 'serialport';
import { crc16, type RegisterBank, withCrc } from './modbus-bank.ts';

export interface RtuBus {
  /** Slave id -> its banks (two banks under one id = two boxes sharing the id). */
  slaves: Map<number, RegisterBank[]>;
  /** Requests seen (valid CRC), for tests that check nothing went on the wire. */
  requests: Buffer[];
  close(): Promise<void>;
}

/** How long a request frame is, from its first bytes; undefined while too few bytes are there. */
function requestLength(buffer: Buffer): number | undefined {
  if (buffer.length < 2) return undefined;
  const fn = buffer[1] ?? 0;
  if (fn >= 1 && fn <= 6) return 8;
  if (fn === 15 || fn === 16) return buffer.length < 7 ? undefined : 9 + (buffer[6] ?? 0);
  return 4; // unknown function: id, fn, crc (answered with exception 01 when the CRC fits)
}

/** Two answers on one wire at once: their bytes mixed, as a collision on RS485 leaves them. */
function collide(a: Buffer, b: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i] ?? 0);
    if (i < b.length) out.push(b[i] ?? 0);
  }
  return Buffer.from(out);
}

export async function startRtuBus(path: string, slaves: Map<number, RegisterBank[]>): Promise<RtuBus> {
  // Parity is not set: Linux refuses it on a pty (FIELD-NOTES); the bytes are the same either way.
  const port = new SerialPort({ path, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const requests: Buffer[] = [];
  let buffer = Buffer.alloc(0);
  port.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const length = requestLength(buffer);
      if (length === undefined || buffer.length < length) return;
      const frame = buffer.subarray(0, length);
      if (crc16(frame.subarray(0, -2)) !== frame.readUInt16LE(length - 2)) {
        // Not a frame start (noise): drop a byte and look again, as a slave resynchronises.
        buffer = buffer.subarray(1);
        continue;
      }
      buffer = buffer.subarray(length);
      requests.push(Buffer.from(frame));
      const id = frame[0] ?? 0;
      const banks = (slaves.get(id) ?? []).filter((b) => !b.faults.silent);
      const answers = banks.map((bank) => {
        const pdu = bank.answer(Buffer.from(frame.subarray(1, -2)));
        const out = withCrc(Buffer.concat([Buffer.from([id]), pdu]));
        if (bank.faults.badCrc) out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0xff;
        return out;
      });
      if (id === 0 || answers.length === 0) continue; // broadcast: nobody answers
      const [first, second] = answers;
      port.write(second && first ? collide(first, second) : (first as Buffer));
    }
  });
  return {
    slaves,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) resolve();
        else port.close(() => resolve());
      }),
  };
}
