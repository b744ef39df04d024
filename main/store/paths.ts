// Where the tool keeps its data: a flag, then WBC_DATA_DIR, then the platform's per-user data folder.
// One folder for every face of an installation (desktop, browser shell, wbc); tests point it elsewhere.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_FOLDER = 'wallbox-commissioner';
export const DATABASE_FILE = 'commissioner.db';

export function resolveDataDir(
  options: { flag?: string | undefined; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): string {
  const env = options.env ?? process.env;
  if (options.flag) return resolve(options.flag);
  if (env.WBC_DATA_DIR) return resolve(env.WBC_DATA_DIR);
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), APP_FOLDER);
}
