// Compares a box's last configuration snapshot with another box's or with what a template asks, key by key,
// on the core side: the template's keys come from the commissioning plan itself, so the diff and the run agree.
import { templateSettings } from '../commissioning/plan.ts';
import type { Template } from '../commissioning/template-schema.ts';
import type { ConfigEntry, ConfigSnapshot } from '../ocpp/types.ts';

/** added: only on A; removed: only on B (against a template: the box lacks the key); changed: other value. */
export type CompareChange = 'added' | 'removed' | 'changed' | 'same';

export interface CompareRow {
  key: string;
  change: CompareChange;
  /** The value on A (null: not there, or write-only and never shown). */
  a: string | null;
  /** The value on B, or what the template asks. */
  b: string | null;
  /** A value the box never reveals (a password): never compared, never shown. */
  writeOnly: boolean;
}

export interface CompareSide {
  identity: string;
  takenAt: string;
  ocppVersion: string;
}

export interface ConfigComparison {
  a: CompareSide | null;
  /** The other box, or the template by name. */
  b: ({ kind: 'box' } & CompareSide) | { kind: 'template'; name: string } | null;
  rows: CompareRow[];
  /** A box with no snapshot yet: read its configuration first (nothing compared). */
  missing: string | null;
}

function side(snapshot: ConfigSnapshot): CompareSide {
  return { identity: snapshot.identity, takenAt: snapshot.takenAt, ocppVersion: snapshot.ocppVersion };
}

function sameEntry(a: ConfigEntry, b: ConfigEntry): boolean {
  if (a.readonly !== b.readonly || Boolean(a.writeOnly) !== Boolean(b.writeOnly)) return false;
  return a.writeOnly ? true : a.value === b.value;
}

const shown = (e: ConfigEntry) => (e.writeOnly ? null : e.value);

/** Box A against box B, every key either reports. */
export function compareEntries(a: ConfigEntry[], b: ConfigEntry[]): CompareRow[] {
  const others = new Map(b.map((e) => [e.key, e]));
  const rows: CompareRow[] = a.map((entry) => {
    const other = others.get(entry.key);
    others.delete(entry.key);
    const writeOnly = Boolean(entry.writeOnly || other?.writeOnly);
    if (!other) return { key: entry.key, change: 'added', a: shown(entry), b: null, writeOnly };
    const change = sameEntry(entry, other) ? 'same' : 'changed';
    return { key: entry.key, change, a: shown(entry), b: shown(other), writeOnly };
  });
  for (const other of others.values())
    rows.push({
      key: other.key,
      change: 'removed',
      a: null,
      b: shown(other),
      writeOnly: Boolean(other.writeOnly),
    });
  return rows.sort((x, y) => x.key.localeCompare(y.key));
}

/**
 * A box against the settings a template writes (the plan's keys for the box's OCPP version), only those:
 * 'removed' = the box lacks the key, 'changed' = another value (compared without case, as the run does).
 * Write-only keys are left out: a password is never compared.
 */
export function compareWithTemplate(box: ConfigSnapshot, template: Template): CompareRow[] {
  const byKey = new Map(box.entries.map((e) => [e.key, e]));
  const rows: CompareRow[] = [];
  for (const [key, value] of templateSettings(template, box.ocppVersion)) {
    const entry = byKey.get(key);
    if (!entry) {
      rows.push({ key, change: 'removed', a: null, b: value, writeOnly: false });
      continue;
    }
    if (entry.writeOnly) continue;
    const same = (entry.value ?? '').toLowerCase() === value.toLowerCase();
    rows.push({ key, change: same ? 'same' : 'changed', a: entry.value, b: value, writeOnly: false });
  }
  return rows.sort((x, y) => x.key.localeCompare(y.key));
}

export function compareBoxes(
  identityA: string,
  a: ConfigSnapshot | null,
  identityB: string,
  b: ConfigSnapshot | null,
): ConfigComparison {
  return {
    a: a ? side(a) : null,
    b: b ? { kind: 'box', ...side(b) } : null,
    rows: a && b ? compareEntries(a.entries, b.entries) : [],
    missing: !a ? identityA : !b ? identityB : null,
  };
}

export function compareTemplate(
  identityA: string,
  a: ConfigSnapshot | null,
  template: Template,
): ConfigComparison {
  return {
    a: a ? side(a) : null,
    b: { kind: 'template', name: template.name },
    rows: a ? compareWithTemplate(a, template) : [],
    missing: a ? null : identityA,
  };
}
