// Turns what serialport says about a failed open into an error a technician can act on: missing port,
// no permission (dialout / udev rule), busy (and which program holds it, where Linux can tell).
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { AppError } from '../../api/errors.ts';
import { serialUdevRulesPath } from '../resources.ts';

/** Programs (name and pid) that have `path` open, from /proc; empty where the OS cannot tell. */
export function portHolders(path: string, proc = '/proc'): string[] {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return [];
  }
  const holders: string[] = [];
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`${proc}/${pid}/fd/${fd}`) === target;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let name = '?';
    try {
      name = readFileSync(`${proc}/${pid}/comm`, 'utf8').trim();
    } catch {}
    holders.push(`${name} (pid ${pid})`);
  }
  return holders;
}

export function serialOpenError(path: string, error: unknown, platform = process.platform): AppError {
  const message = error instanceof Error ? error.message : String(error);
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (platform !== 'win32' && !existsSync(path))
    return new AppError('SERIAL_PORT_NOT_FOUND', { path }, { cause: error });
  if (/file not found|ENOENT|cannot find the file/i.test(message))
    return new AppError('SERIAL_PORT_NOT_FOUND', { path }, { cause: error });
  if (errno === 'EACCES' || /permission denied|access denied|EACCES/i.test(message))
    return new AppError('SERIAL_PERMISSION_DENIED', { path, rules: serialUdevRulesPath() }, { cause: error });
  if (/resource busy|cannot lock|EBUSY|temporarily unavailable/i.test(message)) {
    const holders = platform === 'linux' ? portHolders(path) : [];
    const holder = holders.length > 0 ? `: ${holders.join(', ')}` : '';
    return new AppError('SERIAL_PORT_BUSY', { path, holder }, { cause: error });
  }
  return new AppError('SERIAL_OPEN_FAILED', { path, detail: message.slice(0, 200) }, { cause: error });
}
