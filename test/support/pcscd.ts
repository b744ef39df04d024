// A private pcscd with two vpcd slots on free ports, started as a child of the test (or benchmark) so
// PC/SC tests depend on no system service and never touch a real reader's daemon or its socket.
//
// pcsc-lite 1.9.9 (Debian 12): the client library honours PCSCLITE_CSOCK_NAME, but pcscd does not (it
// always listens on /run/pcscd/pcscd.comm and writes /run/pcscd/pcscd.pid). So pcscd runs in its own
// mount namespace (unshare, as root; with a user namespace otherwise) where a private folder is
// bind-mounted over /run: its socket lands in that folder, and the client is pointed at it with
// PCSCLITE_CSOCK_NAME. A real USB reader plugged into the machine may be claimed by this pcscd too (its
// USB hotplug cannot be switched off); the tests use the vpcd readers by name only.
// The client reads PCSCLITE_CSOCK_NAME once, at the first PC/SC call of the process, and keeps it: the
// socket path is therefore fixed per process, and the variable is set here before any call is made.
// No node:test import: bench/ uses this module too; the caller passes cleanup in or calls stop().
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPcscLibrary } from '../../main/rfid/pcsc-library.ts';

const PCSCD = '/usr/sbin/pcscd';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** vpcd's slots per reader.conf entry: two readers, on CHANNELID and CHANNELID + 1. */
const SLOTS = 2;

export interface PcscdOptions {
  /** FRIENDLYNAME of the vpcd entry; the readers are "<name> 00 00" and "<name> 00 01". */
  name?: string;
  /** First vpcd port (the second slot uses the next one). Default: a free pair picked at random. */
  port?: number;
  /** pcscd --debug --apdu into the log. */
  debug?: boolean;
  /** Sends pcscd's output to this file instead of log() (readable even while this process is stuck). */
  logFile?: string;
  /** A daemon that answers but has no reader at all (no vpcd entry): "the service is up, no reader". */
  withoutReaders?: boolean;
  /** Bounded wait for the daemon and its readers. Default 15000 ms. */
  readyTimeoutMs?: number;
  /** Receives the cleanup to run when done (t.after in tests): stops the daemon, removes its folder. */
  cleanup?: (fn: () => Promise<void>) => void;
}

export interface PrivatePcscd {
  /** The client socket (PCSCLITE_CSOCK_NAME of this process). */
  readonly socket: string;
  /** The vpcd ports, one per reader slot. */
  readonly ports: readonly number[];
  /** The reader names as PC/SC lists them, in slot order. */
  readonly readers: readonly string[];
  readonly running: boolean;
  /** pid of the daemon while it runs. */
  readonly pid: number | undefined;
  /** What pcscd printed (errors; everything with debug). */
  log(): string;
  /** Stops the daemon (SIGTERM; SIGKILL simulates a crash: socket and pid file are left behind). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again with the same socket and ports, and waits for its readers. */
  start(): Promise<void>;
  /**
   * Waits until pcscd reports no card on any of its readers. vpcd notices a removed card only at its
   * next presence poll (about every 400 ms); a card that left during a command is dropped then and there,
   * and a card waiting to connect is taken at the next poll as if it were the same card still lying
   * there. Tap the next card only after this, when the previous one may not have been seen leaving.
   */
  waitForEmpty(timeoutMs?: number): Promise<void>;
}

/** One folder per process: the socket path cannot change once the PC/SC client has used it. */
const processDir = join(tmpdir(), `wbc-pcscd-${process.pid}`);
let active: PrivatePcscd | undefined;

/** The process's folder goes when it exits, whether or not its daemon was stopped properly. */
function removeProcessDir(): void {
  rmSync(processDir, { recursive: true, force: true });
}

/** The socket every private pcscd of this process listens on. */
export function privateSocketPath(): string {
  return join(processDir, 'run', 'pcscd', 'pcscd.comm');
}

/**
 * Points this process's PC/SC client at the private socket. Must run before the first PC/SC call
 * (startPcscd does it); refuses when the process was already pointed elsewhere.
 */
export function pointClientAtPrivateSocket(): string {
  const path = privateSocketPath();
  const current = process.env.PCSCLITE_CSOCK_NAME;
  if (current !== undefined && current !== path) {
    throw new Error(`PCSCLITE_CSOCK_NAME is already ${current}; the PC/SC client keeps the first value`);
  }
  process.env.PCSCLITE_CSOCK_NAME = path;
  return path;
}

export async function startPcscd(options: PcscdOptions = {}): Promise<PrivatePcscd> {
  if (active?.running) throw new Error('a private pcscd is already running in this process');
  for (const [path, what] of [
    [PCSCD, 'pcscd'],
    [VPCD_DRIVER, 'vsmartcard-vpcd'],
  ] as const) {
    if (!existsSync(path))
      throw new Error(`${path} is missing: install ${what} (scripts/ensure-test-deps.sh)`);
  }
  const socket = pointClientAtPrivateSocket();
  if (!process.listeners('exit').includes(removeProcessDir)) process.once('exit', removeProcessDir);
  const name = options.name ?? 'Virtual PCD';
  const first = options.port ?? (await freePortPair());
  const ports = Array.from({ length: SLOTS }, (_, i) => first + i);
  const readers = options.withoutReaders
    ? []
    : ports.map((_, i) => `${name} 00 ${String(i).padStart(2, '0')}`);
  const confDir = join(processDir, 'reader.conf.d');
  const runDir = join(processDir, 'run');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(runDir, { recursive: true });
  const channel = `0x${first.toString(16).toUpperCase()}`;
  if (!options.withoutReaders) {
    writeFileSync(
      join(confDir, 'vpcd'),
      `FRIENDLYNAME "${name}"\nDEVICENAME   /dev/null:${channel}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${channel}\n`,
    );
  }
  const timeoutMs = options.readyTimeoutMs ?? 15_000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const start = async () => {
    if (child) return;
    // A crashed daemon leaves its socket and pid file; pcscd refuses to start over a live-looking one.
    rmSync(join(runDir, 'pcscd'), { recursive: true, force: true });
    const args = ['--foreground', '--config', confDir, ...(options.debug ? ['--debug', '--apdu'] : [])];
    const unshare = [
      ...(process.getuid?.() === 0 ? [] : ['--user', '--map-root-user']),
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      'mount --bind "$1" /run && shift && exec "$@"',
      'sh',
      runDir,
      PCSCD,
      ...args,
    ];
    const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
    const stdio = logFd === undefined ? 'pipe' : logFd;
    const spawned = spawn('unshare', unshare, { stdio: ['ignore', stdio, stdio] });
    if (logFd !== undefined) closeSync(logFd);
    child = spawned;
    // Should this process end without stop() (a crash, a forgotten cleanup), the daemon ends with it.
    const orphaned = () => spawned.kill('SIGKILL');
    process.once('exit', orphaned);
    exited = new Promise((resolve) =>
      spawned.once('exit', () => {
        process.off('exit', orphaned);
        if (child === spawned) child = undefined;
        resolve();
      }),
    );
    for (const stream of [spawned.stdout, spawned.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        output = (output + text).slice(-64_000);
      });
    }
    spawned.once('error', (err) => {
      output += `\nspawn failed: ${err.message}`;
    });
    await waitForReaders(
      readers,
      () => child === spawned,
      timeoutMs,
      () => output,
    );
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child;
    if (!running) return;
    running.kill(signal);
    const killer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  const daemon: PrivatePcscd = {
    socket,
    ports,
    readers,
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    log: () => output,
    stop,
    start,
    waitForEmpty: (ms = 10_000) => waitForEmpty(readers, ms),
  };
  active = daemon;
  options.cleanup?.(async () => {
    await stop();
    rmSync(processDir, { recursive: true, force: true });
  });
  try {
    await start();
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  return daemon;
}

/** Polls the daemon's reader list (through the real client library) until every vpcd slot is there. */
async function waitForReaders(
  expected: readonly string[],
  alive: () => boolean,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const { Context } = await loadPcscLibrary();
  const started = Date.now();
  let last = '';
  for (;;) {
    if (!alive()) throw new Error(`pcscd exited before it was ready:\n${log()}`);
    try {
      const context = new Context();
      try {
        const names = context.listReaders().map((reader) => reader.name);
        if (expected.every((name) => names.includes(name))) return;
        last = `readers: ${names.join(', ') || 'none'}`;
      } finally {
        context.close();
      }
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`pcscd was not ready in ${timeoutMs} ms (${last}):\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function waitForEmpty(readers: readonly string[], timeoutMs: number): Promise<void> {
  const lib = await loadPcscLibrary();
  const started = Date.now();
  for (;;) {
    const context = new lib.Context();
    try {
      const states = context.listReaders().filter((reader) => readers.includes(reader.name));
      if (states.every((reader) => (reader.state & lib.SCARD_STATE_PRESENT) === 0)) return;
    } finally {
      context.close();
    }
    if (Date.now() - started > timeoutMs) throw new Error(`a card stayed on a reader for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Two consecutive TCP ports free on every address (vpcd binds 0.0.0.0), below Linux's ephemeral range
 * (32768 and up) so an outgoing connection cannot take one between this check and pcscd's bind.
 */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 6_000) * 2;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free pair of TCP ports for vpcd');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
