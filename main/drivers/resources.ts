// Where the drivers' data files (adapter table, udev rule) are: this module sits two folders deep like
// every core module, so the same relative URL works from the sources and from the bundle in out/cli/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { udevRulesPath } from '../rfid/hid-reader.ts';

export function readDriverResource(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../resources/${name}`, import.meta.url)), 'utf8');
}

/** The udev rule shipped with the app (serial adapters and card readers share one file). */
export function serialUdevRulesPath(): string {
  return udevRulesPath();
}
