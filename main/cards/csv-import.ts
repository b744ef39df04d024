// Importing a card list: a preview that judges every row (bad UID, duplicate, unknown group, bad date, too
// long for OCPP 1.6) and writes nothing, then one commit of all good rows or none. A card already enrolled
// is updated from its row (validity, label, owner, group), each change shown in the preview and audited.
import { createHash, randomUUID } from 'node:crypto';
import { AppError, type ErrorCode, type ErrorParams } from '../api/errors.ts';
import { parseUid } from '../rfid/uid.ts';
import { toIdTag, type UidPresetName, uidPresets } from '../rfid/uid-format.ts';
import { recordAudit } from '../store/audit.ts';
import { getCard } from '../store/cards.ts';
import type { Store } from '../store/database.ts';
import { defaultGroupIdTag } from '../store/groups.ts';
import { type ColumnMap, mapHeader } from './csv-columns.ts';
import { maxCsvBytes, megabytes } from './csv-decode.ts';
import { type CsvRecord, looksBinary, readCsv } from './csv-read.ts';
import { expiryTimeZone, parseExpiry } from './expiry-date.ts';
import type {
  CardChange,
  ImportCommitResult,
  ImportPreview,
  ImportProgress,
  ImportRowView,
  RowIssue,
} from './types.ts';

export interface PreviewRequest {
  csv: string;
  /** The group of rows that name none. */
  groupId?: number | undefined;
  /** Create the groups the file names that do not exist yet (in the same transaction as the cards). */
  createGroups?: boolean | undefined;
  defaults?:
    | {
        owner?: string | undefined;
        validUntil?: string | undefined;
        /** How digit-only UIDs are read; 'auto' refuses the ambiguous ones row by row. */
        notation?: 'auto' | 'hex' | 'decimal' | undefined;
        /** The format the boxes get, to flag UIDs too long for an OCPP 1.6 idTag. */
        format?: UidPresetName | undefined;
      }
    | undefined;
}

const LABEL_MAX = 60;
const OWNER_MAX = 120;
const GROUP_MAX = 80;
const SHOWN_PROBLEMS = 1000;
const SHOWN_FIRST = 20;
const PREVIEW_TTL_MS = 30 * 60_000;
const PREVIEWS_KEPT = 4;
/** Rows written into the import's transaction between two progress reports. */
const PROGRESS_EVERY = 5000;

type GroupRef = { id: number } | { create: string } | null;

interface Prepared {
  sha256: string;
  fingerprint: string;
  expires: number;
  uids: Buffer[];
  labels: Array<string | null>;
  owners: Array<string | null>;
  groups: GroupRef[];
  validUntil: Array<string | null>;
  /** Known cards whose row changes them: the values after the import. */
  updates: Array<{
    id: number;
    label: string | null;
    owner: string | null;
    group: GroupRef;
    validUntil: string | null;
  }>;
  groupsToCreate: string[];
  rows: number;
  /** Rows refused in the preview (known cards left as they are are not skipped: nothing to do). */
  refused: number;
}

/** What the cards and groups look like now, cheaply: a preview made before any change is stale after it. */
export function cardsFingerprint(store: Store): string {
  const cards = store
    .stmt("SELECT count(*) AS n, coalesce(max(id), 0) AS id, coalesce(max(updated_at), '') AS at FROM cards")
    .get() as { n: number; id: number; at: string };
  const groups = store
    .stmt("SELECT count(*) AS n, coalesce(max(id), 0) AS id, coalesce(max(updated_at), '') AS at FROM groups")
    .get() as { n: number; id: number; at: string };
  return `${cards.n}/${cards.id}/${cards.at}|${groups.n}/${groups.id}/${groups.at}`;
}

interface KnownCard {
  id: number;
  label: string | null;
  owner: string | null;
  group_id: number | null;
  valid_until: string | null;
}

function change(field: CardChange['field'], before: string | null, after: string | null): CardChange | null {
  return before === after ? null : { field, before, after };
}

function issue(code: ErrorCode, params: ErrorParams = {}): RowIssue {
  return { code, params };
}

function cell(record: CsvRecord, index: number | undefined): string {
  return index === undefined ? '' : (record.cells[index] ?? '').trim();
}

/** A tag for a group created by an import: its default tag, numbered when another group has it. */
function freeTag(taken: Set<string>, name: string): string {
  const base = defaultGroupIdTag(name);
  let tag = base;
  for (let n = 2; taken.has(tag.toUpperCase()); n++) tag = `${base.slice(0, 20 - String(n).length - 1)}-${n}`;
  taken.add(tag.toUpperCase());
  return tag;
}

export class CardImports {
  readonly #store: Store;
  readonly #previews = new Map<string, Prepared>();
  readonly #clock: () => number;

  constructor(store: Store, clock: () => number = Date.now) {
    this.#store = store;
    this.#clock = clock;
  }

  preview(request: PreviewRequest): ImportPreview {
    const { csv } = request;
    const bytes = Buffer.byteLength(csv, 'utf8');
    if (bytes > maxCsvBytes) {
      throw new AppError('CARDS_CSV_TOO_LARGE', { size: megabytes(bytes), max: megabytes(maxCsvBytes) });
    }
    if (csv.replace(/^\uFEFF/, '').trim() === '') throw new AppError('CARDS_CSV_EMPTY', {});
    if (looksBinary(csv)) throw new AppError('CARDS_CSV_NOT_TEXT', {});
    const store = this.#store;
    const defaults = request.defaults ?? {};
    const format = uidPresets[defaults.format ?? 'hex-msb-upper'];
    const notation = defaults.notation ?? 'auto';
    if (
      request.groupId !== undefined &&
      !store.stmt('SELECT 1 FROM groups WHERE id = ?').get(request.groupId)
    ) {
      throw new AppError('NOT_FOUND', { entity: 'group', id: request.groupId });
    }
    const fingerprint = cardsFingerprint(store);
    const defaultExpiry = defaults.validUntil ? new Date(defaults.validUntil).toISOString() : null;

    const groupRows = store.stmt('SELECT id, name, group_id_tag FROM groups').all() as Array<{
      id: number;
      name: string;
      group_id_tag: string;
    }>;
    const byName = new Map(groupRows.map((g) => [g.name.toLowerCase(), g.id]));
    const byTag = new Map(groupRows.map((g) => [g.group_id_tag.toLowerCase(), g.id]));
    const groupName = new Map(groupRows.map((g) => [g.id, g.name]));
    const enrolled = new Map<string, KnownCard>();
    for (const row of store
      .stmt('SELECT id, uid, label, owner, group_id, valid_until FROM cards')
      .iterate() as Iterable<KnownCard & { uid: Buffer }>) {
      enrolled.set(row.uid.toString('hex').toUpperCase(), row);
    }

    const prepared: Prepared = {
      sha256: createHash('sha256').update(csv).digest('hex'),
      fingerprint,
      expires: this.#clock() + PREVIEW_TTL_MS,
      uids: [],
      labels: [],
      owners: [],
      groups: [],
      validUntil: [],
      updates: [],
      groupsToCreate: [],
      rows: 0,
      refused: 0,
    };
    const counts = { rows: 0, ok: 0, warnings: 0, errors: 0, blank: 0, updates: 0, unchanged: 0 };
    const unknown = new Map<string, { name: string; rows: number }>();
    const toCreate = new Map<string, string>();
    const firstRowOf = new Map<string, number>();
    const shown: ImportRowView[] = [];
    let truncated = false;
    let columns: ColumnMap | undefined;
    const now = new Date(this.#clock()).toISOString();

    const judge = (record: CsvRecord): void => {
      if (record.cells.every((c) => c.trim() === '')) {
        counts.blank++;
        return;
      }
      if (!columns) {
        columns = mapHeader(record.cells);
        return;
      }
      const { index } = columns;
      counts.rows++;
      const uidText = cell(record, index.uid);
      const issues: RowIssue[] = [];
      const warnings: RowIssue[] = [];
      let uidHex: string | null = null;
      let uid: Buffer | null = null;
      if (record.cells.length !== columns.width) {
        issues.push(issue('CARD_IMPORT_COLUMNS', { expected: columns.width, found: record.cells.length }));
      }
      if (record.textAfterQuote) issues.push(issue('CARD_IMPORT_QUOTE'));
      const parsed = parseUid(uidText, { source: 'import', notation });
      if (!parsed.ok) {
        issues.push(
          issue('CARD_UID_INVALID', { ...parsed.params, uid: uidText.slice(0, 40), reason: parsed.code }),
        );
      } else {
        uid = Buffer.from(parsed.value.bytes);
        uidHex = uid.toString('hex').toUpperCase();
        const first = firstRowOf.get(uidHex);
        if (first !== undefined) issues.push(issue('CARD_IMPORT_DUPLICATE_ROW', { uid: uidHex, first }));
        else firstRowOf.set(uidHex, record.row);
        for (const flag of parsed.flags) {
          warnings.push(issue('CARD_IMPORT_UID_FLAG', { ...flag.params, uid: uidHex, reason: flag.code }));
        }
        const idTag = toIdTag(parsed.value, format);
        if (!idTag.ok && idTag.code === 'UID_IDTAG_TOO_LONG') {
          warnings.push(issue('CARD_IMPORT_IDTAG_TOO_LONG', { ...idTag.params, uid: uidHex }));
        } else if (idTag.ok) {
          for (const flag of idTag.flags) {
            warnings.push(issue('CARD_IMPORT_UID_FLAG', { ...flag.params, uid: uidHex, reason: flag.code }));
          }
        }
      }
      const known = uidHex === null ? undefined : enrolled.get(uidHex);
      const label = cell(record, index.label) || null;
      if (label && label.length > LABEL_MAX)
        issues.push(issue('CARD_IMPORT_TOO_LONG', { column: 'label', max: LABEL_MAX }));
      const owner = cell(record, index.owner) || defaults.owner || null;
      if (owner && owner.length > OWNER_MAX)
        issues.push(issue('CARD_IMPORT_TOO_LONG', { column: 'owner', max: OWNER_MAX }));
      const groupText = cell(record, index.group);
      let group: GroupRef = request.groupId === undefined ? null : { id: request.groupId };
      if (groupText) {
        const key = groupText.toLowerCase();
        const id = byName.get(key) ?? byTag.get(key);
        if (id !== undefined) group = { id };
        else if (groupText.length > GROUP_MAX) {
          issues.push(issue('CARD_IMPORT_TOO_LONG', { column: 'group', max: GROUP_MAX }));
        } else if (request.createGroups) {
          if (!toCreate.has(key)) toCreate.set(key, groupText);
          group = { create: toCreate.get(key) ?? groupText };
        } else {
          const entry = unknown.get(key) ?? { name: groupText, rows: 0 };
          entry.rows++;
          unknown.set(key, entry);
          issues.push(issue('CARD_IMPORT_UNKNOWN_GROUP', { group: groupText.slice(0, 80) }));
        }
      }
      const dateText = cell(record, index.validUntil);
      let validUntil = defaultExpiry;
      const dateGiven = dateText !== '' || defaultExpiry !== null;
      if (dateText) {
        validUntil = parseExpiry(dateText);
        if (validUntil === null) issues.push(issue('CARD_IMPORT_BAD_DATE', { text: dateText.slice(0, 40) }));
      }
      if (validUntil !== null && validUntil < now)
        warnings.push(issue('CARD_IMPORT_EXPIRED', { date: validUntil }));

      const status = issues.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : 'ok';
      let changes: CardChange[] | undefined;
      if (status === 'error') counts.errors++;
      else {
        counts.ok++;
        if (status === 'warning') counts.warnings++;
        if (known) {
          // An empty cell keeps what the card has; a value that differs is a change.
          const after = {
            label: label ?? known.label,
            owner: owner ?? known.owner,
            group: group ?? (known.group_id === null ? null : { id: known.group_id }),
            validUntil: dateGiven ? validUntil : known.valid_until,
          };
          const nameOf = (ref: GroupRef) =>
            ref === null ? null : 'id' in ref ? (groupName.get(ref.id) ?? `#${ref.id}`) : ref.create;
          changes = [
            change('label', known.label, after.label),
            change('owner', known.owner, after.owner),
            change(
              'group',
              nameOf(known.group_id === null ? null : { id: known.group_id }),
              nameOf(after.group),
            ),
            change('validUntil', known.valid_until, after.validUntil),
          ].filter((c): c is CardChange => c !== null);
          if (changes.length > 0) {
            counts.updates++;
            prepared.updates.push({ id: known.id, ...after });
          } else counts.unchanged++;
        } else {
          prepared.uids.push(uid as Buffer);
          prepared.labels.push(label);
          prepared.owners.push(owner);
          prepared.groups.push(group);
          prepared.validUntil.push(validUntil);
        }
      }
      if (status !== 'ok' || counts.rows <= SHOWN_FIRST || (changes && changes.length > 0)) {
        if (shown.length < SHOWN_PROBLEMS + SHOWN_FIRST) {
          shown.push({
            row: record.row,
            status,
            uidText: uidText.slice(0, 40),
            uidHex,
            label,
            owner,
            group: groupText || null,
            validUntil,
            issues: [...issues, ...warnings],
            ...(known ? { known: true, changes: changes ?? [] } : {}),
          });
        } else truncated = true;
      }
    };

    const delimiter = readCsv(csv, judge);
    const mapped = columns as ColumnMap | undefined;
    if (!mapped || counts.rows === 0) throw new AppError('CARDS_CSV_EMPTY', {});
    prepared.rows = counts.rows;
    prepared.refused = counts.errors;
    prepared.groupsToCreate = [...toCreate.values()];

    const token = randomUUID();
    this.#forgetOld();
    this.#previews.set(token, prepared);
    return {
      token,
      sha256: prepared.sha256,
      delimiter,
      columns: {
        found: (Object.keys(mapped.index) as Array<keyof ColumnMap['index']>).filter(
          (k) => mapped.index[k] !== undefined,
        ),
        mapping: mapped.mapping,
        ignored: mapped.ignored,
      },
      validUntilZone: expiryTimeZone(),
      counts,
      unknownGroups: [...unknown.values()],
      groupsToCreate: prepared.groupsToCreate,
      rows: shown,
      rowsTruncated: truncated,
      expiresAt: new Date(prepared.expires).toISOString(),
    };
  }

  /**
   * Writes every good row of a preview in one transaction with its audit rows, or nothing. progress hears,
   * from inside the transaction, how many rows are written into it (a long import shows it is moving).
   */
  commit(
    actor: string,
    token: string,
    sha256?: string,
    progress?: (progress: ImportProgress) => void,
  ): ImportCommitResult {
    const prepared = this.#previews.get(token);
    if (!prepared || prepared.expires < this.#clock()) {
      this.#previews.delete(token);
      throw new AppError('CARDS_IMPORT_EXPIRED', {});
    }
    if (sha256 !== undefined && sha256.toLowerCase() !== prepared.sha256) {
      this.#previews.delete(token);
      throw new AppError('CARDS_IMPORT_STALE', { reason: 'import-file-changed' });
    }
    if (prepared.uids.length === 0 && prepared.updates.length === 0) {
      throw new AppError('CARDS_IMPORT_NOTHING', { rows: prepared.rows });
    }
    const store = this.#store;
    try {
      return store.write(() => {
        if (cardsFingerprint(store) !== prepared.fingerprint) {
          throw new AppError('CARDS_IMPORT_STALE', { reason: 'import-cards-changed' });
        }
        const now = store.now();
        const created = new Map<string, number>();
        const taken = new Set(
          (store.stmt('SELECT group_id_tag FROM groups').all() as Array<{ group_id_tag: string }>).map((g) =>
            g.group_id_tag.toUpperCase(),
          ),
        );
        for (const name of prepared.groupsToCreate) {
          const tag = freeTag(taken, name);
          const { lastInsertRowid } = store
            .stmt('INSERT INTO groups (name, group_id_tag, created_at, updated_at) VALUES (?, ?, ?, ?)')
            .run(name, tag, now, now);
          const id = Number(lastInsertRowid);
          created.set(name.toLowerCase(), id);
          recordAudit(store, {
            actor,
            action: 'group.create',
            entity: 'group',
            entityId: id,
            after: { id, name, groupIdTag: tag, by: 'import' },
          });
        }
        const insert = store.stmt(
          "INSERT INTO cards (uid, source, label, owner, group_id, valid_until, created_at, updated_at) VALUES (?, 'import', ?, ?, ?, ?, ?, ?)",
        );
        let firstId: number | null = null;
        let lastId: number | null = null;
        const total = prepared.uids.length + prepared.updates.length;
        const written = (done: number) => {
          if (done % PROGRESS_EVERY === 0) progress?.({ sha256: prepared.sha256, done, total });
        };
        for (let i = 0; i < prepared.uids.length; i++) {
          const group = prepared.groups[i] ?? null;
          const groupId =
            group === null
              ? null
              : 'id' in group
                ? group.id
                : (created.get(group.create.toLowerCase()) ?? null);
          const { lastInsertRowid } = insert.run(
            prepared.uids[i],
            prepared.labels[i] ?? null,
            prepared.owners[i] ?? null,
            groupId,
            prepared.validUntil[i] ?? null,
            now,
            now,
          );
          lastId = Number(lastInsertRowid);
          firstId ??= lastId;
          written(i + 1);
        }
        const groupIdOf = (group: GroupRef) =>
          group === null
            ? null
            : 'id' in group
              ? group.id
              : (created.get(group.create.toLowerCase()) ?? null);
        const update = store.stmt(
          'UPDATE cards SET label = ?, owner = ?, group_id = ?, valid_until = ?, updated_at = ? WHERE id = ?',
        );
        for (const [i, u] of prepared.updates.entries()) {
          const before = getCard(store, u.id);
          update.run(u.label, u.owner, groupIdOf(u.group), u.validUntil, now, u.id);
          const after = getCard(store, u.id);
          recordAudit(store, { actor, action: 'card.update', entity: 'card', entityId: u.id, before, after });
          written(prepared.uids.length + i + 1);
        }
        const result: ImportCommitResult = {
          imported: prepared.uids.length,
          updated: prepared.updates.length,
          skipped: prepared.refused,
          groupsCreated: prepared.groupsToCreate,
          firstId,
          lastId,
        };
        // One audit row for the import (file hash, counts, the run of new ids) instead of one per card:
        // each card still carries source 'import' and the import's time, so it leads back to this row.
        recordAudit(store, {
          actor,
          action: 'cards.import',
          entity: 'card',
          entityId: firstId === null ? null : `${firstId}-${lastId}`,
          after: { ...result, sha256: prepared.sha256, rows: prepared.rows },
        });
        return result;
      });
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new AppError('CARDS_IMPORT_STALE', { reason: 'import-cards-changed' }, { cause: error });
      }
      throw error;
    } finally {
      this.#previews.delete(token);
    }
  }

  #forgetOld(): void {
    const now = this.#clock();
    for (const [token, p] of this.#previews) if (p.expires < now) this.#previews.delete(token);
    while (this.#previews.size >= PREVIEWS_KEPT) {
      const oldest = this.#previews.keys().next().value;
      if (oldest === undefined) break;
      this.#previews.delete(oldest);
    }
  }
}
