// Reads one OCPP meterValue entry (1.6 string values with unit, 2.0.1 numbers with unitOfMeasure and
// multiplier) into the few numbers the live view charts: energy, power, current offered and drawn.
import type { MeterPoint } from './live-types.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function numberOf(sample: Json): number | null {
  const raw = sample.value;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) return null;
  const unitOfMeasure = isObject(sample.unitOfMeasure) ? sample.unitOfMeasure : {};
  const unit = String(sample.unit ?? unitOfMeasure.unit ?? '');
  const multiplier = typeof unitOfMeasure.multiplier === 'number' ? 10 ** unitOfMeasure.multiplier : 1;
  const kilo = unit === 'kWh' || unit === 'kW' ? 1000 : 1;
  return value * multiplier * kilo;
}

/** Per measurand the value without phase; else the phases summed (power) or the highest (current). */
function pick(samples: Json[], measurand: string, sum: boolean): number | null {
  const matching = samples.filter((s) => (s.measurand ?? 'Energy.Active.Import.Register') === measurand);
  const whole = matching.find((s) => s.phase === undefined);
  if (whole) return numberOf(whole);
  const values = matching.map(numberOf).filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  return sum ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
}

export function meterPoint(entry: unknown, fallbackAt: string): MeterPoint | null {
  if (!isObject(entry) || !Array.isArray(entry.sampledValue)) return null;
  const samples = entry.sampledValue.filter(isObject);
  const at = typeof entry.timestamp === 'string' && !Number.isNaN(Date.parse(entry.timestamp));
  return {
    at: at ? new Date(entry.timestamp as string).toISOString() : fallbackAt,
    energyWh: pick(samples, 'Energy.Active.Import.Register', false),
    powerW: pick(samples, 'Power.Active.Import', true),
    currentOfferedA: pick(samples, 'Current.Offered', false),
    currentImportA: pick(samples, 'Current.Import', false),
  };
}

export function meterPoints(list: unknown, fallbackAt: string): MeterPoint[] {
  if (!Array.isArray(list)) return [];
  return list.map((e) => meterPoint(e, fallbackAt)).filter((p): p is MeterPoint => p !== null);
}
