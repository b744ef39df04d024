// Connectors, their energy meters and the transaction on each: the charging state both OCPP versions of
// the simulated box share. The messages that report it are written per version (charging16/201).
import type { Payload } from './payload.ts';

/** The slice of the running box that charging needs: send, timers and the log. */
export interface StationPort {
  send(method: string, params: Payload): Promise<Payload | null>;
  later(ms: number, fn: () => void): NodeJS.Timeout;
  cancel(timer: NodeJS.Timeout | null): void;
  log(line: string): void;
}

export const measurandUnits: Readonly<Record<string, string>> = {
  'Energy.Active.Import.Register': 'Wh',
  'Power.Active.Import': 'W',
  'Current.Import': 'A',
  Voltage: 'V',
};

/** What this box can measure; asking for anything else is refused. */
export const supportedMeasurands = Object.keys(measurandUnits);

const CHARGING_POWER_W = 11_000;
const VOLTAGE_V = 230;
const PHASES = 3;

/** An energy register that rises while the connector charges and never falls. */
export class EnergyMeter {
  #wh: number;
  #since: number | null = null;
  #lastRead = 0;

  constructor(startWh: number) {
    this.#wh = startWh;
  }

  get charging(): boolean {
    return this.#since !== null;
  }

  start(): void {
    this.#settle();
    this.#since = Date.now();
  }

  stop(): void {
    this.#settle();
    this.#since = null;
  }

  /** The register in whole Wh; two readings while charging always differ. */
  readWh(): number {
    this.#settle();
    let wh = Math.floor(this.#wh);
    if (this.charging && wh <= this.#lastRead) {
      wh = this.#lastRead + 1;
      this.#wh = wh;
    }
    this.#lastRead = Math.max(this.#lastRead, wh);
    return wh;
  }

  /** One measurand's present value, or null for one this box cannot measure. */
  sample(measurand: string): number | null {
    switch (measurand) {
      case 'Energy.Active.Import.Register':
        return this.readWh();
      case 'Power.Active.Import':
        return this.charging ? CHARGING_POWER_W : 0;
      case 'Current.Import':
        return this.charging ? Math.round((CHARGING_POWER_W / (VOLTAGE_V * PHASES)) * 10) / 10 : 0;
      case 'Voltage':
        return VOLTAGE_V;
      default:
        return null;
    }
  }

  #settle(): void {
    if (this.#since === null) return;
    const now = Date.now();
    this.#wh += ((now - this.#since) * CHARGING_POWER_W) / 3_600_000;
    this.#since = now;
  }
}

export interface Transaction {
  id: number | string;
  connector: number;
  idTag: string;
  /** 2.0.1 IdTokenType type (ISO14443, Central, ...). */
  tokenType?: string;
  meterStart: number;
  /** 2.0.1 TransactionEvent sequence, counted per transaction. */
  seqNo: number;
  remoteStartId?: number;
  sampler: NodeJS.Timeout | null;
}

interface Connector {
  meter: EnergyMeter;
  tx: Transaction | null;
  /** Claimed by a start that has not finished yet. */
  busy: boolean;
  operative: boolean;
  /** ChangeAvailability Inoperative arrived while charging: applied when the transaction ends. */
  goInoperative: boolean;
}

export type ConnectorState = 'Available' | 'Preparing' | 'Charging' | 'Unavailable';

/** One MeterValue: a sample of each wanted measurand the meter has (the energy register by default),
 *  each shaped as the box's OCPP version writes a sampledValue. */
export function meterValue(
  meter: EnergyMeter,
  measurands: string[],
  shape: (value: number, measurand: string, unit: string | undefined) => Record<string, unknown>,
): { timestamp: string; sampledValue: Array<Record<string, unknown>> } {
  const wanted = measurands.length > 0 ? measurands : ['Energy.Active.Import.Register'];
  const sampledValue = wanted.flatMap((measurand) => {
    const value = meter.sample(measurand);
    return value === null ? [] : [shape(value, measurand, measurandUnits[measurand])];
  });
  return { timestamp: new Date().toISOString(), sampledValue };
}

export function measurandList(value: string): string[] {
  return value
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
}

export class ConnectorBank {
  readonly count: number;
  readonly #connectors: Connector[];

  constructor(count: number) {
    this.count = count;
    this.#connectors = Array.from({ length: count }, (_, i) => ({
      meter: new EnergyMeter(1_000 * (i + 1)),
      tx: null,
      busy: false,
      operative: true,
      goInoperative: false,
    }));
  }

  has(connector: number): boolean {
    return Number.isInteger(connector) && connector >= 1 && connector <= this.count;
  }

  meter(connector: number): EnergyMeter {
    return this.#at(connector).meter;
  }

  tx(connector: number): Transaction | null {
    return this.has(connector) ? this.#at(connector).tx : null;
  }

  find(id: number | string): Transaction | undefined {
    return this.active().find((tx) => tx.id === id);
  }

  active(): Transaction[] {
    return this.#connectors.flatMap((c) => (c.tx ? [c.tx] : []));
  }

  state(connector: number): ConnectorState {
    const c = this.#at(connector);
    if (c.tx) return 'Charging';
    if (c.busy) return 'Preparing';
    return c.operative ? 'Available' : 'Unavailable';
  }

  /** Reserves the given connector, or the first free one, for a start; null when none can take it. */
  claim(connector?: number): number | null {
    const candidates = connector === undefined ? this.#numbers() : [connector];
    for (const n of candidates) {
      if (!this.has(n)) continue;
      const c = this.#at(n);
      if (!c.busy && !c.tx && c.operative) {
        c.busy = true;
        return n;
      }
    }
    return null;
  }

  release(connector: number): void {
    this.#at(connector).busy = false;
  }

  begin(tx: Transaction): void {
    const c = this.#at(tx.connector);
    c.tx = tx;
    c.busy = false;
    c.meter.start();
  }

  /** Ends the transaction's bookkeeping; true when the connector now goes Unavailable as asked before. */
  finish(tx: Transaction): boolean {
    const c = this.#at(tx.connector);
    if (tx.sampler) clearTimeout(tx.sampler);
    tx.sampler = null;
    c.meter.stop();
    c.tx = null;
    c.busy = false;
    if (c.goInoperative) {
      c.goInoperative = false;
      c.operative = false;
      return true;
    }
    return false;
  }

  /** Applies ChangeAvailability to one connector: 'Scheduled' when a transaction runs on it. */
  setOperative(connector: number, operative: boolean): 'Accepted' | 'Scheduled' {
    const c = this.#at(connector);
    if (!operative && (c.tx || c.busy)) {
      c.goInoperative = true;
      return 'Scheduled';
    }
    c.goInoperative = false;
    c.operative = operative;
    return 'Accepted';
  }

  stopAll(): void {
    for (const c of this.#connectors) {
      if (c.tx?.sampler) clearTimeout(c.tx.sampler);
      c.meter.stop();
      c.tx = null;
      c.busy = false;
    }
  }

  #numbers(): number[] {
    return Array.from({ length: this.count }, (_, i) => i + 1);
  }

  #at(connector: number): Connector {
    const c = this.#connectors[connector - 1];
    if (!c) throw new Error(`no connector ${connector}`);
    return c;
  }
}
