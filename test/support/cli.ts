// Runs the real `wbc` command (bin/wbc.js) as a child process against a temporary data folder and
// collects its exit code and output, as a technician's terminal would see them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const wbcBin = fileURLToPath(new URL('../../bin/wbc.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function wbc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wbcBin, ...args], {
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface WaitingCli {
  /** The local CSMS address the command printed (on stderr) while it waits for its box. */
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts a `wbc` command that runs the local CSMS (config, commission) and waits for its address. */
export function wbcWaitingForBox(t: { after(fn: () => void): void }, args: string[]): Promise<WaitingCli> {
  const child = spawn(process.execPath, [wbcBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '' },
  });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      stderr += c;
      const m = stderr.match(/(ws:\/\/127\.0\.0\.1:\d+\/ocpp)/);
      if (m?.[1]) resolve({ url: m[1], stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) =>
      reject(new Error(`wbc exited ${code} before printing its address: ${stderr}`)),
    );
  });
}
