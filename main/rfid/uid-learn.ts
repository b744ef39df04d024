// Learns how a box writes cards: from the bytes the desktop reader read and the idTag the box sent in its
// Authorize for the same card, finds the formats that map one to the other, simplest first.

import { bytesToHex, type Uid, type UidFlag, type UidProblem, uidProblem } from './uid.ts';
import {
  compareIdTags,
  formatKey,
  formatUid,
  presetOf,
  type Separator,
  type UidFormat,
  type UidPresetName,
} from './uid-format.ts';

export interface FormatMatch {
  format: UidFormat;
  preset: UidPresetName | null;
  /** Lower is simpler: each departure from upper-case hex of every byte as read costs a little. */
  score: number;
  /** The format gives the box's text letter for letter, not only case-insensitively. */
  exactCase: boolean;
  flags: UidFlag[];
}

export interface NearMiss {
  format: UidFormat;
  preset: UidPresetName | null;
  text: string;
  /** Characters to change, insert or delete (case ignored) to get the box's idTag. */
  distance: number;
}

export type LearnCode =
  | 'UID_LEARN_EMPTY_TAG'
  | 'UID_LEARN_NO_MATCH'
  | 'UID_LEARN_DESKTOP_PARTIAL'
  | 'UID_LEARN_INCONSISTENT'
  | 'UID_LEARN_NO_PAIRS';

export type LearnFailure = UidProblem<LearnCode> & { closest: NearMiss[] };
export type LearnResult = { ok: true; matches: FormatMatch[] } | LearnFailure;

export interface LearnPair {
  uid: Uid;
  idTag: string;
}

function complexity(format: UidFormat): number {
  let score = 0;
  if (format.byteOrder === 'lsb') score += 1;
  if (format.notation === 'decimal') score += 1;
  if (format.notation === 'hex' && format.letterCase === 'lower') score += 1;
  if (format.notation === 'hex' && format.separator !== '') score += 1;
  if (format.padding !== 'full') score += 2;
  if (format.firstBytes !== null) score += 3;
  if (format.prefix !== '' || format.suffix !== '') score += 4;
  return score;
}

/** The formats worth trying, plain (no prefix or suffix): the presets are among them. */
export function candidateFormats(): UidFormat[] {
  const out: UidFormat[] = [];
  const orders = ['msb', 'lsb'] as const;
  const cuts = [null, 4] as const;
  for (const firstBytes of cuts) {
    for (const byteOrder of orders) {
      for (const padding of ['full', 'none'] as const) {
        const separators: Separator[] = padding === 'full' ? ['', ':', ' ', '-'] : [''];
        for (const separator of separators) {
          for (const letterCase of ['upper', 'lower'] as const) {
            out.push({
              notation: 'hex',
              byteOrder,
              letterCase,
              separator,
              padding,
              firstBytes,
              prefix: '',
              suffix: '',
            });
          }
        }
        out.push({ notation: 'decimal', byteOrder, padding, firstBytes, prefix: '', suffix: '' });
      }
    }
  }
  return out.sort((a, b) => complexity(a) - complexity(b));
}

const plainCandidates = candidateFormats();

function textOf(uid: Uid, format: UidFormat): { text: string; flags: UidFlag[] } | null {
  const made = formatUid(uid, format);
  return made.ok ? { text: made.value, flags: made.flags } : null;
}

function rank(a: FormatMatch, b: FormatMatch): number {
  if (a.exactCase !== b.exactCase) return a.exactCase ? -1 : 1;
  return a.score - b.score;
}

/** Edit distance, ignoring case. */
function distance(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[y.length] ?? 0;
}

/** The box's idTag is plain hex holding more bytes than the desktop reader gave, its bytes among them. */
function boxReadMore(uid: Uid, idTag: string): boolean {
  const digits = idTag.replace(/[:\s-]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(digits) || digits.length % 2 === 1 || digits.length <= uid.bytes.length * 2) {
    return false;
  }
  const reversedBytes = Uint8Array.from(uid.bytes).reverse();
  const wanted = [bytesToHex(uid.bytes), bytesToHex(reversedBytes)];
  return wanted.some((w) => {
    for (let at = digits.indexOf(w); at !== -1; at = digits.indexOf(w, at + 1)) if (at % 2 === 0) return true;
    return false;
  });
}

/**
 * Every format that turns this card's bytes into the idTag the box sent, simplest first; formats that
 * give the box's letter case exactly come before those that only match case-insensitively. A prefix or
 * suffix the box adds (a fixed text around the UID) is learned too, at a higher score.
 */
export function learnFormat(uid: Uid, idTag: string): LearnResult {
  const tag = idTag.trim();
  if (tag === '') return { ...uidProblem('UID_LEARN_EMPTY_TAG'), closest: [] };
  const found = new Map<string, FormatMatch>();
  const add = (format: UidFormat, text: string, flags: UidFlag[]) => {
    const key = formatKey(format);
    if (found.has(key)) return;
    const score = complexity(format);
    found.set(key, { format, preset: presetOf(format), score, exactCase: text === tag, flags });
  };
  const upperTag = tag.toUpperCase();
  for (const format of plainCandidates) {
    const made = textOf(uid, format);
    if (!made) continue;
    if (compareIdTags(made.text, tag)) {
      add(format, made.text, made.flags);
      continue;
    }
    const at = made.text.length > 0 ? upperTag.indexOf(made.text.toUpperCase()) : -1;
    if (at === -1) continue;
    const affixed = { ...format, prefix: tag.slice(0, at), suffix: tag.slice(at + made.text.length) };
    // An affix of digits alone is more of the card (a longer UID, a lost zero), not a fixed text.
    const digit = format.notation === 'hex' ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/;
    if (digit.test(affixed.prefix) || digit.test(affixed.suffix)) continue;
    const again = textOf(uid, affixed);
    if (again && compareIdTags(again.text, tag)) add(affixed, again.text, again.flags);
  }
  const matches = [...found.values()].sort(rank);
  if (matches.length > 0) return { ok: true, matches };

  const bytes = bytesToHex(uid.bytes);
  if (boxReadMore(uid, tag)) {
    return { ...uidProblem('UID_LEARN_DESKTOP_PARTIAL', { uid: bytes, idTag: tag }), closest: [] };
  }
  const closest = plainCandidates
    .flatMap((format) => {
      const made = textOf(uid, format);
      return made
        ? [{ format, preset: presetOf(format), text: made.text, distance: distance(made.text, tag) }]
        : [];
    })
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3);
  const params = { uid: bytes, idTag: tag, closest: closest[0]?.text ?? '' };
  return { ...uidProblem('UID_LEARN_NO_MATCH', params), closest };
}

/**
 * The formats consistent with every (card, idTag) pair, simplest first. One pair often fits several
 * formats (a UID without letters fits both cases); more cards narrow it down.
 */
export function learnFromPairs(pairs: readonly LearnPair[]): LearnResult {
  if (pairs.length === 0) return { ...uidProblem('UID_LEARN_NO_PAIRS'), closest: [] };
  let common: Map<string, FormatMatch> | null = null;
  for (const [i, pair] of pairs.entries()) {
    const learned = learnFormat(pair.uid, pair.idTag);
    if (!learned.ok) return { ...learned, params: { ...learned.params, index: i + 1 } };
    const here = new Map(learned.matches.map((m) => [formatKey(m.format), m]));
    if (common === null) {
      common = here;
      continue;
    }
    const next = new Map<string, FormatMatch>();
    for (const [key, match] of common) {
      const other = here.get(key);
      if (!other) continue;
      const flags = [
        ...match.flags,
        ...other.flags.filter((f) => !match.flags.some((g) => g.code === f.code)),
      ];
      next.set(key, { ...match, exactCase: match.exactCase && other.exactCase, flags });
    }
    if (next.size === 0) {
      return {
        ...uidProblem('UID_LEARN_INCONSISTENT', { pairs: pairs.length, index: i + 1 }),
        closest: [],
      };
    }
    common = next;
  }
  return { ok: true, matches: [...(common ?? new Map<string, FormatMatch>()).values()].sort(rank) };
}
