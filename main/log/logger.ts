// The core's log: JSON lines in the data folder (for support bundles) and on stderr, every line
// passed through redact() first. Nothing that holds a secret reaches disk or a terminal unmasked.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from '../store/private-files.ts';
import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(options: { file?: string; stderr?: boolean; minLevel?: LogLevel }): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.minLevel ?? 'info');
  if (options.file) {
    // The log names boxes, sites and users: its folder and file are for their owner only.
    mkdirSync(dirname(options.file), { recursive: true, mode: PRIVATE_DIR_MODE });
    tightenMode(dirname(options.file), PRIVATE_DIR_MODE);
    tightenMode(options.file, PRIVATE_FILE_MODE);
  }
  // A log that cannot be written (disk full, folder removed) must never take down what was logging.
  let fileFailed = false;
  return {
    log(level, message, fields = {}) {
      if (order.indexOf(level) < min) return;
      const entries = Object.entries(fields).map(([k, v]) => [k, describe(v)]);
      const line = redact(
        JSON.stringify({ at: new Date().toISOString(), level, message, ...Object.fromEntries(entries) }),
      );
      if (options.file) {
        try {
          appendFileSync(options.file, `${line}\n`, { mode: PRIVATE_FILE_MODE });
          fileFailed = false;
        } catch (error) {
          // Said once on stderr, not for every line; the line itself still goes to stderr when asked.
          if (!fileFailed)
            process.stderr.write(`log file ${options.file} cannot be written: ${(error as Error).message}\n`);
          fileFailed = true;
        }
      }
      if (options.stderr) process.stderr.write(`${line}\n`);
    },
  };
}
