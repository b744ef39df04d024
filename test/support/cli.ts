// Runs the real `wbc` command (bin/wbc.js) as a child process against a temporary data folder and
// collects its exit code and output, as a technician's terminal would see them.
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const wbcBin = fileURLToPath(new URL('../../bin/wbc.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment every `wbc` here runs in: the C locale (English texts) in UTF-8, whatever the machine's. */
function wbcEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', ...env };
}

/** What a child printed so far, collected as it comes. */
function collect(child: ChildProcess): { stdout(): string; stderr(): string } {
  let stdout = '';
  let stderr = '';
  // Decoded as a stream: a German letter split across two chunks stays one letter.
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (c) => {
    stdout += c;
  });
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

/** Kills the child when the test ends, unless it has ended by itself; resolves with its exit code. */
function endedWith(t: { after(fn: () => void): void }, child: ChildProcess): Promise<number | null> {
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

export function wbc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wbcBin, ...args], {
      env: wbcEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: output.stdout(), stderr: output.stderr() }));
  });
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * A long-running `wbc` (enroll, listen, simulate) with its stdin open for the test to write (stdin's end
 * ends an enrollment) or, with stdin 'ignore', on /dev/null; killed when the test ends.
 */
export function wbcRunning(
  t: { after(fn: () => void): void },
  args: string[],
  options: { stdin?: 'pipe' | 'ignore'; env?: NodeJS.ProcessEnv } = {},
): RunningCli {
  // stdin 'ignore' is /dev/null, as for a job started with `&` or by a service manager.
  const child = spawn(process.execPath, [wbcBin, ...args], {
    env: wbcEnv(options.env),
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
  });
  // With stdin 'ignore' the child has no stdin stream: such a test never writes to it.
  return { child: child as ChildProcessWithoutNullStreams, ...collect(child), exited: endedWith(t, child) };
}

export interface WaitingCli {
  /** The local CSMS address the command printed (on stderr) while it waits for its box. */
  url: string;
  /** The process, for a test that sends it a signal (Ctrl+C is SIGINT). */
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts a `wbc` command that runs the local CSMS (config, commission) and waits for its address. */
export function wbcWaitingForBox(t: { after(fn: () => void): void }, args: string[]): Promise<WaitingCli> {
  const child = spawn(process.execPath, [wbcBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: wbcEnv(),
  });
  const output = collect(child);
  const exited = endedWith(t, child);
  return new Promise((resolve, reject) => {
    child.stderr.on('data', () => {
      const m = output.stderr().match(/(ws:\/\/127\.0\.0\.1:\d+\/ocpp)/);
      if (m?.[1]) resolve({ url: m[1], child, ...output, exited });
    });
    void exited.then((code) =>
      reject(new Error(`wbc exited ${code} before printing its address: ${output.stderr()}`)),
    );
  });
}
