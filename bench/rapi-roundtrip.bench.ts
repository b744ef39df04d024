// RAPI round trips per second through the OpenEVSE driver (framing, checksum, sequence ids, matching) on a
// socat pty pair, against the floor of a bare serialport loop sending the same frames on the same pty.
// The box's side is one bare responder for both, so the ratio is the driver's own cost. Needs socat.
// BENCH_RAPI_TRIPS sets round trips per round (default 1000), BENCH_RAPI_ROUNDS the rounds (default 7).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { RapiClient } from '../main/drivers/openevse/rapi-client.ts';
import { encodeRapi, rapiChecksum } from '../main/drivers/openevse/rapi-frame.ts';
import { SerialLine } from '../main/drivers/serial/serial-line.ts';
import { report, stats } from './harness.ts';

const TRIPS = Number(process.env.BENCH_RAPI_TRIPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_RAPI_ROUNDS ?? 7);

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return port;
}

/** The box: answers every CR-ended line with `$OK 8.2.3 5.2.1` and the line's sequence id, at once. */
function responder(port: SerialPort): void {
  let buffer = '';
  port.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let end = buffer.indexOf('\r');
    while (end >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      const seq = / (:[0-9A-F]{2})\^/.exec(line)?.[1];
      const body = `$OK 8.2.3 5.2.1${seq ? ` ${seq}` : ''}`;
      port.write(`${body}^${rapiChecksum(body)}\r`);
      end = buffer.indexOf('\r');
    }
  });
}

/** Floor: the same frames written with bare serialport, each answer awaited up to its CR. */
async function bareRound(port: SerialPort): Promise<number> {
  let seq = 0;
  let pending: (() => void) | null = null;
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    const end = buffer.indexOf('\r');
    if (end >= 0) {
      buffer = buffer.slice(end + 1);
      pending?.();
    }
  };
  port.on('data', onData);
  const started = performance.now();
  for (let i = 0; i < TRIPS; i++) {
    seq = (seq % 0xfe) + 1;
    await new Promise<void>((resolve) => {
      pending = resolve;
      port.write(encodeRapi('GV', [], seq));
    });
  }
  const seconds = (performance.now() - started) / 1000;
  port.off('data', onData);
  return TRIPS / seconds;
}

async function driverRound(client: RapiClient): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < TRIPS; i++) await client.request('GV');
  return TRIPS / ((performance.now() - started) / 1000);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-rapi-'));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const socat = spawn('/usr/bin/socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  try {
    while (!(existsSync(a) && existsSync(b))) await new Promise((resolve) => setTimeout(resolve, 20));
    const box = await openPort(b);
    responder(box);
    // Rounds alternate between floor and driver (each opening the port anew, outside the timing), so
    // load from elsewhere on the machine falls alike on both.
    const floor: number[] = [];
    const figure: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      const bare = await openPort(a);
      const bareRate = await bareRound(bare);
      await new Promise<void>((resolve) => bare.close(() => resolve()));
      const line = await SerialLine.open(a, { baudRate: 115_200 });
      const client = new RapiClient(line, { timeoutMs: 2000, retries: 0 });
      const driverRate = await driverRound(client);
      client.close();
      await line.close();
      // Round 0 warms both up and is not counted.
      if (i === 0) continue;
      floor.push(bareRate);
      figure.push(driverRate);
    }
    await new Promise<void>((resolve) => box.close(() => resolve()));
    report({
      name: 'RAPI round trips through the driver',
      unit: 'round trips/s',
      figure: stats(figure),
      floor: stats(floor),
      floorName: 'bare serialport loop, same frames, same pty',
    });
  } finally {
    socat.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
