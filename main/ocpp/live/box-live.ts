// The live state of one box, folded from the frames it exchanges (local CSMS or proxy alike): OCPP 1.6
// and 2.0.1 status, errors, heartbeats, transactions and meter values, and the notices they give rise to.
import { frameValue } from '../trace.ts';
import type { TraceFrame } from '../types.ts';
import type {
  LiveBox,
  LiveConnector,
  LiveError,
  LiveNotice,
  LiveTransaction,
  MeterPoint,
} from './live-types.ts';
import { meterPoints } from './meter-sample.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const time = (v: unknown, fallback: string): string =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : fallback;

/** The box's calls that change its live state, and the calls whose answer does (#fromBox, #answered). */
const boxActionsShown = new Set([
  'Heartbeat',
  'StatusNotification',
  'MeterValues',
  'StopTransaction',
  'TransactionEvent',
  'NotifyEvent',
]);
const answersShown = new Set([
  'BootNotification',
  'StartTransaction',
  'ChangeConfiguration',
  'SetChargingProfile',
]);

const MAX_POINTS = 500;
const MAX_ERRORS = 50;
const MAX_NOTICES = 50;
const MAX_CLOSED = 3;

interface OpenTx {
  tx: LiveTransaction;
  /** When the energy register last rose (or the transaction began). */
  lastRiseAt: string;
  lastEnergyWh: number | null;
  lastOfferedA: number | null;
  /** The idle stretch that was already told (its lastRiseAt), so it is told once. */
  idleTold: string | null;
}

interface PendingCall {
  action: string;
  payload: Json;
  at: string;
}

export class BoxLive {
  readonly identity: string;
  protocol: '1.6' | '2.0.1' | null = null;
  connected = false;
  readonly #connectors = new Map<string, LiveConnector>();
  #errors: LiveError[] = [];
  #heartbeatLast: string | null = null;
  #heartbeatIntervalS: number | null = null;
  readonly #open = new Map<string, OpenTx>();
  #closed: LiveTransaction[] = [];
  #notices: LiveNotice[] = [];
  readonly #pending = new Map<string, PendingCall>();
  #updatedAt: string;
  /** Whether the last frame applied changed anything a snapshot shows (besides updatedAt). */
  #shown = false;

  constructor(identity: string, at: string) {
    this.identity = identity;
    this.#updatedAt = at;
  }

  /** Whether the frame applied last changed what a snapshot shows (its time aside): a CSMS's call at the
   *  box, or an answer that changes nothing here, need not be told to anyone watching. */
  get shownChanged(): boolean {
    return this.#shown;
  }

  /** Folds one frame in; returns the notices it gave rise to. */
  apply(frame: TraceFrame, idleMinutes: number): LiveNotice[] {
    this.#shown = false;
    if (frame.side === 'tool') return [];
    this.#updatedAt = frame.at;
    if (frame.direction === 'event') {
      this.#shown = true;
      if (frame.kind === 'connected') {
        this.connected = true;
        const details = frameValue(frame);
        if (isObject(details) && details.protocol === 'ocpp1.6') this.protocol = '1.6';
        if (isObject(details) && details.protocol === 'ocpp2.0.1') this.protocol = '2.0.1';
      } else if (frame.kind === 'disconnected') this.connected = false;
      return [];
    }
    const message = frameValue(frame);
    if (!Array.isArray(message) || typeof message[1] !== 'string') return [];
    if (!this.connected) this.#shown = true;
    this.connected = true;
    const key = `${frame.direction}:${message[1]}`;
    if (message[0] === 2 && typeof message[2] === 'string' && isObject(message[3])) {
      this.#pending.set(key, { action: message[2], payload: message[3], at: frame.at });
      if (this.#pending.size > 200) this.#pending.delete(this.#pending.keys().next().value as string);
      return frame.direction === 'in' ? this.#fromBox(message[2], message[3], frame.at, idleMinutes) : [];
    }
    if (message[0] === 3 || message[0] === 4) {
      const callKey = `${frame.direction === 'in' ? 'out' : 'in'}:${message[1]}`;
      const call = this.#pending.get(callKey);
      this.#pending.delete(callKey);
      if (call && message[0] === 3 && isObject(message[2])) return this.#answered(call, message[2], frame.at);
    }
    return [];
  }

  /** Looks at the clock: a transaction without energy for idleMinutes until `now` is told as idle. */
  tick(now: string, idleMinutes: number): LiveNotice[] {
    const notices: LiveNotice[] = [];
    for (const open of this.#open.values()) {
      const notice = this.#idle(open, now, idleMinutes);
      if (notice) notices.push(notice);
    }
    return notices;
  }

  snapshot(now: string, idleMinutes: number): LiveBox {
    const interval = this.#heartbeatIntervalS;
    const last = this.#heartbeatLast;
    const late =
      interval !== null && interval > 0 && last !== null
        ? Date.parse(now) - Date.parse(last) > interval * 1500
        : false;
    const connectors = [...this.#connectors.values()].sort(
      (a, b) => (a.evseId ?? 0) - (b.evseId ?? 0) || a.connectorId - b.connectorId,
    );
    return {
      identity: this.identity,
      protocol: this.protocol,
      connected: this.connected,
      connectors,
      errors: [...this.#errors].reverse(),
      heartbeat: { last, intervalS: interval, late },
      transactions: [...[...this.#open.values()].map((o) => o.tx), ...this.#closed].map((tx) => ({
        ...tx,
        points: [...tx.points],
      })),
      notices: [...this.#notices].reverse(),
      idleMinutes,
      updatedAt: this.#updatedAt,
    };
  }

  #fromBox(action: string, p: Json, at: string, idleMinutes: number): LiveNotice[] {
    // Each action below changes what is shown; any other (Authorize, DataTransfer, ...) changes nothing.
    this.#shown ||= boxActionsShown.has(action);
    switch (action) {
      case 'Heartbeat':
        this.#heartbeatLast = at;
        return [];
      case 'StatusNotification':
        this.#status(p, at);
        return [];
      case 'MeterValues': {
        const evseId = num(p.evseId);
        if (evseId !== null) this.protocol = '2.0.1';
        const connectorId = num(p.connectorId);
        const txId = p.transactionId === undefined ? null : String(p.transactionId);
        const open =
          (txId !== null ? this.#open.get(txId) : undefined) ??
          [...this.#open.values()].find((o) =>
            evseId !== null ? o.tx.evseId === evseId : o.tx.connectorId === connectorId,
          );
        return open ? this.#sampled(open, meterPoints(p.meterValue, at), idleMinutes) : [];
      }
      case 'StopTransaction': {
        this.protocol = '1.6';
        const open = this.#open.get(String(p.transactionId));
        if (!open) return [];
        const notices = this.#sampled(open, meterPoints(p.transactionData, at), idleMinutes);
        this.#close(open, time(p.timestamp, at), str(p.reason) ?? 'Local', num(p.meterStop));
        return notices;
      }
      case 'TransactionEvent':
        this.protocol = '2.0.1';
        return this.#transactionEvent(p, at, idleMinutes);
      case 'NotifyEvent':
        this.protocol = '2.0.1';
        this.#notifyEvent(p, at);
        return [];
      default:
        return [];
    }
  }

  #answered(call: PendingCall, answer: Json, at: string): LiveNotice[] {
    const p = call.payload;
    this.#shown ||= answersShown.has(call.action);
    if (call.action === 'BootNotification') {
      const interval = num(answer.interval);
      if (interval !== null && interval > 0) this.#heartbeatIntervalS = interval;
      if (isObject(answer) && typeof p.chargePointVendor === 'string') this.protocol = '1.6';
      if (isObject(p.chargingStation)) this.protocol = '2.0.1';
    } else if (call.action === 'StartTransaction' && isObject(answer.idTagInfo)) {
      this.protocol = '1.6';
      const id = String(answer.transactionId);
      const startedAt = time(p.timestamp, call.at);
      const meterStart = num(p.meterStart);
      this.#begin(id, null, num(p.connectorId), startedAt, meterStart);
    } else if (call.action === 'ChangeConfiguration' && answer.status === 'Accepted') {
      if (p.key === 'HeartbeatInterval' && Number(p.value) > 0) this.#heartbeatIntervalS = Number(p.value);
    } else if (call.action === 'SetChargingProfile' && answer.status === 'Accepted') {
      return [this.#profileNotice(p, at)];
    }
    return [];
  }

  #status(p: Json, at: string): void {
    const evseId = num(p.evseId);
    const connectorId = num(p.connectorId) ?? 0;
    const status = str(p.status) ?? str(p.connectorStatus) ?? 'Unknown';
    if (evseId !== null) this.protocol = '2.0.1';
    const errorCode = evseId === null ? (str(p.errorCode) ?? 'NoError') : null;
    const stamp = time(p.timestamp, at);
    this.#connectors.set(`${evseId ?? ''}/${connectorId}`, {
      evseId,
      connectorId,
      status,
      errorCode,
      at: stamp,
    });
    if (errorCode === null) return;
    const same = (e: LiveError) => e.connectorId === connectorId && !e.cleared;
    if (errorCode === 'NoError') {
      for (const e of this.#errors) if (same(e)) e.cleared = true;
      return;
    }
    this.#addError({
      evseId: null,
      connectorId,
      errorCode,
      vendorErrorCode: str(p.vendorErrorCode),
      info: str(p.info),
      at: stamp,
      cleared: false,
    });
  }

  #notifyEvent(p: Json, at: string): void {
    if (!Array.isArray(p.eventData)) return;
    for (const event of p.eventData) {
      if (!isObject(event) || !isObject(event.component) || !isObject(event.variable)) continue;
      const variable = str(event.variable.name);
      if (variable !== 'Problem' && variable !== 'Fault' && !str(event.techCode)) continue;
      const evse = isObject(event.component.evse) ? event.component.evse : {};
      const errorCode = `${str(event.component.name) ?? '?'}.${variable ?? '?'}`;
      const cleared = event.cleared === true || event.actualValue === 'false';
      const stamp = time(event.timestamp, at);
      if (cleared) {
        for (const e of this.#errors) if (e.errorCode === errorCode) e.cleared = true;
        continue;
      }
      this.#addError({
        evseId: num(evse.id),
        connectorId: num(evse.connectorId),
        errorCode,
        vendorErrorCode: str(event.techCode),
        info: str(event.techInfo) ?? str(event.actualValue),
        at: stamp,
        cleared: false,
      });
    }
  }

  #addError(error: LiveError): void {
    const last = this.#errors.at(-1);
    if (
      last &&
      !last.cleared &&
      last.errorCode === error.errorCode &&
      last.connectorId === error.connectorId &&
      last.vendorErrorCode === error.vendorErrorCode
    )
      return;
    this.#errors.push(error);
    if (this.#errors.length > MAX_ERRORS) this.#errors.shift();
  }

  #transactionEvent(p: Json, at: string, idleMinutes: number): LiveNotice[] {
    const info = isObject(p.transactionInfo) ? p.transactionInfo : {};
    const id = str(info.transactionId);
    if (id === null) return [];
    const stamp = time(p.timestamp, at);
    const evse = isObject(p.evse) ? p.evse : {};
    let open = this.#open.get(id);
    if (!open && p.eventType !== 'Ended')
      open = this.#begin(id, num(evse.id), num(evse.connectorId), stamp, null);
    if (!open) {
      const closed = this.#closed.find((t) => t.id === id);
      if (closed) closed.stopReason ??= str(info.stoppedReason);
      return [];
    }
    if (num(evse.id) !== null) open.tx.evseId = num(evse.id);
    if (num(evse.connectorId) !== null) open.tx.connectorId = num(evse.connectorId);
    const points = meterPoints(p.meterValue, stamp);
    if (open.tx.meterStartWh === null && p.eventType === 'Started')
      open.tx.meterStartWh = points.find((x) => x.energyWh !== null)?.energyWh ?? null;
    const notices = this.#sampled(open, points, idleMinutes);
    if (p.eventType === 'Ended')
      this.#close(open, stamp, str(info.stoppedReason) ?? 'Local', open.lastEnergyWh);
    return notices;
  }

  #begin(
    id: string,
    evseId: number | null,
    connectorId: number | null,
    startedAt: string,
    meterStartWh: number | null,
  ): OpenTx {
    const open: OpenTx = {
      tx: {
        id,
        evseId,
        connectorId,
        startedAt,
        stoppedAt: null,
        stopReason: null,
        meterStartWh,
        meterStopWh: null,
        points: [],
      },
      lastRiseAt: startedAt,
      lastEnergyWh: meterStartWh,
      lastOfferedA: null,
      idleTold: null,
    };
    this.#open.set(id, open);
    return open;
  }

  #close(open: OpenTx, at: string, reason: string, meterStop: number | null): void {
    this.#open.delete(open.tx.id);
    open.tx.stoppedAt = at;
    open.tx.stopReason = reason;
    open.tx.meterStopWh = meterStop;
    this.#closed.unshift(open.tx);
    this.#closed = this.#closed.slice(0, MAX_CLOSED);
  }

  #sampled(open: OpenTx, points: MeterPoint[], idleMinutes: number): LiveNotice[] {
    const notices: LiveNotice[] = [];
    for (const point of points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
      open.tx.points.push(point);
      if (open.tx.points.length > MAX_POINTS) open.tx.points.shift();
      if (point.energyWh !== null) {
        if (open.lastEnergyWh !== null && point.energyWh > open.lastEnergyWh) open.lastRiseAt = point.at;
        if (open.lastEnergyWh === null && open.tx.meterStartWh === null)
          open.tx.meterStartWh = point.energyWh;
        open.lastEnergyWh = point.energyWh;
      }
      const idle = this.#idle(open, point.at, idleMinutes);
      if (idle) notices.push(idle);
      const offered = point.currentOfferedA;
      if (offered !== null) {
        const before = open.lastOfferedA;
        open.lastOfferedA = offered;
        if (before !== null && offered < before)
          notices.push(
            this.#notice('energy-management', 'offered-lowered', point.at, open, {
              fromA: before,
              toA: offered,
              ...(point.currentImportA === null ? {} : { importA: point.currentImportA }),
            }),
          );
      }
    }
    return notices;
  }

  #idle(open: OpenTx, now: string, idleMinutes: number): LiveNotice | null {
    if (open.idleTold === open.lastRiseAt) return null;
    const minutes = (Date.parse(now) - Date.parse(open.lastRiseAt)) / 60_000;
    if (!(minutes >= idleMinutes)) return null;
    open.idleTold = open.lastRiseAt;
    return this.#notice('idle', 'no-energy', open.lastRiseAt, open, {
      minutes: Math.floor(minutes),
      ...(open.lastEnergyWh === null ? {} : { energyWh: open.lastEnergyWh }),
    });
  }

  #profileNotice(p: Json, at: string): LiveNotice {
    const profile = isObject(p.csChargingProfiles)
      ? p.csChargingProfiles
      : isObject(p.chargingProfile)
        ? p.chargingProfile
        : {};
    const schedules = Array.isArray(profile.chargingSchedule)
      ? profile.chargingSchedule
      : [profile.chargingSchedule];
    const schedule = isObject(schedules[0]) ? schedules[0] : {};
    const periods = Array.isArray(schedule.chargingSchedulePeriod) ? schedule.chargingSchedulePeriod : [];
    const first = isObject(periods[0]) ? periods[0] : {};
    const evseId = num(p.evseId);
    const connectorId = num(p.connectorId);
    const txId = profile.transactionId === undefined ? null : String(profile.transactionId);
    const open =
      (txId !== null ? this.#open.get(txId) : undefined) ??
      [...this.#open.values()].find((o) =>
        evseId !== null ? o.tx.evseId === evseId : connectorId !== null && o.tx.connectorId === connectorId,
      );
    const details: Record<string, number | string> = {};
    const limit = num(first.limit);
    if (limit !== null) details.limit = limit;
    details.unit = str(schedule.chargingRateUnit) ?? 'A';
    const purpose = str(profile.chargingProfilePurpose);
    if (purpose) details.purpose = purpose;
    const notice: LiveNotice = {
      identity: this.identity,
      kind: 'energy-management',
      reason: 'charging-profile',
      at,
      transactionId: open?.tx.id ?? txId,
      evseId: open?.tx.evseId ?? evseId,
      connectorId: open?.tx.connectorId ?? connectorId,
      details,
    };
    this.#keep(notice);
    return notice;
  }

  #notice(
    kind: LiveNotice['kind'],
    reason: LiveNotice['reason'],
    at: string,
    open: OpenTx,
    details: Record<string, number | string>,
  ): LiveNotice {
    const notice: LiveNotice = {
      identity: this.identity,
      kind,
      reason,
      at,
      transactionId: open.tx.id,
      evseId: open.tx.evseId,
      connectorId: open.tx.connectorId,
      details,
    };
    this.#keep(notice);
    return notice;
  }

  #keep(notice: LiveNotice): void {
    this.#notices.push(notice);
    if (this.#notices.length > MAX_NOTICES) this.#notices.shift();
  }
}
