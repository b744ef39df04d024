// A stored value (a run's state, a box's snapshot) copied as its JSON text would read back, without the
// text in between: a car park's runs are changed and read thousands of times, and parsing them dominated.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The value as its JSON text would read back: undefined, functions and symbols left out of objects (null
 *  in arrays), numbers that are not finite as null, toJSON honoured (a Date becomes its ISO text). */
export function jsonCopy<T>(value: T): T {
  return copy(value, false) as T;
}

function copy(value: unknown, inArray: boolean): Json | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return copy((value as { toJSON(): unknown }).toJSON(), inArray);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => copy(item, true) ?? null);
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value)) {
        const item = copy((value as Record<string, unknown>)[key], false);
        if (item !== undefined) out[key] = item;
      }
      return out;
    }
    default:
      // undefined, a function, a symbol (a bigint would throw in JSON.stringify: the caller stringifies too)
      return inArray ? null : undefined;
  }
}
