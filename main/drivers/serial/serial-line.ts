// One open serial port as the drivers use it: bytes in, bytes out, a write that resolves only once the
// bytes left the computer, and one clear SERIAL_PORT_GONE when the cable is pulled, whatever was in flight.
import type { SerialPort } from 'serialport';
import { AppError } from '../../api/errors.ts';
import { serialOpenError } from './open-errors.ts';

export interface SerialLineOptions {
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

/** What a protocol needs from a byte line; the serial port is one, tests may pass another wire. */
export interface ByteLine {
  readonly address: string;
  /** Resolves once the bytes are handed to the OS; with drain, once they left the computer. */
  write(data: Uint8Array, options?: { drain?: boolean }): Promise<void>;
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Called once when the line goes away without close() (cable pulled, adapter reset). */
  onGone(listener: (error: AppError) => void): () => void;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export class SerialLine implements ByteLine {
  readonly address: string;
  readonly #port: SerialPort;
  readonly #data = new Set<(chunk: Buffer) => void>();
  readonly #gone = new Set<(error: AppError) => void>();
  #goneError: AppError | null = null;
  #closing = false;

  private constructor(path: string, port: SerialPort) {
    this.address = path;
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      for (const listener of this.#data) listener(chunk);
    });
    port.on('error', () => {
      // Reported through the write that failed or through 'close'.
    });
    port.on('close', () => {
      if (this.#closing) return;
      this.#goneError = new AppError('SERIAL_PORT_GONE', { path });
      for (const listener of this.#gone) listener(this.#goneError);
    });
  }

  static async open(path: string, options: SerialLineOptions): Promise<SerialLine> {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path,
      baudRate: options.baudRate,
      dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'none',
      stopBits: options.stopBits ?? 1,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(serialOpenError(path, error)) : resolve())),
    );
    return new SerialLine(path, port);
  }

  get isOpen(): boolean {
    return this.#port.isOpen && this.#goneError === null;
  }

  write(data: Uint8Array, options: { drain?: boolean } = {}): Promise<void> {
    if (this.#goneError) return Promise.reject(this.#goneError);
    if (!this.#port.isOpen) return Promise.reject(new AppError('SERIAL_PORT_GONE', { path: this.address }));
    return new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) =>
        reject(this.#goneError ?? new AppError('SERIAL_PORT_GONE', { path: this.address }, { cause: error }));
      this.#port.write(Buffer.from(data), (error) => {
        if (error) return fail(error);
        if (options.drain === false) return resolve();
        this.#port.drain((drainError) => (drainError ? fail(drainError) : resolve()));
      });
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.#data.add(listener);
    return () => this.#data.delete(listener);
  }

  onGone(listener: (error: AppError) => void): () => void {
    if (this.#goneError) {
      const error = this.#goneError;
      queueMicrotask(() => listener(error));
    }
    this.#gone.add(listener);
    return () => this.#gone.delete(listener);
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#port.isOpen) return;
    await new Promise<void>((resolve) => this.#port.close(() => resolve()));
  }
}
