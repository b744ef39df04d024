// Ports the OS list does not show (socat ptys of the simulators, links a udev rule made) named by a folder of
// links: `WBC_SERIAL_DIR` in a trainee's setup, and the seam the hot-plug tests drive with real ptys.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { osPortLister, type PortLister, type RawPortInfo } from './port-list.ts';

/** Every entry of `dir` that is (or links to) a character device; a missing folder lists none. */
export function folderPorts(dir: string): RawPortInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const ports: RawPortInfo[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      // statSync follows the link: a link whose pty went away throws and is left out, as a pulled adapter.
      if (statSync(path).isCharacterDevice()) ports.push({ path, pnpId: realpathSync(path) });
    } catch {
      // Gone between the listing and the look: not there any more.
    }
  }
  return ports;
}

/** The OS's list and a folder's ports together; a path in both is listed once (the OS's entry kept). */
export function withFolderPorts(base: PortLister, dir: string): PortLister {
  return async () => {
    const listed = await base().catch(() => []);
    const seen = new Set(listed.map((p) => p.path));
    return [...listed, ...folderPorts(dir).filter((p) => !seen.has(p.path))];
  };
}

/** The port list this process uses: the OS's, plus the folder `WBC_SERIAL_DIR` names when it is set. */
export function configuredPortLister(env: NodeJS.ProcessEnv = process.env): PortLister {
  return env.WBC_SERIAL_DIR ? withFolderPorts(osPortLister, env.WBC_SERIAL_DIR) : osPortLister;
}
