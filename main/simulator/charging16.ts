// Charging as a 1.6 box reports it: StatusNotification per connector, StartTransaction, MeterValues
// with a rising energy register, StopTransaction. Shared state lives in transactions.ts.
import type { Config16 } from './config16.ts';
import type { Payload } from './payload.ts';
import {
  type ConnectorBank,
  type EnergyMeter,
  measurandList,
  meterValue,
  type StationPort,
  type Transaction,
} from './transactions.ts';

const now = () => new Date().toISOString();

export function meterValue16(meter: EnergyMeter, measurands: string[], context: string): Payload {
  return meterValue(meter, measurands, (value, measurand, unit) => ({
    value: String(value),
    context,
    measurand,
    unit,
    location: 'Outlet',
  }));
}

function idTagStatus(answer: Payload | null): string {
  const info = answer?.idTagInfo;
  return typeof info === 'object' && info !== null && 'status' in info && typeof info.status === 'string'
    ? info.status
    : 'Invalid';
}

export class Charging16 {
  readonly #port: StationPort;
  readonly #bank: ConnectorBank;
  readonly #config: Config16;
  /** The box's own clock, off the real time by clockOffsetS (a box whose clock was never set). */
  readonly #clock: () => string;

  constructor(port: StationPort, bank: ConnectorBank, config: Config16, clockOffsetS = 0) {
    this.#port = port;
    this.#bank = bank;
    this.#config = config;
    this.#clock = () => new Date(Date.now() + clockOffsetS * 1000).toISOString();
  }

  /** Connector 0 is the box as a whole. */
  async status(connector: number): Promise<void> {
    let status: string;
    if (connector === 0) {
      const all = Array.from({ length: this.#bank.count }, (_, i) => this.#bank.state(i + 1));
      status = all.every((s) => s === 'Unavailable') ? 'Unavailable' : 'Available';
    } else {
      status = this.#bank.state(connector);
    }
    await this.#port.send('StatusNotification', {
      connectorId: connector,
      errorCode: 'NoError',
      status,
      timestamp: this.#clock(),
    });
  }

  async allStatus(): Promise<void> {
    for (let c = 0; c <= this.#bank.count; c++) await this.status(c);
  }

  async meterValues(connector: number, context: string): Promise<void> {
    const tx = this.#bank.tx(connector);
    const measurands = measurandList(this.#config.get('MeterValuesSampledData'));
    await this.#port.send('MeterValues', {
      connectorId: connector,
      ...(tx ? { transactionId: tx.id } : {}),
      meterValue: [meterValue16(this.#bank.meter(connector), measurands, context)],
    });
  }

  /** After RemoteStartTransaction was accepted for this (claimed) connector. */
  async start(connector: number, idTag: string): Promise<void> {
    await this.#port.send('StatusNotification', {
      connectorId: connector,
      errorCode: 'NoError',
      status: 'Preparing',
      timestamp: now(),
    });
    if (this.#config.bool('AuthorizeRemoteTxRequests')) {
      const auth = await this.#port.send('Authorize', { idTag });
      if (idTagStatus(auth) !== 'Accepted') {
        this.#bank.release(connector);
        await this.status(connector);
        return;
      }
    }
    const meterStart = this.#bank.meter(connector).readWh();
    const answer = await this.#port.send('StartTransaction', {
      connectorId: connector,
      idTag,
      meterStart,
      timestamp: now(),
    });
    if (!answer || typeof answer.transactionId !== 'number') {
      this.#bank.release(connector);
      await this.status(connector);
      return;
    }
    const tx: Transaction = {
      id: answer.transactionId,
      connector,
      idTag,
      meterStart,
      seqNo: 0,
      sampler: null,
    };
    this.#bank.begin(tx);
    this.#port.log(`transaction ${tx.id} started on connector ${connector}`);
    await this.status(connector);
    if (idTagStatus(answer) !== 'Accepted' && this.#config.bool('StopTransactionOnInvalidId')) {
      await this.stop(tx, 'DeAuthorized');
      return;
    }
    this.#sampleLater(tx);
  }

  async stop(tx: Transaction, reason: string): Promise<void> {
    if (this.#bank.find(tx.id) !== tx) return;
    const meter = this.#bank.meter(tx.connector);
    const meterStop = meter.readWh();
    const endData = measurandList(this.#config.get('StopTxnSampledData'));
    const nowUnavailable = this.#bank.finish(tx);
    this.#port.log(`transaction ${tx.id} stopped (${reason})`);
    await this.#port.send('StopTransaction', {
      transactionId: tx.id,
      idTag: tx.idTag,
      meterStop,
      timestamp: now(),
      reason,
      ...(endData.length > 0 ? { transactionData: [meterValue16(meter, endData, 'Transaction.End')] } : {}),
    });
    if (nowUnavailable) {
      await this.status(tx.connector);
      return;
    }
    // The driver unplugs at once: Finishing, then free again.
    await this.#port.send('StatusNotification', {
      connectorId: tx.connector,
      errorCode: 'NoError',
      status: 'Finishing',
      timestamp: now(),
    });
    await this.status(tx.connector);
  }

  async stopAll(reason: string): Promise<void> {
    for (const tx of this.#bank.active()) await this.stop(tx, reason);
  }

  #sampleLater(tx: Transaction): void {
    const seconds = this.#config.int('MeterValueSampleInterval');
    if (seconds <= 0) return;
    tx.sampler = this.#port.later(seconds * 1000, () => {
      tx.sampler = null;
      if (this.#bank.find(tx.id) !== tx) return;
      void this.meterValues(tx.connector, 'Sample.Periodic');
      this.#sampleLater(tx);
    });
  }
}
