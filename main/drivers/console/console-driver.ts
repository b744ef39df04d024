// Runs a console profile over a serial port: waits for the prompt (logging in when the box asks), sends
// one command at a time, and reads the box's answer lines against the profile's patterns.
import { SerialPort } from 'serialport';
import { AppError } from '../../api/errors.ts';
import { serialOpenError } from '../serial/open-errors.ts';
import { checkSettingWrite } from '../setting-check.ts';
import type {
  DriverCapability,
  SettingReading,
  SettingSpec,
  SettingValue,
  StationDriver,
  StationIdentity,
  WriteOptions,
} from '../station-driver.ts';
import { type ConsoleProfile, type ConsoleSetting, consoleSettingSpec } from './console-profile.ts';

export interface ConsoleCredentials {
  user: string;
  password: string;
}

/** Printable text only: a console's noise (NUL, escape sequences, bytes of a wrong baud rate) is dropped. */
const escapeSequence = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const notPrintable = /[^ -~\r\n\t\u00a0-\u00ff]/g;
function printable(text: string): string {
  return text.replace(escapeSequence, '').replace(notPrintable, '');
}

/** A character that could end a command line or start another (anything below space, and DEL). */
function hasControl(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);
}

export class ConsoleDriver implements StationDriver {
  readonly name: string;
  readonly capabilities: ReadonlySet<DriverCapability>;
  private readonly specs: SettingSpec[];
  private received = '';
  private waiter: (() => void) | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly profile: ConsoleProfile,
    private readonly port: SerialPort,
    private readonly path: string,
  ) {
    this.name = `console:${profile.name}`;
    this.specs = profile.settings.map(consoleSettingSpec);
    const caps: DriverCapability[] = [];
    if (profile.identify) caps.push('identify');
    if (profile.settings.some((s) => s.read)) caps.push('read-settings');
    if (profile.settings.some((s) => s.write)) caps.push('write-settings');
    if (profile.settings.some((s) => s.write && s.name.startsWith('current.')))
      caps.push('set-current-limits');
    if (profile.settings.some((s) => s.write && s.name.startsWith('ocpp.'))) caps.push('set-ocpp-endpoint');
    if (profile.reboot) caps.push('reboot');
    this.capabilities = new Set(caps);
    port.on('data', (chunk: Buffer) => {
      this.received += printable(chunk.toString('latin1'));
      if (this.received.length > 64_000) this.received = this.received.slice(-32_000);
      this.waiter?.();
    });
    port.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    port.on('error', () => undefined);
  }

  /** Opens the port with the profile's serial settings and waits for the prompt, logging in if asked. */
  static async open(
    profile: ConsoleProfile,
    path: string,
    credentials?: ConsoleCredentials,
  ): Promise<ConsoleDriver> {
    const port = new SerialPort({ path, ...profile.serial, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(serialOpenError(path, error)) : resolve())),
    );
    const driver = new ConsoleDriver(profile, port, path);
    try {
      await driver.start(credentials);
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private send(text: string): void {
    if (this.closed)
      throw new AppError('CONSOLE_PORT_FAILED', { path: this.path, detail: 'the port closed' });
    this.port.write(text + this.profile.lineEnding);
  }

  /** Waits until what arrived since the last send matches; the command is named in the timeout error. */
  private async waitUntil(done: (text: string) => boolean, command: string): Promise<string> {
    const timeoutMs = this.profile.timeoutMs;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new AppError('CONSOLE_NO_ANSWER', { command, timeoutMs }));
      }, timeoutMs);
      const check = () => {
        if (this.closed) {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(new AppError('CONSOLE_PORT_FAILED', { path: this.path, detail: 'the port closed' }));
        } else if (done(this.received)) {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve(this.received);
        }
      };
      this.waiter = check;
      check();
    });
  }

  private endsWithPrompt(text: string, prompt: string): boolean {
    return text.trimEnd().endsWith(prompt.trimEnd());
  }

  private async start(credentials?: ConsoleCredentials): Promise<void> {
    const { prompt, login } = this.profile;
    this.received = '';
    this.send('');
    const first = await this.waitUntil(
      (text) =>
        this.endsWithPrompt(text, prompt) ||
        (login !== undefined && this.endsWithPrompt(text, login.userPrompt)),
      '(Enter)',
    );
    if (!login || this.endsWithPrompt(first, prompt)) return;
    if (!credentials) throw new AppError('CONSOLE_LOGIN_FAILED', { answer: login.userPrompt });
    this.received = '';
    this.send(credentials.user);
    await this.waitUntil((text) => this.endsWithPrompt(text, login.passwordPrompt), '(user)');
    this.received = '';
    this.send(credentials.password);
    const failures = login.failure.map((f) => new RegExp(f));
    const answer = await this.waitUntil(
      (text) =>
        this.endsWithPrompt(text, prompt) ||
        this.endsWithPrompt(text, login.userPrompt) ||
        failures.some((f) => f.test(text)),
      '(password)',
    );
    if (!this.endsWithPrompt(answer, prompt)) {
      const said = this.lines(answer, credentials.password).join(' / ') || login.userPrompt;
      throw new AppError('CONSOLE_LOGIN_FAILED', { answer: said.slice(0, 120) });
    }
  }

  /** The answer's lines: without the echoed command, the prompt, empty lines, and any secret sent. */
  private lines(text: string, hide?: string, command?: string): string[] {
    const prompt = this.profile.prompt.trim();
    return text
      .split(/\r?\n|\r/)
      .map((line) => (hide ? line.split(hide).join('***') : line).trim())
      .filter((line) => line !== '' && line !== prompt && (command === undefined || line !== command.trim()))
      .map((line) => (line.endsWith(prompt) ? line.slice(0, -prompt.length).trim() : line))
      .filter((line) => line !== '');
  }

  /** Sends one command and returns the answer lines once the prompt is back. */
  async run(command: string, hide?: string): Promise<string[]> {
    return this.serial(async () => {
      this.received = '';
      this.send(command);
      const shown = hide ? command.split(hide).join('***') : command;
      const text = await this.waitUntil((t) => this.endsWithPrompt(t, this.profile.prompt), shown);
      return this.lines(text, hide, command);
    });
  }

  describeSettings(): readonly SettingSpec[] {
    return this.specs;
  }

  private setting(name: string): ConsoleSetting {
    const found = this.profile.settings.find((s) => s.name === name);
    if (!found)
      throw new AppError('CONSOLE_SETTING_UNKNOWN', {
        name: name.slice(0, 60),
        profile: this.profile.name,
        known: this.profile.settings.map((s) => s.name).join(', '),
      });
    return found;
  }

  async identify(): Promise<StationIdentity> {
    const details: Record<string, string> = { path: this.path };
    let firmware: string | null = null;
    let serialNumber: string | null = null;
    let model = this.profile.model;
    if (this.profile.identify) {
      const { command, pattern } = this.profile.identify;
      const re = new RegExp(pattern);
      const lines = await this.run(command);
      const match = lines.map((l) => re.exec(l)).find((m) => m !== null);
      if (!match)
        throw new AppError('CONSOLE_ANSWER_UNEXPECTED', {
          name: command,
          answer: lines.join(' / ').slice(0, 120),
        });
      firmware = match.groups?.firmware ?? null;
      serialNumber = match.groups?.serial ?? null;
      model = match.groups?.model ?? model;
    }
    return {
      driver: this.name,
      vendor: this.profile.vendor,
      model,
      firmware,
      serialNumber,
      protocol: 'service console',
      address: this.path,
      details,
    };
  }

  async readSettings(names?: readonly string[]): Promise<SettingReading[]> {
    const wanted = names ?? this.profile.settings.filter((s) => s.read).map((s) => s.name);
    const out: SettingReading[] = [];
    for (const name of wanted) {
      const s = this.setting(name);
      if (!s.read) {
        out.push({ name, value: null });
        continue;
      }
      const re = new RegExp(s.read.pattern);
      const lines = await this.run(s.read.command);
      const text = lines.map((l) => re.exec(l)?.groups?.value).find((v) => v !== undefined);
      if (text === undefined)
        throw new AppError('CONSOLE_ANSWER_UNEXPECTED', { name, answer: lines.join(' / ').slice(0, 120) });
      out.push({ name, value: this.typed(s, text) });
    }
    return out;
  }

  private typed(s: ConsoleSetting, text: string): SettingValue {
    if (s.type === 'integer' || s.type === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n))
        throw new AppError('CONSOLE_ANSWER_UNEXPECTED', { name: s.name, answer: text.slice(0, 120) });
      return n;
    }
    if (s.type === 'boolean') {
      const [yes] = s.write?.booleans ?? ['true', 'false'];
      return text === yes || ['true', '1', 'on', 'yes'].includes(text.toLowerCase());
    }
    return text;
  }

  async writeSetting(name: string, raw: SettingValue, options: WriteOptions = {}): Promise<void> {
    const s = this.setting(name);
    if (!s.write) throw new AppError('CONSOLE_SETTING_READ_ONLY', { name });
    const { value } = checkSettingWrite(this, name, raw);
    let text: string;
    if (typeof value === 'boolean') {
      const [yes, no] = s.write.booleans ?? ['true', 'false'];
      text = value ? yes : no;
    } else text = String(value);
    // One line, one command: a value that could end the line or start another is never sent.
    if (hasControl(text))
      throw new AppError('CONSOLE_VALUE_REFUSED', {
        name,
        value: s.secret ? '(hidden)' : JSON.stringify(text).slice(0, 60),
        rule: 'no line breaks or control characters',
      });
    if (options.signal?.aborted) throw new AppError('CANCELLED', {});
    const command = s.write.command.replace('{value}', text);
    const lines = await this.run(command, s.secret ? text : undefined);
    const answer = lines.join(' / ').slice(0, 120);
    if (s.write.failure.some((f) => lines.some((l) => new RegExp(f).test(l))))
      throw new AppError('CONSOLE_ANSWER_REFUSED', { name, answer });
    if (!s.write.success.some((f) => lines.some((l) => new RegExp(f).test(l))))
      throw new AppError('CONSOLE_ANSWER_UNEXPECTED', { name, answer });
  }

  async reboot(): Promise<void> {
    const reboot = this.profile.reboot;
    if (!reboot) throw new AppError('DRIVER_CAPABILITY_MISSING', { driver: this.name, capability: 'reboot' });
    await this.serial(async () => {
      this.received = '';
      this.send(reboot.command);
      // The box goes away without a prompt: the command having left the port is all there is to know.
      await new Promise<void>((resolve) => this.port.drain(() => resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.port.isOpen) resolve();
      else this.port.close(() => resolve());
    });
  }
}
