// Charging as a 2.0.1 box reports it: StatusNotification per EVSE connector, TransactionEvent Started,
// Updated with meter values, Ended. One EVSE per connector; shared state lives in transactions.ts.
import { randomUUID } from 'node:crypto';
import type { DeviceModel } from './device-model201.ts';
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

export function meterValue201(meter: EnergyMeter, measurands: string[], context: string): Payload {
  return meterValue(meter, measurands, (value, measurand, unit) => ({
    value,
    context,
    measurand,
    location: 'Outlet',
    unitOfMeasure: { unit: unit ?? 'Wh' },
  }));
}

export class Charging201 {
  readonly #port: StationPort;
  readonly #bank: ConnectorBank;
  readonly #model: DeviceModel;
  readonly #onIdle: () => void;

  constructor(port: StationPort, bank: ConnectorBank, model: DeviceModel, onIdle: () => void) {
    this.#port = port;
    this.#bank = bank;
    this.#model = model;
    this.#onIdle = onIdle;
  }

  async status(evse: number): Promise<void> {
    const state = this.#bank.state(evse);
    const connectorStatus = state === 'Available' || state === 'Unavailable' ? state : 'Occupied';
    await this.#port.send('StatusNotification', {
      timestamp: now(),
      connectorStatus,
      evseId: evse,
      connectorId: 1,
    });
  }

  async allStatus(): Promise<void> {
    for (let evse = 1; evse <= this.#bank.count; evse++) await this.status(evse);
  }

  async meterValues(evse: number, context: string): Promise<void> {
    const measurands = measurandList(this.#model.value('AlignedDataCtrlr.Measurands'));
    await this.#port.send('MeterValues', {
      evseId: evse,
      meterValue: [meterValue201(this.#bank.meter(evse), measurands, context)],
    });
  }

  /** After RequestStartTransaction was accepted for this (claimed) EVSE. */
  async start(
    evse: number,
    idToken: { idToken: string; type: string },
    remoteStartId: number,
  ): Promise<void> {
    const meter = this.#bank.meter(evse);
    const tx: Transaction = {
      id: randomUUID(),
      connector: evse,
      idTag: idToken.idToken,
      tokenType: idToken.type,
      meterStart: meter.readWh(),
      seqNo: 0,
      remoteStartId,
      sampler: null,
    };
    this.#bank.begin(tx);
    this.#port.log(`transaction ${tx.id} started on EVSE ${evse}`);
    const answer = await this.#event(tx, 'Started', 'RemoteStart', {
      chargingState: 'Charging',
      remoteStartId,
      measurands: 'SampledDataCtrlr.TxStartedMeasurands',
      context: 'Transaction.Begin',
      withToken: true,
    });
    await this.status(evse);
    const info = answer?.idTokenInfo;
    const status = typeof info === 'object' && info !== null && 'status' in info ? info.status : 'Accepted';
    if (status !== 'Accepted' && this.#model.value('TxCtrlr.StopTxOnInvalidId') === 'true') {
      await this.stop(tx, 'DeAuthorized', 'Deauthorized');
      return;
    }
    this.#updateLater(tx);
  }

  async stop(tx: Transaction, reason: string, trigger: string): Promise<void> {
    if (this.#bank.find(tx.id) !== tx) return;
    const meter = this.#bank.meter(tx.connector);
    meter.stop();
    const event = this.#event(tx, 'Ended', trigger, {
      chargingState: 'EVConnected',
      stoppedReason: reason,
      measurands: 'SampledDataCtrlr.TxEndedMeasurands',
      context: 'Transaction.End',
      withToken: false,
    });
    this.#bank.finish(tx);
    this.#port.log(`transaction ${tx.id} ended (${reason})`);
    await event;
    await this.status(tx.connector);
    if (this.#bank.active().length === 0) this.#onIdle();
  }

  async stopAll(reason: string, trigger: string): Promise<void> {
    for (const tx of this.#bank.active()) await this.stop(tx, reason, trigger);
  }

  /** TriggerMessage TransactionEvent: an Updated event for the transaction on the EVSE. */
  async updated(tx: Transaction, trigger: string, context: string): Promise<void> {
    await this.#event(tx, 'Updated', trigger, {
      chargingState: 'Charging',
      measurands: 'SampledDataCtrlr.TxUpdatedMeasurands',
      context,
      withToken: false,
    });
  }

  #event(
    tx: Transaction,
    eventType: 'Started' | 'Updated' | 'Ended',
    triggerReason: string,
    extra: {
      chargingState: string;
      remoteStartId?: number;
      stoppedReason?: string;
      measurands: string;
      context: string;
      withToken: boolean;
    },
  ): Promise<Payload | null> {
    const transactionInfo: Payload = { transactionId: String(tx.id), chargingState: extra.chargingState };
    if (extra.remoteStartId !== undefined) transactionInfo.remoteStartId = extra.remoteStartId;
    if (extra.stoppedReason) transactionInfo.stoppedReason = extra.stoppedReason;
    const measurands = measurandList(this.#model.value(extra.measurands));
    const payload: Payload = {
      eventType,
      timestamp: now(),
      triggerReason,
      seqNo: tx.seqNo++,
      transactionInfo,
      evse: { id: tx.connector, connectorId: 1 },
      meterValue: [meterValue201(this.#bank.meter(tx.connector), measurands, extra.context)],
    };
    if (extra.withToken) payload.idToken = { idToken: tx.idTag, type: tx.tokenType ?? 'Central' };
    return this.#port.send('TransactionEvent', payload);
  }

  #updateLater(tx: Transaction): void {
    const seconds = this.#model.int('SampledDataCtrlr.TxUpdatedInterval');
    if (seconds <= 0) return;
    tx.sampler = this.#port.later(seconds * 1000, () => {
      tx.sampler = null;
      if (this.#bank.find(tx.id) !== tx) return;
      void this.updated(tx, 'MeterValuePeriodic', 'Sample.Periodic');
      this.#updateLater(tx);
    });
  }
}
