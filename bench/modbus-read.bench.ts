// Modbus register reads per second through the driver (register map, typed errors, one-at-a-time queue)
// against bare modbus-serial on the same socat pty pair and the same simulated Heidelberg, in the same run.
// Goal: the driver at least 0.8x of the bare client. BENCH_MODBUS_READS sets reads per round (default 300).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import { ModbusDriver } from '../main/drivers/modbus/modbus-driver.ts';
import { openModbusLink, type RtuTarget } from '../main/drivers/modbus/modbus-link.ts';
import { loadRegisterMap } from '../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../main/simulator/modbus-bank.ts';
import { startRtuBus } from '../main/simulator/modbus-rtu.ts';
import { report, stats } from './harness.ts';

const READS = Number(process.env.BENCH_MODBUS_READS ?? 300);
const ROUNDS = 7;
const ModbusClient = createRequire(import.meta.url)('modbus-serial') as new () => ModbusRTU;

async function ptys(dir: string) {
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const socat = spawn('/usr/bin/socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  while (!(existsSync(a) && existsSync(b))) await new Promise((resolve) => setTimeout(resolve, 20));
  return { a, b, stop: () => socat.kill('SIGTERM') };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-modbus-'));
  const pair = await ptys(dir);
  const map = loadRegisterMap('heidelberg-energy-control');
  const sim = await startRtuBus(pair.b, new Map([[1, [new RegisterBank(map, { charging_state: 7 })]]]));
  const maybeRtu = map.bus.rtu;
  if (!maybeRtu) throw new Error('the Heidelberg map has RTU settings');
  const rtu = maybeRtu;
  const target: RtuTarget = { kind: 'rtu', path: pair.a, ...rtu };
  const driverRates: number[] = [];
  const bareRates: number[] = [];
  async function measureDriver() {
    // Through the driver: a named setting, decoded by the map.
    const link = await openModbusLink(target, { timeoutMs: 1000 });
    const driver = new ModbusDriver(link, map);
    const started = performance.now();
    for (let i = 0; i < READS; i++) await driver.read('charging_state');
    driverRates.push(READS / ((performance.now() - started) / 1000));
    await link.close();
  }
  async function measureBare() {
    // Bare modbus-serial: the same register, the same port settings, nothing around it.
    const client = new ModbusClient();
    await client.connectRTUBuffered(pair.a, {
      baudRate: rtu.baudRate,
      parity: rtu.parity,
      stopBits: rtu.stopBits,
      dataBits: rtu.dataBits,
    });
    client.setID(1);
    client.setTimeout(1000);
    const started = performance.now();
    for (let i = 0; i < READS; i++) await client.readInputRegisters(5, 1);
    bareRates.push(READS / ((performance.now() - started) / 1000));
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Who goes first alternates, so a busy moment of the machine does not always fall on one side.
      const sides = [measureDriver, measureBare];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
  } finally {
    await sim.close();
    pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report({
    name: 'modbus register reads through the driver',
    unit: 'reads/s',
    figure: stats(driverRates),
    floor: stats(bareRates),
    floorName: 'bare modbus-serial on the same pty',
  });
}
