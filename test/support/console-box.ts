// A box with a line-based service console on the device end of a socat pty pair, speaking the shipped
// example profile's dialect (prompt, login, echo, get/set/version/reboot) with the prompts the profile names;
// it can go silent, send noise and half lines, or answer what no profile expects.
import { SerialPort } from 'serialport';
import type { ConsoleProfile } from '../../main/drivers/console/console-profile.ts';

export interface ConsoleBoxOptions {
  user?: string;
  password?: string;
  values?: Record<string, string>;
  /** Allowed range for numeric keys, as the firmware checks them (answers ERR out of range). */
  ranges?: Record<string, [number, number]>;
}

export interface ConsoleBox {
  values: Record<string, string>;
  /** Every command line received, in order (what actually went on the wire). */
  received: string[];
  faults: { silent?: boolean; noise?: boolean; weirdAnswer?: string };
  reboots: number;
  close(): Promise<void>;
}

const keys: Record<string, string> = {
  maxcurrent: 'maxcurrent',
  failsafe: 'failsafe',
  'ocpp.url': 'ocpp.url',
  'ocpp.id': 'ocpp.id',
  'ocpp.key': 'ocpp.key',
  'ocpp.enabled': 'ocpp.enabled',
};

export async function startConsoleBox(
  path: string,
  profile: ConsoleProfile,
  options: ConsoleBoxOptions = {},
): Promise<ConsoleBox> {
  const port = new SerialPort({ path, baudRate: profile.serial.baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const eol = profile.lineEnding;
  const box: ConsoleBox = {
    values: {
      maxcurrent: '16',
      failsafe: '6',
      'ocpp.url': 'ws://old.example/ocpp',
      'ocpp.id': 'WB-0001',
      'ocpp.key': '',
      'ocpp.enabled': 'off',
      ...options.values,
    },
    received: [],
    faults: {},
    reboots: 0,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
  const ranges = options.ranges ?? { maxcurrent: [6, 32], failsafe: [0, 32] };
  let state: 'user' | 'password' | 'shell' = profile.login ? 'user' : 'shell';
  let user = '';
  const prompt = () => {
    if (state === 'user') return `${profile.login?.userPrompt} `;
    if (state === 'password') return `${profile.login?.passwordPrompt} `;
    return `${profile.prompt} `;
  };
  const say = (lines: string[]) => {
    if (box.faults.silent) return;
    const noise = box.faults.noise ? '\x00\xff#~\x1b[2K' : '';
    port.write(Buffer.from(noise + lines.map((l) => l + eol).join('') + prompt(), 'latin1'));
  };
  const answer = (line: string): string[] => {
    if (box.faults.weirdAnswer) return [box.faults.weirdAnswer];
    const [word, key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (word === 'version') return ['EXAMPLE WB-11 fw 2.4.1 sn 00012345'];
    if (word === 'reboot') {
      box.reboots++;
      return ['Rebooting...'];
    }
    if (word === 'get' && key && keys[key] && key !== 'ocpp.key') return [`${key}=${box.values[key]}`];
    if (word === 'set' && key && keys[key] && value !== '') {
      const range = ranges[key];
      if (range && (!/^\d+$/.test(value) || Number(value) < range[0] || Number(value) > range[1]))
        return ['ERR out of range'];
      if (key === 'ocpp.enabled' && value !== 'on' && value !== 'off') return ['ERR on or off'];
      box.values[key] = value;
      return ['OK'];
    }
    return ['ERR unknown command'];
  };
  let buffer = '';
  port.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      if (end === -1) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      box.received.push(line);
      if (state === 'user') {
        if (line === '') say([]);
        else {
          user = line;
          state = 'password';
          say([]);
        }
      } else if (state === 'password') {
        const ok = user === options.user && line === options.password;
        state = ok ? 'shell' : 'user';
        say(ok ? ['Welcome'] : ['Login incorrect']);
      } else if (line.trim() === '') say([]);
      else say([line, ...answer(line.trim())]); // the console echoes what it was sent
    }
  });
  return box;
}
