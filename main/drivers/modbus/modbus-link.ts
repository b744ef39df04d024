// One Modbus connection (RTU over a serial adapter or TCP) through the modbus-serial package: one
// request at a time, every wait bounded, and each failure turned into a typed error with its remedy.
import { createRequire } from 'node:module';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { AppError, type ErrorCode } from '../../api/errors.ts';
import { serialOpenError } from '../serial/open-errors.ts';
import type { RegisterFunction } from './register-map.ts';

// The package is CommonJS whose module.exports is the client class itself.
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => Client;

export interface RtuTarget {
  kind: 'rtu';
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}
export interface TcpTarget {
  kind: 'tcp';
  host: string;
  port: number;
}
export type ModbusTarget = RtuTarget | TcpTarget;

export function targetLabel(target: ModbusTarget): string {
  return target.kind === 'tcp' ? `${target.host}:${target.port}` : target.path;
}

export function busLabel(target: ModbusTarget): string {
  if (target.kind === 'tcp') return `TCP port ${target.port}`;
  return `${target.baudRate} ${target.dataBits}${target.parity[0]?.toUpperCase()}${target.stopBits}`;
}

export interface ModbusLink {
  readonly target: ModbusTarget;
  readonly label: string;
  /** Registers as 16-bit words; coils and discrete inputs as 0/1. */
  read(
    fn: RegisterFunction,
    slaveId: number,
    address: number,
    count: number,
    timeoutMs?: number,
  ): Promise<number[]>;
  writeRegisters(slaveId: number, address: number, words: number[]): Promise<void>;
  writeCoil(slaveId: number, address: number, on: boolean): Promise<void>;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export interface LinkOptions {
  /** How long one request may wait for its answer. */
  timeoutMs?: number;
  /** How long opening (TCP connect) may take. */
  connectTimeoutMs?: number;
}

interface ModbusFailure {
  message?: unknown;
  modbusCode?: unknown;
  errno?: unknown;
  name?: unknown;
}

/** A modbus-serial failure as the typed error a technician can act on. */
export function modbusError(
  error: unknown,
  at: { target: ModbusTarget; slaveId: number; what: string; timeoutMs: number; open: boolean },
): AppError {
  const f = (typeof error === 'object' && error !== null ? error : {}) as ModbusFailure;
  const params = { target: targetLabel(at.target), slaveId: at.slaveId, what: at.what };
  const message = typeof f.message === 'string' ? f.message : String(error);
  if (typeof f.modbusCode === 'number') {
    const byCode: Record<number, ErrorCode> = {
      1: 'MODBUS_ILLEGAL_FUNCTION',
      2: 'MODBUS_ILLEGAL_ADDRESS',
      3: 'MODBUS_ILLEGAL_VALUE',
      6: 'MODBUS_DEVICE_BUSY',
    };
    const code = byCode[f.modbusCode];
    if (code) return new AppError(code, params, { cause: error });
    return new AppError('MODBUS_DEVICE_FAILURE', { ...params, exception: f.modbusCode }, { cause: error });
  }
  if (!at.open || f.message === 'Port Not Open')
    return new AppError('MODBUS_PORT_GONE', params, { cause: error });
  if (f.errno === 'ETIMEDOUT' || f.name === 'TransactionTimedOutError')
    return new AppError(
      'MODBUS_NO_ANSWER',
      { ...params, timeoutMs: at.timeoutMs, bus: busLabel(at.target) },
      { cause: error },
    );
  if (message === 'CRC error') return new AppError('MODBUS_CRC_ERROR', params, { cause: error });
  if (message.startsWith('Data length error') || message.startsWith('Unexpected data error'))
    return new AppError('MODBUS_GARBLED', params, { cause: error });
  return new AppError('MODBUS_PORT_GONE', params, { cause: error });
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function connect(client: Client, target: ModbusTarget, connectTimeoutMs: number): Promise<void> {
  const label = targetLabel(target);
  const failed = (detail: string, cause?: unknown) =>
    new AppError('MODBUS_CONNECT_FAILED', { target: label, detail }, { cause });
  const opening =
    target.kind === 'tcp'
      ? client.connectTCP(target.host, { port: target.port })
      : client.connectRTUBuffered(target.path, {
          baudRate: target.baudRate,
          dataBits: target.dataBits,
          parity: target.parity,
          stopBits: target.stopBits,
        });
  try {
    await withTimeout(opening, connectTimeoutMs, () => failed(`no connection within ${connectTimeoutMs} ms`));
  } catch (error) {
    client.close(() => undefined);
    if (error instanceof AppError) throw error;
    // A serial port that does not open: missing, no permission (dialout), busy (and by whom).
    if (target.kind === 'rtu') throw serialOpenError(target.path, error);
    const f = (typeof error === 'object' && error !== null ? error : {}) as ModbusFailure;
    throw failed(typeof f.message === 'string' ? f.message : String(error), error);
  }
}

/** Opens the link; each request waits at most timeoutMs (default 1000 ms) for its answer. */
export async function openModbusLink(target: ModbusTarget, options: LinkOptions = {}): Promise<ModbusLink> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const client = new ModbusRTU();
  client.setTimeout(timeoutMs);
  let open = true;
  client.on('close', () => {
    open = false;
  });
  // A port that fails later (cable pulled) reports here; the request in flight gets PORT_GONE.
  client.on('error', () => {
    open = false;
  });
  await connect(client, target, options.connectTimeoutMs ?? 3000);

  let queue: Promise<unknown> = Promise.resolve();
  /** One request on the wire at a time: RTU has no transaction ids, and a box takes one master at a time. */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  async function request<T>(
    slaveId: number,
    what: string,
    retryDamaged: boolean,
    timeout: number,
    send: () => Promise<T>,
  ): Promise<T> {
    return serial(async () => {
      const at = () => ({ target, slaveId, what, timeoutMs: timeout, open: open && client.isOpen });
      if (!open || !client.isOpen) throw modbusError(new Error('Port Not Open'), at());
      client.setID(slaveId);
      client.setTimeout(timeout);
      for (let attempt = 1; ; attempt++) {
        try {
          return await send();
        } catch (error) {
          const typed = modbusError(error, at());
          // A damaged answer to a read is asked again once: noise on a long bus happens.
          if (retryDamaged && attempt === 1 && typed.code === 'MODBUS_CRC_ERROR') continue;
          throw typed;
        }
      }
    });
  }

  return {
    target,
    label: targetLabel(target),
    get isOpen() {
      return open && client.isOpen;
    },
    async read(fn, slaveId, address, count, timeout = timeoutMs) {
      const what = `${fn} ${address}${count > 1 ? `..${address + count - 1}` : ''}`;
      return request(slaveId, what, true, timeout, async () => {
        if (fn === 'holding') return (await client.readHoldingRegisters(address, count)).data;
        if (fn === 'input') return (await client.readInputRegisters(address, count)).data;
        const bits =
          fn === 'coil'
            ? await client.readCoils(address, count)
            : await client.readDiscreteInputs(address, count);
        return bits.data.slice(0, count).map((b: boolean) => (b ? 1 : 0));
      });
    },
    async writeRegisters(slaveId, address, words) {
      const what = `write holding ${address}${words.length > 1 ? `..${address + words.length - 1}` : ''}`;
      await request(slaveId, what, false, timeoutMs, async () => {
        if (words.length === 1) await client.writeRegister(address, words[0] ?? 0);
        else await client.writeRegisters(address, words);
      });
    },
    async writeCoil(slaveId, address, on) {
      await request(slaveId, `write coil ${address}`, false, timeoutMs, async () => {
        await client.writeCoil(address, on);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!client.isOpen) {
          resolve();
          return;
        }
        client.close(() => resolve());
      });
    },
  };
}
