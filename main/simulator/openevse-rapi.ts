// A simulated OpenEVSE controller answering RAPI on a serial port (one end of a socat pty pair), so tests,
// benchmarks and trainees (`wbc simulate openevse`) talk to something with the real wire and its faults.
import type { SerialPort } from 'serialport';
import { parseRapiLine, rapiChecksum } from '../drivers/openevse/rapi-frame.ts';

export interface RapiSimOptions {
  firmware?: string;
  rapiVersion?: string;
  minAmps?: number;
  /** Hardware maximum (MAX_CURRENT_CAPACITY) and the configured maximum ($SC M). */
  hardwareMaxAmps?: number;
  configuredMaxAmps?: number;
  amps?: number;
  /** Sends `$AB 00 firmware` when it opens, as the controller does after power-on. */
  bootMessage?: boolean;
}

/** What a test can make the controller do wrong. Each fault is applied to the next answers. */
export interface RapiSimFaults {
  /** Bytes sent before every answer (line noise, a boot banner). */
  noiseBeforeAnswer?: string;
  /** Sends each answer in pieces of this many bytes, a few ms apart (partial lines). */
  splitAnswersEvery?: number;
  /** The next N answers carry a wrong checksum. */
  wrongChecksumAnswers?: number;
  /** The next N commands get no answer at all. */
  silentCommands?: number;
  /** Commands (two letters) answered $NK. */
  refuse?: string[];
  /** Never answers anything (the wrong box, or the wrong baud rate). */
  mute?: boolean;
  /** The next N commands are answered `$NK` without a sequence id, as if they arrived garbled. */
  garbledCommands?: number;
  /** Firmware before RAPI 3.0: answers carry no sequence id. */
  noSequenceIds?: boolean;
  /** A slow controller: called with each command (`$SC 20`) after it took effect; its answer waits for the
   *  promise returned (undefined: answered at once; a promise that never settles: never answered). */
  holdAnswer?: (command: string) => Promise<void> | undefined;
}

interface SimState {
  evseState: number;
  savedAmps: number;
  amps: number;
  sessionWs: number;
  totalWh: number;
  elapsedS: number;
}

export class RapiSimulator {
  readonly options: Required<RapiSimOptions>;
  faults: RapiSimFaults = {};
  /** Every command received (checksum-checked frames only), as `$SC 16 V`. */
  readonly received: string[] = [];
  state: SimState;
  #port: SerialPort | null = null;
  #buffer = '';

  constructor(options: RapiSimOptions = {}) {
    this.options = {
      firmware: options.firmware ?? '8.2.3',
      rapiVersion: options.rapiVersion ?? '5.2.1',
      minAmps: options.minAmps ?? 6,
      hardwareMaxAmps: options.hardwareMaxAmps ?? 32,
      configuredMaxAmps: options.configuredMaxAmps ?? options.hardwareMaxAmps ?? 32,
      amps: options.amps ?? 16,
      bootMessage: options.bootMessage ?? true,
    };
    this.state = {
      evseState: 1,
      savedAmps: this.options.amps,
      amps: this.options.amps,
      sessionWs: 0,
      totalWh: 12_345,
      elapsedS: 0,
    };
  }

  /** Opens `path` (the device end of the pair) and starts answering. */
  async open(path: string, baudRate = 115_200): Promise<void> {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.on('error', () => {});
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    this.#port = port;
    port.on('data', (chunk: Buffer) => this.#receive(chunk));
    if (this.options.bootMessage) await this.#sendFrame(`$AB 00 ${this.options.firmware}`);
  }

  async close(): Promise<void> {
    const port = this.#port;
    this.#port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Changes the EVSE state (1 ready, 2 connected, 3 charging, 0xfe sleeping, 0xff disabled) and says so ($AT). */
  async setState(evseState: number): Promise<void> {
    this.state.evseState = evseState;
    await this.#sendFrame(`$AT ${hex(evseState)} ${hex(evseState)} ${this.state.amps} 0000`);
  }

  /** Raw bytes on the line, as a misbehaving controller would send them. */
  async sendRaw(text: string): Promise<void> {
    await this.#write(text);
  }

  #receive(chunk: Buffer): void {
    this.#buffer += chunk.toString('latin1');
    for (;;) {
      const end = this.#buffer.indexOf('\r');
      if (end < 0) break;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      void this.#answer(line);
    }
    if (this.#buffer.length > 512) this.#buffer = '';
  }

  async #answer(line: string): Promise<void> {
    if (this.faults.mute) return;
    const frame = parseRapiLine(line);
    if (!frame) return;
    // A frame whose checksum does not match: the controller cannot trust any of it.
    if (frame.checksumOk === false) return this.#sendFrame('$NK');
    this.received.push(`$${frame.kind}${frame.args.length ? ` ${frame.args.join(' ')}` : ''}`);
    if ((this.faults.silentCommands ?? 0) > 0) {
      this.faults.silentCommands = (this.faults.silentCommands ?? 0) - 1;
      return;
    }
    if ((this.faults.garbledCommands ?? 0) > 0) {
      this.faults.garbledCommands = (this.faults.garbledCommands ?? 0) - 1;
      return this.#sendFrame('$NK');
    }
    const seq = frame.sequence === null || this.faults.noSequenceIds ? '' : ` :${hex(frame.sequence)}`;
    const [ok, args, after] = this.#execute(frame.kind, frame.args);
    await this.faults.holdAnswer?.(this.received.at(-1) as string);
    await this.#sendFrame(`$${ok ? 'OK' : 'NK'}${args.length ? ` ${args.join(' ')}` : ''}${seq}`);
    if (after) await after();
  }

  #execute(command: string, args: string[]): [boolean, string[], (() => Promise<void>)?] {
    const s = this.state;
    const o = this.options;
    if (this.faults.refuse?.includes(command)) return [false, []];
    const maxAmps = Math.min(o.hardwareMaxAmps, o.configuredMaxAmps);
    switch (command) {
      case 'GV':
        return [true, [o.firmware, o.rapiVersion]];
      case 'GS':
        return [
          true,
          [hex(s.evseState), String(s.elapsedS), hex(s.evseState === 3 ? 3 : s.evseState), '0000'],
        ];
      case 'GC':
        return [
          true,
          [String(o.minAmps), String(o.hardwareMaxAmps), String(s.amps), String(o.configuredMaxAmps)],
        ];
      case 'GE':
        return [true, [String(s.amps), '0201']];
      case 'GG':
        return [true, [String(s.evseState === 3 ? s.amps * 1000 : 0), '230000']];
      case 'GU':
        return [true, [String(s.sessionWs), String(s.totalWh)]];
      case 'GI':
        return [true, ['OPNEVS0123']];
      case 'SC': {
        const wanted = Number(args[0]);
        if (!Number.isInteger(wanted)) return [false, []];
        if (args[1] === 'M') return [false, [String(s.amps)]];
        const set = Math.max(o.minAmps, Math.min(maxAmps, wanted));
        s.amps = set;
        if (args[1] !== 'V') s.savedAmps = set;
        return [set === wanted, [String(set)]];
      }
      case 'FE':
        s.evseState = 1;
        return [true, [], () => this.setState(1)];
      case 'FD':
        return [true, [], () => this.setState(0xff)];
      case 'FS':
        return [true, [], () => this.setState(0xfe)];
      case 'FR':
        return [
          true,
          [],
          async () => {
            s.amps = s.savedAmps;
            s.evseState = 1;
            await new Promise((resolve) => setTimeout(resolve, 20));
            await this.#sendFrame(`$AB 00 ${o.firmware}`);
          },
        ];
      default:
        return [false, []];
    }
  }

  async #sendFrame(body: string): Promise<void> {
    let checksum = rapiChecksum(body);
    if ((this.faults.wrongChecksumAnswers ?? 0) > 0 && (body.startsWith('$OK') || body.startsWith('$NK'))) {
      this.faults.wrongChecksumAnswers = (this.faults.wrongChecksumAnswers ?? 0) - 1;
      checksum = (Number.parseInt(checksum, 16) ^ 0x5a).toString(16).toUpperCase().padStart(2, '0');
    }
    const text = `${this.faults.noiseBeforeAnswer ?? ''}${body}^${checksum}\r`;
    const every = this.faults.splitAnswersEvery;
    if (!every) return this.#write(text);
    for (let i = 0; i < text.length; i += every) {
      await this.#write(text.slice(i, i + every));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  }

  #write(text: string): Promise<void> {
    const port = this.#port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) =>
      port.write(Buffer.from(text, 'latin1'), () => port.drain(() => resolve())),
    );
  }
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
