// The template's maximum current as OCPP calls: the whole-box charging profile per version, and the
// composite schedule the box reports back, so the run can show what the box will really allow.
import type { ChargingLimitPlan } from './types.ts';

/** SetChargingProfile for connector/EVSE 0: a permanent limit from now on (Absolute, no duration). */
export function setChargingProfileCall(
  version: '1.6' | '2.0.1',
  limit: ChargingLimitPlan,
  now: Date,
): Record<string, unknown> {
  const period = { startPeriod: 0, limit: limit.amps };
  // Absolute needs its start (2.0.1 K01.FR.40): now, so the limit holds from the moment it is written.
  const startSchedule = now.toISOString();
  if (version === '1.6') {
    return {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: limit.profileId,
        stackLevel: 0,
        chargingProfilePurpose: limit.purpose,
        chargingProfileKind: 'Absolute',
        chargingSchedule: { startSchedule, chargingRateUnit: 'A', chargingSchedulePeriod: [period] },
      },
    };
  }
  return {
    evseId: 0,
    chargingProfile: {
      id: limit.profileId,
      stackLevel: 0,
      chargingProfilePurpose: limit.purpose,
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule, chargingRateUnit: 'A', chargingSchedulePeriod: [period] }],
    },
  };
}

/** GetCompositeSchedule for the whole box, one minute, in A. */
export function compositeScheduleCall(version: '1.6' | '2.0.1'): Record<string, unknown> {
  return version === '1.6'
    ? { connectorId: 0, duration: 60, chargingRateUnit: 'A' }
    : { evseId: 0, duration: 60, chargingRateUnit: 'A' };
}

/** The limit the box reports for now, in A; null when it gave none in amps. */
export function compositeLimit(version: '1.6' | '2.0.1', answer: Record<string, unknown>): number | null {
  if (answer.status !== 'Accepted') return null;
  const schedule = (version === '1.6' ? answer.chargingSchedule : answer.schedule) as
    | {
        chargingRateUnit?: unknown;
        chargingSchedulePeriod?: Array<{ startPeriod?: unknown; limit?: unknown }>;
      }
    | undefined;
  if (schedule?.chargingRateUnit !== 'A') return null;
  const first = schedule.chargingSchedulePeriod?.find((p) => p.startPeriod === 0);
  return typeof first?.limit === 'number' ? first.limit : null;
}
