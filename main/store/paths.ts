// Where the tool keeps its data: a flag, then WBC_DATA_DIR, then the platform's per-user data folder.
// One folder for every face of an installation (desktop, browser shell, wbc); tests point it elsewhere.
import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

export const APP_FOLDER = 'wallbox-commissioner';
export const DATABASE_FILE = 'commissioner.db';

/** The data folder of every face: the desktop (electron/main.ts), the browser shell and `wbc` (cli/context.ts). */
export function resolveDataDir(
  options: {
    flag?: string | undefined;
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    home?: string;
  } = {},
): string {
  const env = options.env ?? process.env;
  if (options.flag) return resolve(options.flag);
  if (env.WBC_DATA_DIR) return resolve(env.WBC_DATA_DIR);
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  // Joined the way that platform writes paths (so the choice can be checked for every platform anywhere).
  if (platform === 'win32')
    return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_FOLDER);
  return posix.join(env.XDG_DATA_HOME ?? posix.join(home, '.local', 'share'), APP_FOLDER);
}
