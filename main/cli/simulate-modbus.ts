// `wbc simulate modbus`: a trainee's Modbus box on the desk, driven by a register map: Modbus TCP on
// 127.0.0.1 and/or Modbus RTU on a serial port (one end of a socat pty pair), until Ctrl+C.
import { createInterface } from 'node:readline';
import { AppError } from '../api/errors.ts';
import { loadRegisterMap } from '../drivers/modbus/register-map.ts';
import { RegisterBank } from '../simulator/modbus-bank.ts';
import { startRtuBus } from '../simulator/modbus-rtu.ts';
import { startTcpModbusServer } from '../simulator/modbus-tcp.ts';
import { type CliContext, t, usage } from './context.ts';

const how = 'simulate modbus --map NAME [--port P] [--serial PATH] [--id N]';

export async function simulateModbus(ctx: CliContext): Promise<number> {
  const { map: mapName, serial } = ctx.options;
  const port = ctx.options.port === undefined ? 0 : Number(ctx.options.port);
  if (!mapName || !Number.isInteger(port) || port < 0 || port > 65_535) return usage(ctx, how);
  const map = loadRegisterMap(mapName);
  const id = ctx.options.id === undefined ? map.bus.slaveId : Number(ctx.options.id);
  if (!Number.isInteger(id) || id < 1 || id > 247) return usage(ctx, how);
  // Writable settings start at the top of their range, so a trainee sees a plausible box.
  const values: Record<string, number> = {};
  for (const s of map.settings) if (s.access === 'rw' && s.range) values[s.name] = s.range.max;
  const bank = new RegisterBank(map, values);
  // Entries on another unit id (Alfen's station registers on 200) answer there too.
  const units = new Map<number, RegisterBank>([[id, bank]]);
  for (const s of map.settings) if (s.slaveId !== undefined) units.set(s.slaveId, bank);
  const tcp = await startTcpModbusServer(units, port);
  let rtu: Awaited<ReturnType<typeof startRtuBus>> | undefined;
  if (serial) {
    try {
      rtu = await startRtuBus(serial, new Map([...units].map(([unit, b]) => [unit, [b]])));
    } catch (error) {
      await tcp.close();
      throw new AppError('MODBUS_CONNECT_FAILED', {
        target: serial,
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  }
  ctx.output.err(
    t(ctx, 'modbus.simulate.ready', {
      map: map.name,
      id,
      address: `127.0.0.1:${tcp.port}`,
      serial: serial ?? '-',
    }),
  );
  // "set NAME VALUE" on stdin changes a value as the box itself would (a car plugged in, a current measured).
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [word, name, value] = line.trim().split(/\s+/);
    if (word !== 'set' || !name || value === undefined) return;
    try {
      bank.set(name, Number.isFinite(Number(value)) ? Number(value) : value);
      ctx.output.out(t(ctx, 'modbus.simulate.set', { name, value }));
    } catch {
      ctx.output.err(t(ctx, 'modbus.simulate.unknown', { name: name.slice(0, 60) }));
    }
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  lines.close();
  await Promise.all([tcp.close(), rtu?.close()]);
  return 0;
}
