// The simulated box's charging profiles (1.6 Smart Charging, 2.0.1 K01): kept by id, checked the way a
// box guarding its house connection checks them, and the composite limit the box would apply.
import { int, isRecord, type Payload, text } from './payload.ts';

/** The box as a whole: 1.6 connectorId 0, 2.0.1 evseId 0. */
export const WHOLE_BOX = 0;

export interface StoredProfile {
  id: number;
  /** 1.6 connectorId or 2.0.1 evseId; 0 is the whole box. */
  evse: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  unit: string;
  startSchedule: string | null;
  periods: Array<{ startPeriod: number; limit: number }>;
  transactionId: string | null;
}

export type ProfileAnswer = { status: 'Accepted' } | { status: 'Rejected'; reason: string };

export interface ProfileLimits {
  /** What the box's hardware (contactor, cable, fuse) allows per phase, in A. */
  hardwareMaxA: number;
  evses: number;
  maxStackLevel: number;
  maxPeriods: number;
  maxInstalled: number;
}

/** The purpose that limits the whole box, per OCPP version. */
export const boxMaxPurpose = {
  '1.6': 'ChargePointMaxProfile',
  '2.0.1': 'ChargingStationMaxProfile',
} as const;

function periodsOf(schedule: Payload): Array<{ startPeriod: number; limit: number }> {
  const raw = Array.isArray(schedule.chargingSchedulePeriod) ? schedule.chargingSchedulePeriod : [];
  return raw.filter(isRecord).map((p) => ({
    startPeriod: int(p.startPeriod) ?? -1,
    limit: typeof p.limit === 'number' ? p.limit : Number.NaN,
  }));
}

/** A profile as both versions send it; id, EVSE and transaction are where each version puts them. */
function stored(
  profile: Payload,
  schedule: Payload,
  own: Pick<StoredProfile, 'id' | 'evse' | 'transactionId'>,
): StoredProfile {
  return {
    id: own.id,
    evse: own.evse,
    stackLevel: int(profile.stackLevel) ?? -1,
    purpose: text(profile.chargingProfilePurpose),
    kind: text(profile.chargingProfileKind),
    unit: text(schedule.chargingRateUnit),
    startSchedule: typeof schedule.startSchedule === 'string' ? schedule.startSchedule : null,
    periods: periodsOf(schedule),
    transactionId: own.transactionId,
  };
}

export class ChargingProfiles {
  readonly #limits: ProfileLimits;
  readonly #version: '1.6' | '2.0.1';
  readonly #profiles = new Map<number, StoredProfile>();

  constructor(version: '1.6' | '2.0.1', limits: ProfileLimits) {
    this.#version = version;
    this.#limits = limits;
  }

  get hardwareMaxA(): number {
    return this.#limits.hardwareMaxA;
  }

  list(): StoredProfile[] {
    return [...this.#profiles.values()].map((p) => ({ ...p, periods: p.periods.map((x) => ({ ...x })) }));
  }

  /** 1.6 SetChargingProfile.req: connectorId and csChargingProfiles. */
  set16(connectorId: number, profile: Payload): ProfileAnswer {
    const schedule = isRecord(profile.chargingSchedule) ? profile.chargingSchedule : {};
    return this.#set(
      stored(profile, schedule, {
        id: int(profile.chargingProfileId) ?? -1,
        evse: connectorId,
        transactionId: profile.transactionId === undefined ? null : String(profile.transactionId),
      }),
    );
  }

  /** 2.0.1 SetChargingProfileRequest: evseId and chargingProfile (one schedule outside ISO 15118). */
  set201(evseId: number, profile: Payload): ProfileAnswer {
    const schedules = Array.isArray(profile.chargingSchedule)
      ? profile.chargingSchedule.filter(isRecord)
      : [];
    if (schedules.length !== 1) return { status: 'Rejected', reason: 'OneScheduleOnly' };
    const schedule = schedules[0] ?? {};
    return this.#set(
      stored(profile, schedule, {
        id: int(profile.id) ?? -1,
        evse: evseId,
        transactionId: typeof profile.transactionId === 'string' ? profile.transactionId : null,
      }),
    );
  }

  /** ClearChargingProfile: by id, or by the criteria given; how many went. */
  clear(criteria: { id?: number; evse?: number; purpose?: string; stackLevel?: number }): number {
    let removed = 0;
    for (const [id, p] of this.#profiles) {
      if (criteria.id !== undefined && criteria.id !== id) continue;
      if (criteria.evse !== undefined && criteria.evse !== p.evse) continue;
      if (criteria.purpose !== undefined && criteria.purpose !== p.purpose) continue;
      if (criteria.stackLevel !== undefined && criteria.stackLevel !== p.stackLevel) continue;
      this.#profiles.delete(id);
      removed++;
    }
    return removed;
  }

  /** The current the box allows on an EVSE now, in A: its hardware, lowered by its whole-box profile. */
  limitNow(evse: number, at = Date.now()): number {
    let limit = this.#limits.hardwareMaxA;
    const purposes = [boxMaxPurpose[this.#version], 'TxDefaultProfile'];
    for (const purpose of purposes) {
      const applicable = [...this.#profiles.values()]
        .filter((p) => p.purpose === purpose && (p.evse === WHOLE_BOX || p.evse === evse))
        .sort((a, b) => b.stackLevel - a.stackLevel);
      const top = applicable[0];
      if (!top) continue;
      const value = this.#periodAt(top, at);
      if (value !== null) limit = Math.min(limit, value);
    }
    return limit;
  }

  #periodAt(profile: StoredProfile, at: number): number | null {
    const start = profile.startSchedule ? Date.parse(profile.startSchedule) : at;
    const elapsedS = Math.max(0, Math.floor((at - start) / 1000));
    let value: number | null = null;
    for (const period of profile.periods) if (period.startPeriod <= elapsedS) value = period.limit;
    return value;
  }

  #set(p: StoredProfile): ProfileAnswer {
    const problem = this.#problem(p);
    if (problem) return { status: 'Rejected', reason: problem };
    // The same id, or the same purpose and stack level on the same EVSE, is replaced (1.6 3.13.2, 2.0.1 K01.FR.05).
    const replaced = [...this.#profiles.values()]
      .filter(
        (e) =>
          e.id === p.id || (e.evse === p.evse && e.purpose === p.purpose && e.stackLevel === p.stackLevel),
      )
      .map((e) => e.id);
    if (this.#profiles.size - replaced.length >= this.#limits.maxInstalled) {
      return { status: 'Rejected', reason: 'TooManyProfiles' };
    }
    for (const id of replaced) this.#profiles.delete(id);
    this.#profiles.set(p.id, p);
    return { status: 'Accepted' };
  }

  #problem(p: StoredProfile): string | null {
    const whole = boxMaxPurpose[this.#version];
    if (p.id < 0 && this.#version === '1.6') return 'InvalidProfileId';
    if (p.evse < 0 || p.evse > this.#limits.evses) return 'UnknownEvse';
    if (p.stackLevel < 0 || p.stackLevel > this.#limits.maxStackLevel) return 'InvalidStackLevel';
    // The whole box's limit goes on connector/EVSE 0 only (1.6 3.13.1); a TxProfile needs its transaction.
    if (p.purpose === whole && p.evse !== WHOLE_BOX) return 'MaxProfileNotOnEvse0';
    if (p.purpose === 'TxProfile' && (p.evse === WHOLE_BOX || p.transactionId === null))
      return 'TxProfileNeedsTransaction';
    if (p.purpose !== whole && p.purpose !== 'TxDefaultProfile' && p.purpose !== 'TxProfile')
      return 'UnsupportedPurpose';
    if (p.unit !== 'A') return 'UnsupportedRateUnit';
    if (this.#version === '2.0.1') {
      // K01.FR.40/41: Absolute and Recurring need a start, Relative must not have one.
      if ((p.kind === 'Absolute' || p.kind === 'Recurring') && p.startSchedule === null)
        return 'MissingStartSchedule';
      if (p.kind === 'Relative' && p.startSchedule !== null) return 'UnexpectedStartSchedule';
    }
    if (p.periods.length === 0 || p.periods.length > this.#limits.maxPeriods) return 'InvalidPeriods';
    if (p.periods[0]?.startPeriod !== 0) return 'FirstPeriodNotAtZero';
    for (let i = 1; i < p.periods.length; i++) {
      if ((p.periods[i]?.startPeriod ?? 0) <= (p.periods[i - 1]?.startPeriod ?? 0))
        return 'PeriodsNotAscending';
    }
    for (const period of p.periods) {
      if (!Number.isFinite(period.limit) || period.limit < 0) return 'InvalidLimit';
      // This box cannot deliver more than its hardware; a limit above it is a mistake in the CSMS.
      if (period.limit > this.#limits.hardwareMaxA) return 'LimitAboveHardware';
    }
    return null;
  }
}
