// Pushes a local authorization list within the box's limits: one Full part, then Differential parts
// with rising versions; a Differential answered VersionMismatch is redone as a full list; the version is read back.
import { AppError } from '../api/errors.ts';
import { isPlainText, plainTextCheck } from '../log/redact.ts';
import type { CallOptions } from './call.ts';
import type { LocalListLimits, LocalListUpdate, StationSession } from './session.ts';
import { validatedShapes } from './tolerant-validators.ts';
import type { LocalListEntry, PushOutcome, PushProgress } from './types.ts';

export type { PushOutcome, PushProgress } from './types.ts';

export interface PushPart {
  update: LocalListUpdate;
  version: number;
  entries: LocalListEntry[];
  removals: Array<Pick<LocalListEntry, 'idTag' | 'tokenType'>>;
}

/** Whether two cards carry the same information beside their idTag (status, group, expiry): their frames'
 *  idTagInfo / idTokenInfo are the same text. */
export function sameCardInfo(a: LocalListEntry, b: LocalListEntry): boolean {
  return a.status === b.status && a.group === b.group && a.expiryDate === b.expiryDate;
}

/** isPlainText over a card's texts (log/redact.ts), with a memory per field that repeats from card to card
 *  (status, token type, group, expiry); the idTag, new on every card, is read each time. */
export function plainCardCheck(): (card: LocalListEntry) => boolean {
  const status = plainTextCheck();
  const type = plainTextCheck();
  const group = plainTextCheck();
  const date = plainTextCheck();
  return (card) =>
    isPlainText(card.idTag) &&
    status(card.status) &&
    (!card.tokenType || type(card.tokenType)) &&
    (!card.group || group(card.group)) &&
    (!card.expiryDate || date(card.expiryDate));
}

/** The OCPP-J envelope around a payload: [2,"<uuid>","SendLocalList",payload]. */
const ENVELOPE_BYTES = 64;

/** Splits items into parts no longer than the box takes, counted in items and, for 2.0.1, in bytes
 *  (sizeOf is what one more item adds to the message, baseBytes what the message costs around them). */
export function chunkForLimits<T>(
  items: T[],
  limits: Pick<LocalListLimits, 'maxItemsPerMessage' | 'maxBytesPerMessage'>,
  sizeOf: (item: T) => number,
  baseBytes: number,
): T[][] {
  const maxItems = Math.max(1, limits.maxItemsPerMessage);
  const maxBytes = limits.maxBytesPerMessage ?? Number.POSITIVE_INFINITY;
  const chunks: T[][] = [];
  const counted = Number.isFinite(maxBytes);
  // Counted in items alone (1.6): parts cut out whole, not filled item by item.
  if (!counted) {
    // As filled item by item: a part closes when it holds maxItems or more (a limit read as 2.5 makes 3).
    const step = Number.isFinite(maxItems) ? Math.ceil(maxItems) : Math.max(1, items.length);
    for (let at = 0; at < items.length; at += step) chunks.push(items.slice(at, at + step));
    if (chunks.length === 0) chunks.push([]);
    return chunks;
  }
  let current: T[] = [];
  let bytes = baseBytes;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = baseBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** Exact byte costs: the payload's frame, and what each further entry or removal adds (comma included). */
function sizer(session: StationSession): {
  base: number;
  entry: (e: LocalListEntry) => number;
  removal: (r: PushPart['removals'][number]) => number;
} {
  // The longest version number and update type, so no part is measured smaller than it is sent.
  const len = (entries: LocalListEntry[], removals: PushPart['removals']) =>
    JSON.stringify(session.localListPayload(2 ** 31 - 1, 'Differential', entries, removals)).length;
  const entry = (e: LocalListEntry) => len([e, e], []) - len([e], []);
  const removal = (r: PushPart['removals'][number]) => len([], [r, r]) - len([], [r]);
  const probe: LocalListEntry = { idTag: 'X', status: 'Accepted' };
  return { base: len([probe], []) - entry(probe) + ENVELOPE_BYTES, entry, removal };
}

export function planFullPush(
  session: StationSession,
  entries: LocalListEntry[],
  fromVersion: number,
  limits: LocalListLimits,
): PushPart[] {
  // Counted in items alone where the box has no byte limit (1.6): no sizes to measure.
  const size = limits.maxBytesPerMessage === null ? null : sizer(session);
  const chunks = chunkForLimits(entries, limits, size?.entry ?? (() => 0), size?.base ?? 0);
  return chunks.map((chunk, index) => ({
    update: index === 0 ? 'Full' : 'Differential',
    version: fromVersion + index + 1,
    entries: chunk,
    removals: [],
  }));
}

/** The changes from what the box holds to what it should hold: updated entries and removals. */
export function planDifferentialPush(
  session: StationSession,
  previous: LocalListEntry[],
  next: LocalListEntry[],
  fromVersion: number,
  limits: LocalListLimits,
): PushPart[] {
  const key = (e: Pick<LocalListEntry, 'idTag'>) => e.idTag.toUpperCase();
  const before = new Map(previous.map((e) => [key(e), e]));
  const after = new Set(next.map(key));
  const changed = next.filter((e) => JSON.stringify(before.get(key(e))) !== JSON.stringify(e));
  const removed = previous
    .filter((e) => !after.has(key(e)))
    .map((e) => ({ idTag: e.idTag, ...(e.tokenType ? { tokenType: e.tokenType } : {}) }));
  type Change = { entry: LocalListEntry } | { removal: PushPart['removals'][number] };
  const changes: Change[] = [
    ...changed.map((entry) => ({ entry })),
    ...removed.map((removal) => ({ removal })),
  ];
  if (changes.length === 0) return [];
  const size = sizer(session);
  const chunks = chunkForLimits(
    changes,
    limits,
    (c) => ('entry' in c ? size.entry(c.entry) : size.removal(c.removal)),
    size.base,
  );
  return chunks.map((chunk, index) => ({
    update: 'Differential',
    version: fromVersion + index + 1,
    entries: chunk.flatMap((c) => ('entry' in c ? [c.entry] : [])),
    removals: chunk.flatMap((c) => ('removal' in c ? [c.removal] : [])),
  }));
}

/** What makes one entry's frame differ in structure from another's: its update type, status and optional
 *  fields (the values themselves are checked where they come in: a card's idTag fits, CARD_NOT_FOR_BOX). */
function partShapes(part: PushPart): string[] {
  const shapes = new Set<string>();
  let last: LocalListEntry | undefined;
  for (const e of part.entries) {
    // Neighbours mostly share a shape (a list of 250 Accepted cards of one group): named once.
    if (
      last &&
      e.status === last.status &&
      !e.group === !last.group &&
      !e.expiryDate === !last.expiryDate &&
      e.tokenType === last.tokenType
    )
      continue;
    last = e;
    shapes.add(
      `${part.update}:${e.status}:${e.group ? 'g' : ''}${e.expiryDate ? 'x' : ''}:${e.tokenType ?? ''}`,
    );
  }
  for (const r of part.removals) shapes.add(`${part.update}:remove:${r.tokenType ?? ''}`);
  if (shapes.size === 0) shapes.add(`${part.update}:empty`);
  return [...shapes];
}

/** The entry shapes whose frame passed the strict schema once in this process, per OCPP version: every
 *  later frame of those shapes is built by the same code from data checked where it came in. */
const checkedShapes = new Map<string, Set<string>>();

export interface PushRequest {
  entries: LocalListEntry[];
  limits: LocalListLimits;
  /** What the tool last pushed and the box confirmed; with it only the changes are sent. */
  previous?: { version: number; entries: LocalListEntry[] } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: PushProgress) => void) | undefined;
  timeoutMs?: number;
  /** A full list reaches at least this version (a swap keeps the broken box's list version). */
  minVersion?: number;
}

export async function pushLocalList(session: StationSession, request: PushRequest): Promise<PushOutcome> {
  const { identity } = session;
  const { limits, entries } = request;
  if (limits.maxEntries !== null && entries.length > limits.maxEntries) {
    throw new AppError('LOCAL_LIST_TOO_LONG', { identity, count: entries.length, max: limits.maxEntries });
  }
  const options: CallOptions = { signal: request.signal, timeoutMs: request.timeoutMs };
  const current = await session.localListVersion(options);
  let fellBackToFull = false;
  let parts: PushPart[];
  if (request.previous && request.previous.version === current && current > 0) {
    parts = planDifferentialPush(session, request.previous.entries, entries, current, limits);
  } else {
    parts = planFullPush(session, entries, Math.max(current, 0), limits);
    const short = (request.minVersion ?? 0) - (parts.at(-1)?.version ?? 0);
    if (short > 0) parts = planFullPush(session, entries, Math.max(current, 0) + short, limits);
  }

  let sent = 0;
  // Each shape of entry is checked against the schema once (in the first part that has it, of the first
  // push to a box of this version); a later part made only of shapes already checked goes out without the
  // schema walking its 250 entries again.
  const checked = checkedShapes.get(session.ocppVersion) ?? new Set<string>();
  checkedShapes.set(session.ocppVersion, checked);
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as PushPart;
    const payload = session.localListPayload(part.version, part.update, part.entries, part.removals);
    const shapes = partShapes(part);
    if (shapes.every((shape) => checked.has(shape))) validatedShapes.add(payload as object);
    const status = await session.sendLocalList(payload, options);
    for (const shape of shapes) checked.add(shape);
    if (status === 'VersionMismatch' && part.update === 'Differential' && !fellBackToFull) {
      // The box's list is not what we think (reset, another tool): start over with the whole list.
      fellBackToFull = true;
      const now = await session.localListVersion(options);
      parts = [
        ...parts.slice(0, index),
        ...planFullPush(session, entries, Math.max(now, part.version), limits),
      ];
      index--;
      continue;
    }
    if (status !== 'Accepted') {
      throw new AppError('LOCAL_LIST_REFUSED', { identity, status, version: part.version });
    }
    sent += part.entries.length + part.removals.length;
    request.onProgress?.({ part: index + 1, parts: parts.length, sent, total: entries.length });
  }
  const version = parts.at(-1)?.version ?? current;
  const readBack = await session.localListVersion(options);
  return {
    version,
    parts: parts.length,
    entries: entries.length,
    fellBackToFull,
    readBack,
    verified: readBack === version,
  };
}
