// The reader hardware a core looks for unless told otherwise: PC/SC, USB HID (keyboard-wedge readers)
// and USB serial bridges. Each source loads its native module only when it first scans.
import { hidSource } from './hid-source.ts';
import { pcscSource } from './pcsc-source.ts';
import type { ReaderSource } from './reader-source.ts';
import { serialSource } from './serial-source.ts';

export function defaultReaderSources(): ReaderSource[] {
  return [pcscSource(), hidSource(), serialSource()];
}
