// The OpenEVSE controller over its RAPI serial port as a StationDriver: identify ($GV, $GI), current
// capacity (saved or volatile, range from $GC), enable/disable, restart, live state ($GS/$GG/$GU and $AT).
import { AppError } from '../../api/errors.ts';
import type { ByteLine } from '../serial/serial-line.ts';
import { SerialLine } from '../serial/serial-line.ts';
import { checkSettingWrite } from '../setting-check.ts';
import {
  type DriverCapability,
  type LiveStatus,
  type SettingReading,
  type SettingSpec,
  type SettingValue,
  type StationDriver,
  type StationIdentity,
  type WriteOptions,
  wellKnownSettings,
} from '../station-driver.ts';
import { RapiClient, type RapiClientOptions } from './rapi-client.ts';
import type { RapiFrame } from './rapi-frame.ts';

export const RAPI_DRIVER = 'openevse-rapi';
export const RAPI_BAUD = 115_200;

const ENABLED = 'openevse.enabled';

/** EVSE_STATE_xxx of the firmware, as the run and the UI show them. */
export function rapiState(code: number): LiveStatus['state'] {
  if (code === 0) return 'booting';
  if (code === 1) return 'ready';
  if (code === 2) return 'connected';
  if (code === 3) return 'charging';
  if (code >= 4 && code <= 11) return 'error';
  if (code === 0xfe) return 'sleeping';
  if (code === 0xff) return 'disabled';
  return 'unknown';
}

const int = (text: string | undefined): number | null => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) ? n : null;
};

export class OpenEvseRapiDriver implements StationDriver {
  readonly name = RAPI_DRIVER;
  readonly capabilities: ReadonlySet<DriverCapability> = new Set<DriverCapability>([
    'identify',
    'read-settings',
    'write-settings',
    'set-current-limits',
    'reboot',
    'live-status',
  ]);
  readonly client: RapiClient;
  readonly #line: ByteLine;
  /** From $GC: the box's own limits; until read, the J1772 range. */
  #range = { min: 6, max: 80 };
  #rangeRead = false;

  constructor(line: ByteLine, options: RapiClientOptions = {}) {
    this.#line = line;
    this.client = new RapiClient(line, options);
  }

  static async open(
    path: string,
    options: RapiClientOptions & { baudRate?: number } = {},
  ): Promise<OpenEvseRapiDriver> {
    const line = await SerialLine.open(path, { baudRate: options.baudRate ?? RAPI_BAUD });
    return new OpenEvseRapiDriver(line, options);
  }

  describeSettings(): readonly SettingSpec[] {
    const range = { min: this.#range.min, max: this.#range.max, step: 1 };
    return [
      {
        name: wellKnownSettings.currentInstallation,
        type: 'integer',
        unit: 'A',
        range,
        access: 'read-write',
        meaning: 'Current capacity saved in EEPROM ($SC amps); kept over a restart.',
      },
      {
        name: wellKnownSettings.currentCharging,
        type: 'integer',
        unit: 'A',
        range,
        access: 'read-write',
        volatile: true,
        meaning: 'Current capacity for now ($SC amps V); back to the saved value at the next restart.',
      },
      {
        name: ENABLED,
        type: 'boolean',
        unit: null,
        access: 'read-write',
        meaning: 'Whether the EVSE may charge ($FE enable / $FD disable).',
      },
    ];
  }

  async #readRange(): Promise<void> {
    const [min, hardMax, , configuredMax] = (await this.client.ok('GC')).map((a) => int(a));
    if (min === null || min === undefined || hardMax === null || hardMax === undefined) {
      throw new AppError('DRIVER_BAD_ANSWER', {
        driver: this.name,
        address: this.#line.address,
        detail: '$GC',
      });
    }
    this.#range = { min, max: Math.min(hardMax, configuredMax ?? hardMax) };
    this.#rangeRead = true;
  }

  async identify(): Promise<StationIdentity> {
    const [firmware, protocol] = await this.client.ok('GV');
    let serialNumber: string | null = null;
    const id = await this.client.request('GI');
    if (id.ok && id.args[0]) serialNumber = id.args.join(' ');
    await this.#readRange();
    return {
      driver: this.name,
      vendor: 'OpenEVSE',
      model: null,
      firmware: firmware ?? null,
      serialNumber,
      protocol: `RAPI${protocol ? ` ${protocol}` : ''}`,
      address: this.#line.address,
      details: { minAmps: String(this.#range.min), maxAmps: String(this.#range.max) },
    };
  }

  async readSettings(names?: readonly string[]): Promise<SettingReading[]> {
    if (!this.#rangeRead) await this.#readRange();
    const wanted = names ?? this.describeSettings().map((s) => s.name);
    const readings: SettingReading[] = [];
    for (const name of wanted) {
      if (name === wellKnownSettings.currentInstallation || name === wellKnownSettings.currentCharging) {
        readings.push({ name, value: int((await this.client.ok('GE'))[0]) });
      } else if (name === ENABLED) {
        const state = Number.parseInt((await this.client.ok('GS'))[0] ?? '', 16);
        readings.push({ name, value: !['disabled', 'sleeping'].includes(rapiState(state)) });
      } else {
        throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: this.name, name });
      }
    }
    return readings;
  }

  async writeSetting(name: string, raw: SettingValue, options: WriteOptions = {}): Promise<void> {
    if (!this.#rangeRead) await this.#readRange();
    const { value } = checkSettingWrite(this, name, raw);
    if (options.signal?.aborted) throw new AppError('CANCELLED');
    if (name === ENABLED) {
      await this.client.ok(value ? 'FE' : 'FD');
      return;
    }
    const amps = String(value);
    const answer = await this.#unconfirmedOnLoss(name, () =>
      this.client.request('SC', name === wellKnownSettings.currentCharging ? [amps, 'V'] : [amps]),
    );
    // $NK amps: the controller clamped (over temperature, or a limit it did not report): not what was asked.
    if (!answer.ok || answer.args[0] !== amps) {
      throw new AppError('DRIVER_WRITE_REFUSED', {
        driver: this.name,
        name,
        detail: `$NK ${answer.args.join(' ')}`.trim(),
      });
    }
  }

  /** A write whose answer never came may or may not have landed: say exactly that. */
  async #unconfirmedOnLoss<T>(name: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (
        error instanceof AppError &&
        (error.code === 'SERIAL_PORT_GONE' || error.code === 'DRIVER_NO_ANSWER')
      ) {
        throw new AppError('DRIVER_WRITE_UNCONFIRMED', { name, detail: error.code }, { cause: error });
      }
      throw error;
    }
  }

  async reboot(): Promise<void> {
    await this.client.ok('FR', [], { retries: 0 });
  }

  async readStatus(): Promise<LiveStatus> {
    const [stateHex] = await this.client.ok('GS');
    const code = Number.parseInt(stateHex ?? '', 16);
    const [milliamps, millivolts] = (await this.client.ok('GG')).map((a) => int(a));
    const [wattSeconds, totalWh] = (await this.client.ok('GU')).map((a) => int(a));
    return {
      at: new Date().toISOString(),
      state: rapiState(code),
      raw: stateHex ?? '',
      ...(milliamps !== null && milliamps !== undefined && milliamps >= 0
        ? { currentA: milliamps / 1000 }
        : {}),
      ...(millivolts !== null && millivolts !== undefined && millivolts > 0
        ? { voltageV: millivolts / 1000 }
        : {}),
      ...(wattSeconds !== null && wattSeconds !== undefined ? { sessionEnergyWh: wattSeconds / 3600 } : {}),
      ...(totalWh !== null && totalWh !== undefined ? { totalEnergyWh: totalWh } : {}),
    };
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    return this.client.onAsync((frame: RapiFrame) => {
      if (frame.kind === 'AT' || frame.kind === 'ST') {
        const code = Number.parseInt(frame.args[0] ?? '', 16);
        const amps = int(frame.args[2]);
        listener({
          at: new Date().toISOString(),
          state: rapiState(code),
          raw: frame.args[0] ?? '',
          ...(amps !== null ? { currentA: amps } : {}),
        });
      } else if (frame.kind === 'AB') {
        listener({ at: new Date().toISOString(), state: 'booting', raw: `AB ${frame.args.join(' ')}` });
      }
    });
  }

  async close(): Promise<void> {
    this.client.close();
    await this.#line.close();
  }
}
