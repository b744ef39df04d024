// Compares two configuration snapshots of a box key by key, so support sees at a glance what was
// added, removed or changed since the previous read. Write-only values are never compared or shown.
import type { ConfigEntry } from '../../../main/ocpp/types.ts';

export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface ConfigRow {
  key: string;
  /** The entry as the box reports it now; for a removed key, the one it had before. */
  entry: ConfigEntry;
  /** The value before, when it changed (never for write-only keys). */
  before: string | null;
  /** null when there is no previous snapshot to compare with. */
  change: Change | null;
}

function sameEntry(a: ConfigEntry, b: ConfigEntry): boolean {
  if (a.readonly !== b.readonly || Boolean(a.writeOnly) !== Boolean(b.writeOnly)) return false;
  return a.writeOnly ? true : a.value === b.value;
}

export function diffConfig(current: ConfigEntry[], previous: ConfigEntry[] | null): ConfigRow[] {
  const before = new Map((previous ?? []).map((e) => [e.key, e]));
  const rows: ConfigRow[] = current.map((entry) => {
    const old = before.get(entry.key);
    before.delete(entry.key);
    if (!previous) return { key: entry.key, entry, before: null, change: null };
    if (!old) return { key: entry.key, entry, before: null, change: 'added' };
    if (sameEntry(entry, old)) return { key: entry.key, entry, before: null, change: 'same' };
    return { key: entry.key, entry, before: entry.writeOnly ? null : old.value, change: 'changed' };
  });
  for (const old of before.values()) rows.push({ key: old.key, entry: old, before: null, change: 'removed' });
  return rows.sort((a, b) => a.key.localeCompare(b.key));
}

export function countChanges(rows: ConfigRow[]): Record<Exclude<Change, 'same'>, number> {
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const row of rows) if (row.change && row.change !== 'same') counts[row.change]++;
  return counts;
}

/** Case-insensitive match on the key, or on the value where the value may be shown. */
export function matchesFilter(row: ConfigRow, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  if (row.key.toLowerCase().includes(needle)) return true;
  return !row.entry.writeOnly && (row.entry.value ?? '').toLowerCase().includes(needle);
}
