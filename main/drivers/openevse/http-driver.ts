// The OpenEVSE WiFi module's HTTP API as a StationDriver: the OCPP fields of /config (server, charge box
// id, auth key, idTag, enabled), with basic auth when the box has a password; 401 and silence are errors.
import { AppError } from '../../api/errors.ts';
import { checkSettingWrite } from '../setting-check.ts';
import {
  type DriverCapability,
  type SettingReading,
  type SettingSpec,
  type SettingValue,
  type StationDriver,
  type StationIdentity,
  type WriteOptions,
  wellKnownSettings,
} from '../station-driver.ts';

export const HTTP_DRIVER = 'openevse-http';

/** Our setting name → the /config field of the OpenEVSE WiFi firmware (ESP32 v4/v5). */
const fields: ReadonlyArray<{ spec: SettingSpec; field: string }> = [
  {
    field: 'ocpp_server',
    spec: {
      name: wellKnownSettings.ocppServer,
      type: 'string',
      unit: null,
      maxLength: 512,
      access: 'read-write',
      meaning: 'OCPP 1.6 backend URL (ocpp_server); the box appends its charge box id.',
    },
  },
  {
    field: 'ocpp_chargeBoxId',
    spec: {
      name: wellKnownSettings.ocppIdentity,
      type: 'string',
      unit: null,
      maxLength: 48,
      access: 'read-write',
    },
  },
  {
    field: 'ocpp_authkey',
    spec: {
      name: wellKnownSettings.ocppAuthKey,
      type: 'string',
      unit: null,
      maxLength: 40,
      access: 'write-only',
      secret: true,
      meaning: 'OCPP AuthorizationKey (basic auth password to the CSMS).',
    },
  },
  {
    field: 'ocpp_idtag',
    spec: {
      name: wellKnownSettings.ocppIdTag,
      type: 'string',
      unit: null,
      maxLength: 20,
      access: 'read-write',
    },
  },
  {
    field: 'ocpp_enabled',
    spec: { name: wellKnownSettings.ocppEnabled, type: 'boolean', unit: null, access: 'read-write' },
  },
];

export interface HttpDriverOptions {
  username?: string;
  password?: string;
  timeoutMs?: number;
}

/** `192.168.4.1`, `openevse.local:8080` or a full http(s) URL → the base URL without a trailing slash. */
export function httpBase(address: string): string {
  const base = /^https?:\/\//i.test(address) ? address : `http://${address}`;
  return base.replace(/\/+$/, '');
}

export class OpenEvseHttpDriver implements StationDriver {
  readonly name = HTTP_DRIVER;
  readonly capabilities: ReadonlySet<DriverCapability> = new Set<DriverCapability>([
    'identify',
    'read-settings',
    'write-settings',
    'set-ocpp-endpoint',
  ]);
  readonly #base: string;
  readonly #auth: string | null;
  readonly #timeoutMs: number;

  constructor(address: string, options: HttpDriverOptions = {}) {
    this.#base = httpBase(address);
    this.#auth =
      options.password !== undefined && options.password !== ''
        ? `Basic ${Buffer.from(`${options.username ?? 'admin'}:${options.password}`).toString('base64')}`
        : null;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** The address as shown: never with credentials. */
  get address(): string {
    return this.#base;
  }

  describeSettings(): readonly SettingSpec[] {
    return fields.map((f) => f.spec);
  }

  /** fetch's own words for a request that ran out of time, as the error every driver gives for silence. */
  #throwIfTimedOut(error: unknown): void {
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AppError('DRIVER_NO_ANSWER', {
        driver: this.name,
        address: this.#base,
        timeoutMs: this.#timeoutMs,
      });
    }
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#auth) headers.authorization = this.#auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      this.#throwIfTimedOut(error);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AppError(
        'DRIVER_HTTP_UNREACHABLE',
        { address: this.#base, detail: cause?.code ?? cause?.message ?? String(error) },
        { cause: error },
      );
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AppError('DRIVER_HTTP_AUTH', { address: this.#base });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppError('DRIVER_HTTP_STATUS', { address: this.#base, status: response.status });
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (error) {
      this.#throwIfTimedOut(error);
      throw new AppError('DRIVER_BAD_ANSWER', {
        driver: this.name,
        address: this.#base,
        detail: `${path}: not JSON`,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AppError('DRIVER_BAD_ANSWER', {
        driver: this.name,
        address: this.#base,
        detail: `${path}: not an object`,
      });
    }
    return parsed as Record<string, unknown>;
  }

  async identify(): Promise<StationIdentity> {
    const config = await this.#call('GET', '/config');
    const text = (key: string) =>
      typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : null;
    const details: Record<string, string> = {};
    for (const key of ['version', 'hostname', 'buildenv', 'protocol']) {
      const value = text(key);
      if (value) details[key] = value;
    }
    return {
      driver: this.name,
      vendor: 'OpenEVSE',
      model: text('buildenv'),
      // `firmware` is the controller's (read over RAPI by the module); `version` the WiFi module's own.
      firmware: text('firmware'),
      serialNumber: null,
      protocol: `HTTP${text('version') ? ` (WiFi ${text('version')})` : ''}`,
      address: this.#base,
      details,
    };
  }

  async readSettings(names?: readonly string[]): Promise<SettingReading[]> {
    const config = await this.#call('GET', '/config');
    const wanted = names ?? fields.map((f) => f.spec.name);
    return wanted.map((name) => {
      const entry = fields.find((f) => f.spec.name === name);
      if (!entry) throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: this.name, name });
      if (entry.spec.access === 'write-only') return { name, value: null };
      const raw = config[entry.field];
      if (raw === undefined || raw === null) return { name, value: null };
      if (entry.spec.type === 'boolean')
        return { name, value: raw === true || raw === 1 || raw === '1' || raw === 'true' };
      return { name, value: String(raw) };
    });
  }

  async writeSetting(name: string, raw: SettingValue, options: WriteOptions = {}): Promise<void> {
    const { value } = checkSettingWrite(this, name, raw);
    const entry = fields.find((f) => f.spec.name === name);
    if (!entry) throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: this.name, name });
    if (options.signal?.aborted) throw new AppError('CANCELLED');
    try {
      await this.#call('POST', '/config', { [entry.field]: value });
    } catch (error) {
      // A POST that timed out may have been applied: say so instead of claiming either way.
      if (error instanceof AppError && error.code === 'DRIVER_NO_ANSWER') {
        throw new AppError('DRIVER_WRITE_UNCONFIRMED', { name, detail: error.code }, { cause: error });
      }
      throw error;
    }
  }

  async close(): Promise<void> {}
}
