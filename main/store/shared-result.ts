// An answer shared by every caller alike (unchanged-reads.ts) is frozen all the way down, so no caller can
// change another's answer, and a face that sends answers as JSON writes its text once, not per call.

/** Shared answers, each with its JSON text once a face asked for it. */
const shared = new WeakMap<object, { text?: string }>();

function freezeDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) freezeDeep(inner);
}

/** Freezes `value` all the way down and marks it as shared: hand out this very object from now on. */
export function shareResult<T>(value: T): T {
  freezeDeep(value);
  if (typeof value === 'object' && value !== null) shared.set(value, {});
  return value;
}

/** JSON.stringify(result), written once for a shared answer. */
export function resultText(result: unknown): string {
  const entry = typeof result === 'object' && result !== null ? shared.get(result) : undefined;
  if (!entry) return JSON.stringify(result);
  entry.text ??= JSON.stringify(result);
  return entry.text;
}
