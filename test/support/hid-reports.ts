// Recorded boot-keyboard reports of wedge readers and a stand-in for node-hid's device: no virtual HID
// device can be made on these machines (no /dev/uhid), so the tests play the device's side in-process.
import { EventEmitter } from 'node:events';
import type { HidDevice } from '../../main/rfid/hid-reader.ts';

/** A capture: one report per line as hex bytes, as `cat /dev/hidrawN | xxd` shows them. */
export function capture(text: string): Buffer[] {
  return text
    .trim()
    .split('\n')
    .map((line) => Buffer.from(line.trim().split(/\s+/).join(''), 'hex'));
}

// 04A1B2C3 + Enter from a reader that types upper-case hex: shift arrives in its own report before
// each letter, every key is followed by an all-zero release.
export const upperHex = capture(`
  00 00 27 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 21 00 00 00 00 00
  00 00 00 00 00 00 00 00
  02 00 00 00 00 00 00 00
  02 00 04 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 1e 00 00 00 00 00
  00 00 00 00 00 00 00 00
  02 00 00 00 00 00 00 00
  02 00 05 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 1f 00 00 00 00 00
  00 00 00 00 00 00 00 00
  20 00 06 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 20 00 00 00 00 00
  00 00 00 00 00 00 00 00
  00 00 28 00 00 00 00 00
  00 00 00 00 00 00 00 00
`);

// The same card from a composite device (report id 01) typing the 10-digit decimal of the four bytes
// read little-endian, on the keypad, ending with keypad Enter: 3283263748 = 0xC3B2A104.
export const keypadDecimal = capture(`
  01 00 00 5b 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5a 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 60 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5b 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5a 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5e 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5b 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5f 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 5c 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 60 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
  01 00 00 58 00 00 00 00 00
  01 00 00 00 00 00 00 00 00
`);

/** A stand-in for node-hid's HIDAsync (on 'data', on 'error', close): the test plays the device's side. */
export class FakeHidDevice extends EventEmitter implements HidDevice {
  closed = 0;
  send(reports: Buffer[]): void {
    for (const report of reports) this.emit('data', report);
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}
