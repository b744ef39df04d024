// Checks a value against a driver's setting spec before anything is sent, and turns text from a template
// or the CLI into the spec's type: every driver refuses a bad value the same way, with nothing written.
import { AppError } from '../api/errors.ts';
import type { SettingSpec, SettingValue, StationDriver } from './station-driver.ts';

function expected(spec: SettingSpec): string {
  if (spec.type === 'enum') return (spec.options ?? []).join(' | ');
  if (spec.type === 'string') return `text up to ${spec.maxLength ?? 'any'} characters`;
  return spec.type;
}

/** The value in the spec's type, or DRIVER_VALUE_INVALID. Accepts text ("16", "true") as a template gives it. */
export function coerceSettingValue(spec: SettingSpec, raw: SettingValue): SettingValue {
  const invalid = () =>
    new AppError('DRIVER_VALUE_INVALID', {
      name: spec.name,
      value: spec.secret ? '(hidden)' : String(raw),
      expected: expected(spec),
    });
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) throw invalid();
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).trim().toLowerCase();
      if (['true', '1', 'on', 'yes'].includes(text)) return true;
      if (['false', '0', 'off', 'no'].includes(text)) return false;
      throw invalid();
    }
    case 'enum': {
      const text = String(raw);
      if (!(spec.options ?? []).includes(text)) throw invalid();
      return text;
    }
    case 'string': {
      const text = String(raw);
      if (spec.maxLength !== undefined && text.length > spec.maxLength) throw invalid();
      return text;
    }
  }
}

/**
 * The value a driver may send for this setting: known, writable, of the right type and inside the range
 * (and its step). Throws the AppError the run shows; never touches the box.
 */
export function checkSettingWrite(
  driver: Pick<StationDriver, 'name' | 'describeSettings'>,
  name: string,
  raw: SettingValue,
): { spec: SettingSpec; value: SettingValue } {
  const spec = driver.describeSettings().find((s) => s.name === name);
  if (!spec) throw new AppError('DRIVER_SETTING_UNKNOWN', { driver: driver.name, name });
  if (spec.access === 'read') throw new AppError('DRIVER_SETTING_READ_ONLY', { driver: driver.name, name });
  const value = coerceSettingValue(spec, raw);
  if (typeof value === 'number' && spec.range) {
    const { min, max, step } = spec.range;
    const offStep =
      step !== undefined &&
      step > 0 &&
      Math.abs((value - min) / step - Math.round((value - min) / step)) > 1e-9;
    if (value < min || value > max || offStep) {
      throw new AppError('DRIVER_VALUE_OUT_OF_RANGE', {
        name,
        value,
        min,
        max,
        unit: spec.unit ?? '',
      });
    }
  }
  return { spec, value };
}

/** How a value is shown in plans, traces and reports: secrets never, only whether one is set. */
export function showSettingValue(
  spec: Pick<SettingSpec, 'secret'> | undefined,
  value: SettingValue | null,
): string | null {
  if (value === null) return null;
  if (spec?.secret) return value === '' ? '(not set)' : '(set)';
  return String(value);
}
