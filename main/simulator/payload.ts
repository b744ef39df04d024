// OCPP payloads as the simulator reads them: plain JSON objects, narrowed field by field. Strict mode has
// checked the schema already; these helpers only keep the types honest without casts.

export type Payload = Record<string, unknown>;

export function isRecord(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}
