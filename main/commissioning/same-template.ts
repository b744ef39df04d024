// Whether two templates say the same (after the schema's defaults, in any key order): a `wbc commission` run
// again follows the runs under way only when they began with the template it is given now.
import { templateSchema } from './template-schema.ts';

/** JSON with every object's keys in order, so two equal values read as one text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sameTemplate(a: unknown, b: unknown): boolean {
  const left = templateSchema.safeParse(a);
  const right = templateSchema.safeParse(b);
  return left.success && right.success && canonical(left.data) === canonical(right.data);
}
