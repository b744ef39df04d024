// Setting names as the user types them: a 1.6 name on a 2.0.1 box (and back) mapped where the meaning is the
// same (resources/profiles/ocpp16-to-201.json), and a name that cannot be or is not the box's refused at once.
import { readFileSync } from 'node:fs';
import { AppError } from '../api/errors.ts';
import { parseKey } from './key201.ts';

interface NameRow {
  ocpp16: string;
  ocpp201: string;
}

let rows: NameRow[] | null = null;

function table(): NameRow[] {
  if (!rows) {
    const file = new URL('../../resources/profiles/ocpp16-to-201.json', import.meta.url);
    rows = (JSON.parse(readFileSync(file, 'utf8')) as { names: NameRow[] }).names;
  }
  return rows;
}

/** The 2.0.1 variables the table maps to (read by GetVariables when a box sends no report). */
export function mappedNames201(): string[] {
  return table().map((r) => r.ocpp201);
}

export type Version = '1.6' | '2.0.1';

/** Write-only names a box may keep out of its reported configuration and still take. */
const hiddenWritable = new Set(['authorizationkey', 'securityctrlr.basicauthpassword']);

/** The name the box's OCPP version uses for the same setting, or null when the table has none. */
export function counterpart(version: Version, name: string): string | null {
  const wanted = name.trim().toLowerCase();
  if (version === '2.0.1') {
    if (parseKey(name)) return null;
    return table().find((r) => r.ocpp16.toLowerCase() === wanted)?.ocpp201 ?? null;
  }
  return table().find((r) => r.ocpp201.toLowerCase() === wanted)?.ocpp16 ?? null;
}

/** Whether the name can be a setting of that version at all: 2.0.1 Component.Variable, 1.6 CiString50. */
export function validForm(version: Version, name: string): boolean {
  if (version === '2.0.1') return parseKey(name) !== null;
  return /^[\x21-\x3c\x3e-\x7e]{1,50}$/.test(name);
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/** The names nearest to what was typed, by edit distance to the whole name or to its variable part
 *  (so "HeartbeatIntervall" finds OCPPCommCtrlr.HeartbeatInterval). */
export function closestNames(name: string, candidates: readonly string[], count = 3): string[] {
  const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  const scored = candidates.map((candidate) => {
    const variable = parseKey(candidate)?.variable.name ?? candidate;
    return { candidate, score: Math.min(distance(name, candidate), distance(bare, variable)) };
  });
  return scored
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((s) => s.candidate);
}

export interface NameMapping {
  from: string;
  to: string;
}

export interface NameCheck {
  identity: string;
  /** The box's OCPP version; null when the tool has never seen it (only impossible names are refused). */
  version: Version | null;
  /** Every name the box reported (a full read); null when the tool does not know them all. */
  known: readonly string[] | null;
}

/**
 * The changes with each name as the box calls it, and the names that were mapped. A name that cannot be
 * a setting of the box's version is SETTING_NAME_INVALID, one the box does not have (by a full read)
 * SETTING_NAME_UNKNOWN, both with the closest names it has; a name in another case gets the box's spelling.
 */
export function resolveNames<T extends { key: string }>(
  check: NameCheck,
  changes: T[],
): { changes: T[]; mapped: NameMapping[] } {
  const { identity, version, known } = check;
  const mapped: NameMapping[] = [];
  const closest = (name: string) => closestNames(name, known ?? []).join(', ') || '–';
  const resolved = changes.map((change) => {
    let key = change.key.trim();
    if (version === null) {
      if (!validForm('1.6', key) && !validForm('2.0.1', key)) {
        throw new AppError('SETTING_NAME_INVALID', {
          identity,
          name: key,
          version: '1.6 / 2.0.1',
          closest: '–',
        });
      }
      return { ...change, key };
    }
    const other = counterpart(version, key);
    if (other) {
      mapped.push({ from: key, to: other });
      key = other;
    } else if (!validForm(version, key)) {
      throw new AppError('SETTING_NAME_INVALID', { identity, name: key, version, closest: closest(key) });
    }
    if (known) {
      const spelled = known.find((k) => k.toLowerCase() === key.toLowerCase());
      if (spelled) key = spelled;
      else if (!hiddenWritable.has(key.toLowerCase())) {
        throw new AppError('SETTING_NAME_UNKNOWN', { identity, name: key, closest: closest(key) });
      }
    }
    return { ...change, key };
  });
  return { changes: resolved, mapped };
}

/**
 * The settings asked for by name out of a box's read: a 1.6 name on a 2.0.1 box (and back) is answered
 * with its counterpart, a name in another case with the box's spelling; a name the read does not hold is
 * SETTING_NAME_UNKNOWN with the closest names it does.
 */
export function pickSettings<E extends { key: string }>(
  identity: string,
  version: Version,
  entries: readonly E[],
  names: readonly string[],
): { entries: Array<E & { requestedKey?: string }>; mapped: NameMapping[] } {
  const mapped: NameMapping[] = [];
  const picked = names.map((typed) => {
    const name = typed.trim();
    const other = counterpart(version, name);
    const key = (other ?? name).toLowerCase();
    const found = entries.find((e) => e.key.toLowerCase() === key);
    if (!found) {
      const closest =
        closestNames(
          other ?? name,
          entries.map((e) => e.key),
        ).join(', ') || '–';
      throw new AppError('SETTING_NAME_UNKNOWN', { identity, name: other ?? name, closest });
    }
    if (!other) return found;
    mapped.push({ from: name, to: found.key });
    return { ...found, requestedKey: name };
  });
  return { entries: picked, mapped };
}
