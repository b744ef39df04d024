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
