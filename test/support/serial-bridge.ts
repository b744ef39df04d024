// The device's end of a socat pty pair (pty-pair.ts), played by the test: what a USB-serial reader board
// sends, as raw bytes (RDM6300 frames, noise) or as the lines an MFRC522 sketch prints.
import type { TestContext } from 'node:test';
import { SerialPort } from 'serialport';

export interface SerialDevice {
  /** Writes bytes (a string as latin1, one byte a character) and resolves once they are drained. */
  send(data: string | Uint8Array): Promise<void>;
}

/** Opens `path` (the pair's device end, `b`) at 9600 baud; closed when the test ends. */
export async function serialDevice(t: TestContext, path: string): Promise<SerialDevice> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  port.on('error', () => {}); // an unplug test pulls this end away too
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  t.after(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return {
    send: (data) =>
      new Promise<void>((resolve, reject) =>
        port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) =>
          err ? reject(err) : port.drain(() => resolve()),
        ),
      ),
  };
}

/** An MFRC522 bridge on `path`: each call prints one line ("Card UID: 04 A1 B2 C3") ended by CR LF. */
export async function mfrc522Bridge(t: TestContext, path: string): Promise<(line: string) => Promise<void>> {
  const device = await serialDevice(t, path);
  return (line) => device.send(`${line}\r\n`);
}
