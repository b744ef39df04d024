// The local list a box should hold: the cards of the template's groups, each with its group's tag as
// parentIdTag / groupIdToken, written the way that box writes cards (its learned format; else upper-case hex).
import { AppError, type ErrorParams } from '../api/errors.ts';
import type { OcppVersion, UidFormatProfile } from '../api/types.ts';
import type { LocalListEntry } from '../ocpp/types.ts';
import type { Uid, UidProblem } from '../rfid/uid.ts';
import { toIdTag, toIdToken } from '../rfid/uid-format.ts';
import type { Store } from '../store/database.ts';
import { getUidFormat } from '../store/uid-formats.ts';

/** The box a list is built for: its learned format and OCPP version decide each card's idTag. */
export interface ListTarget {
  identity: string;
  /** Absent: as the box last booted (stations table); 1.6 when it never booted. */
  ocppVersion?: OcppVersion | null;
}

interface CardRow {
  uid: Buffer;
  label: string | null;
}

type Written = { ok: true; idTag: string; tokenType: string } | UidProblem;

/** One card as the box writes it: 1.6 an idTag (CiString20), 2.0.1 an idToken with the box's own type. */
function writeCard(uid: Uid, version: OcppVersion, profile: UidFormatProfile | null): Written {
  if (version === '1.6') {
    const tag = toIdTag(uid, profile?.format);
    return tag.ok ? { ok: true, idTag: tag.value, tokenType: 'ISO14443' } : tag;
  }
  const token = toIdToken(uid, profile?.format);
  if (!token.ok) return token;
  return { ok: true, idTag: token.value.idToken, tokenType: profile?.tokenType ?? token.value.type };
}

function stationVersion(store: Store, identity: string): OcppVersion {
  const row = store.db.prepare('SELECT ocpp_version FROM stations WHERE identity = ?').get(identity) as
    | { ocpp_version: OcppVersion | null }
    | undefined;
  return row?.ocpp_version ?? '1.6';
}

/**
 * Each card's idTag (1.6) or idToken and type (2.0.1) as the box writes it. A card the box cannot hold
 * (too long for CiString20, two cards written alike by a format that keeps only some bytes) is refused
 * with a typed error naming it: never cut short, never pushed half.
 */
export function idTagsForBox(
  store: Store,
  target: ListTarget,
  cards: CardRow[],
): Array<{ idTag: string; tokenType: string }> {
  const version = target.ocppVersion ?? stationVersion(store, target.identity);
  const profile = getUidFormat(store, target.identity);
  const problems: ErrorParams[] = [];
  const seen = new Map<string, string>();
  const out = cards.map((card) => {
    const uid: Uid = { bytes: new Uint8Array(card.uid), source: 'typed', readerId: null, readAs: 'bytes' };
    const hex = card.uid.toString('hex').toUpperCase();
    const name = card.label ? `${card.label} (${hex})` : hex;
    const made = writeCard(uid, version, profile);
    if (!made.ok) {
      problems.push({ ...made.params, card: name, reason: made.code });
      return { idTag: '', tokenType: '' };
    }
    const other = seen.get(made.idTag.toUpperCase());
    if (other !== undefined)
      problems.push({ card: name, other, text: made.idTag, reason: 'IDTAG_COLLISION' });
    else seen.set(made.idTag.toUpperCase(), name);
    return { idTag: made.idTag, tokenType: made.tokenType };
  });
  const first = problems[0];
  if (first) {
    throw new AppError('CARD_NOT_FOR_BOX', {
      ...first,
      identity: target.identity,
      count: problems.length,
      version,
    });
  }
  return out;
}

function groupsNamed(store: Store, groupNames: string[]) {
  const groups = store.db
    .prepare(
      `SELECT id, name, group_id_tag FROM groups WHERE name IN (${groupNames.map(() => '?').join(',')})`,
    )
    .all(...groupNames) as Array<{ id: number; name: string; group_id_tag: string }>;
  const missing = groupNames.filter((n) => !groups.some((g) => g.name.toLowerCase() === n.toLowerCase()));
  return { groups, missing };
}

/** The names of a template's groups that do not exist (deleted or mistyped): a plan problem before any write. */
export function missingGroups(store: Store, groupNames: string[]): string[] {
  return groupNames.length === 0 ? [] : groupsNamed(store, groupNames).missing;
}

export function cardsForGroups(store: Store, groupNames: string[], target?: ListTarget): LocalListEntry[] {
  if (groupNames.length === 0) return [];
  const { groups, missing } = groupsNamed(store, groupNames);
  if (missing.length > 0) throw new AppError('NOT_FOUND', { entity: 'group', id: missing.join(', ') });
  const rows = store.db
    .prepare(
      `SELECT c.uid, c.label, c.valid_until, c.blocked_at, g.group_id_tag FROM cards c JOIN groups g ON g.id = c.group_id
       WHERE c.group_id IN (${groups.map(() => '?').join(',')}) ORDER BY c.id`,
    )
    .all(...groups.map((g) => g.id)) as Array<{
    uid: Buffer;
    label: string | null;
    valid_until: string | null;
    blocked_at: string | null;
    group_id_tag: string;
  }>;
  const now = new Date().toISOString();
  const written = target ? idTagsForBox(store, target, rows) : null;
  return rows.map((r, i) => ({
    idTag: written?.[i]?.idTag ?? r.uid.toString('hex').toUpperCase(),
    // A blocked card stays on its boxes as Blocked: a box that cached it as Accepted must not let it charge.
    status:
      r.blocked_at !== null
        ? 'Blocked'
        : r.valid_until !== null && r.valid_until < now
          ? 'Expired'
          : 'Accepted',
    group: r.group_id_tag,
    tokenType: written?.[i]?.tokenType ?? 'ISO14443',
    ...(r.valid_until ? { expiryDate: r.valid_until } : {}),
  }));
}

/** The groups allowed on a box (groups.setStations), by name: what its local list is made of. */
export function groupsForStation(store: Store, identity: string): string[] {
  return (
    store.db
      .prepare(
        `SELECT g.name FROM groups g JOIN group_stations gs ON gs.group_id = g.id JOIN stations s ON s.id = gs.station_id
         WHERE s.identity = ? ORDER BY g.name COLLATE NOCASE`,
      )
      .all(identity) as Array<{ name: string }>
  ).map((g) => g.name);
}

/** The local list a box should hold: the cards of every group allowed on it (a card in no group goes nowhere). */
export function cardsForStation(store: Store, identity: string): LocalListEntry[] {
  return cardsForGroups(store, groupsForStation(store, identity), { identity });
}

export function lastPushedList(
  store: Store,
  identity: string,
): { version: number; entries: LocalListEntry[] } | undefined {
  const row = store.db
    .prepare('SELECT version, entries FROM station_local_lists WHERE identity = ?')
    .get(identity) as { version: number; entries: string } | undefined;
  return row ? { version: row.version, entries: JSON.parse(row.entries) as LocalListEntry[] } : undefined;
}

export function savePushedList(
  store: Store,
  identity: string,
  version: number,
  entries: LocalListEntry[],
): void {
  store.write(() =>
    store.db
      .prepare(
        `INSERT INTO station_local_lists (identity, version, entries, pushed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(identity) DO UPDATE SET version = excluded.version, entries = excluded.entries, pushed_at = excluded.pushed_at`,
      )
      .run(identity, version, JSON.stringify(entries), store.now()),
  );
}
