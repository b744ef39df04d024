// The core side of batch enrollment: while a session runs, every tap on its readers (or typed in the
// window) becomes a stored, audited card with the session's group, label and validity, then an event.
import { randomUUID } from 'node:crypto';
import { AppError, type ErrorCode } from '../api/errors.ts';
import type { CardSource, EnrollmentSettings, EnrollmentStatus, TapOutcome } from '../api/types.ts';
import type { Store } from '../store/database.ts';
import { enrollCard } from './enroll.ts';
import type { CardEvent, ReaderError, ReaderErrorCode } from './reader.ts';
import { uidHex } from './reader.ts';
import type { ReaderManager } from './reader-manager.ts';
import { parseUid } from './uid.ts';

export interface StartRequest extends EnrollmentSettings {
  readers: string[];
}

export interface TapRequest {
  uid: string;
  /** 'hid': the renderer's keystroke fallback (a wedge reader typing into the window); 'typed': by hand. */
  source: 'hid' | 'typed';
  notation?: 'auto' | 'hex' | 'decimal' | undefined;
  reader?: string | undefined;
}

export interface EnrollmentDeps {
  store: Store;
  manager: ReaderManager;
  /** Announces a tap once it is stored (cards.tapped). */
  announce: (outcome: TapOutcome) => void;
  /** A card was added (data.changed). */
  cardAdded: () => void;
  /** Where an unexpected failure goes; its text never reaches the outcome. */
  logInternal?: (incident: string, error: unknown) => void;
}

/** Reader faults that are about one tap (a bad line, a half reading), not about the reader. */
const tapFaults = new Set<ReaderErrorCode>([
  'READER_UNREADABLE_LINE',
  'READER_BAD_FRAME',
  'READER_BAD_CHECKSUM',
  'READER_BAD_REPORT',
  'READER_NOT_A_UID',
  'READER_PARTIAL_DROPPED',
  // PC/SC: the card left before its UID was read, or the reader refused GET DATA: tap again.
  'READER_CARD_REMOVED_EARLY',
  'READER_UID_REFUSED',
  // The card answered too late (or never) within the read timeout: the tap is refused, once.
  'READER_READ_TIMEOUT',
]);

/** After this many taps in a row on one reader without a UID, the refusal offers typing the UID. */
export const TYPE_UID_AFTER = 3;

/**
 * A wedge reader opened over HID still types into the focused window (hidraw does not grab it), so the
 * renderer's fallback may report the same tap again; within this window it is the same tap.
 */
const ECHO_MS = 3000;

const sourceOfKind: Record<string, CardSource> = { pcsc: 'pcsc', hid: 'hid', serial: 'serial', wedge: 'hid' };

/**
 * Why a --reader id is not in the list: the service of its kind is down (say that, not "check the cable"),
 * or the id is mistyped (name the readers there are).
 */
function unknownReader(manager: ReaderManager, id: string): AppError {
  const snapshot = manager.snapshot();
  const kind = id.includes(':') ? id.slice(0, id.indexOf(':')) : '';
  const problem = snapshot.problems.find((p) => p.kind === kind);
  if (problem) return new AppError(problem.code as ErrorCode, { ...problem.params, path: id });
  const readers = snapshot.readers.map((r) => r.id);
  if (readers.length === 0) return new AppError('READER_UNKNOWN_ID_NONE', { id });
  return new AppError('READER_UNKNOWN_ID', { id, readers: readers.join(', ') });
}

/** The 10 decimal digits a wedge reader typed, back from the 4 bytes wedgeLineToUid made of them. */
function wedgeDecimal(uid: Uint8Array): string {
  return String(new DataView(uid.buffer, uid.byteOffset, 4).getUint32(0, true)).padStart(10, '0');
}

export class EnrollmentSession {
  readonly #deps: EnrollmentDeps;
  #active = false;
  #actor = '';
  #readers: string[] = [];
  #settings: EnrollmentSettings = {};
  #startedAt: string | null = null;
  #counts = { taps: 0, enrolled: 0, duplicates: 0, failed: 0 };
  #recentHid: Array<{ key: string; at: number; outcome: TapOutcome }> = [];
  /** Taps in a row per reader that gave no UID; a card read resets it. */
  #noUid = new Map<string, number>();
  #offs: Array<() => void> = [];

  constructor(deps: EnrollmentDeps) {
    this.#deps = deps;
  }

  status(): EnrollmentStatus {
    return {
      active: this.#active,
      readers: [...this.#readers],
      settings: {
        ...this.#settings,
        ...(this.#settings.roster ? { roster: [...this.#settings.roster] } : {}),
      },
      ...this.#counts,
      startedAt: this.#startedAt,
    };
  }

  /**
   * Starts (or restarts with new settings) the session: checks the group and readers, opens the readers
   * and resolves when each is open or has failed (its state shows in readers.list).
   */
  async start(actor: string, request: StartRequest): Promise<EnrollmentStatus> {
    const { store, manager } = this.#deps;
    if (
      request.groupId !== undefined &&
      !store.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(request.groupId)
    ) {
      throw new AppError('NOT_FOUND', { entity: 'group', id: request.groupId });
    }
    const readers = [...new Set(request.readers)];
    if (readers.length > 0) await manager.list();
    // A reader plugged in since the last scan is not refused for being new.
    if (readers.some((id) => !manager.has(id))) await manager.scan();
    for (const id of readers) {
      if (!manager.has(id)) throw unknownReader(manager, id);
    }
    const settings: EnrollmentSettings = {};
    if (request.groupId !== undefined) settings.groupId = request.groupId;
    if (request.label !== undefined) settings.label = request.label;
    if (request.roster !== undefined) settings.roster = [...request.roster];
    if (request.owner !== undefined) settings.owner = request.owner;
    if (request.validUntil !== undefined) settings.validUntil = request.validUntil;
    if (!this.#active) {
      this.#counts = { taps: 0, enrolled: 0, duplicates: 0, failed: 0 };
      this.#startedAt = new Date().toISOString();
      this.#recentHid = [];
      this.#noUid.clear();
      this.#offs = [
        manager.on('card', (event) => this.#readerCard(event)),
        manager.on('fault', (fault) => this.#readerFault(fault)),
      ];
    }
    this.#active = true;
    this.#actor = actor;
    this.#readers = readers;
    this.#settings = settings;
    manager.watch();
    await manager.pick(readers);
    return this.status();
  }

  async stop(): Promise<EnrollmentStatus> {
    if (this.#active) {
      this.#active = false;
      for (const off of this.#offs) off();
      this.#offs = [];
      await this.#deps.manager.pick([]);
    }
    return this.status();
  }

  /** A UID typed by hand or caught by the renderer's keystroke fallback, with the session's settings. */
  tap(request: TapRequest): TapOutcome {
    if (!this.#active) throw new AppError('ENROLLMENT_NOT_ACTIVE', {});
    const reader = request.reader ?? (request.source === 'typed' ? 'typed' : 'window');
    if (request.source === 'hid') {
      const echo = this.#echoOf(request.uid, request.notation);
      if (echo) return echo;
    }
    return this.#enroll({ uid: request.uid, source: request.source, notation: request.notation, reader });
  }

  #readerCard(event: CardEvent): void {
    if (!this.#readers.includes(event.reader)) return;
    this.#noUid.delete(event.reader);
    const kind = event.reader.slice(0, event.reader.indexOf(':'));
    const decimal = event.readAs === 'decimal' && event.uid.length === 4;
    const outcome = this.#enroll({
      uid: decimal ? wedgeDecimal(event.uid) : uidHex(event.uid),
      notation: decimal ? 'decimal' : 'hex',
      source: sourceOfKind[kind] ?? 'hid',
      reader: event.reader,
      at: event.at,
    });
    if (kind === 'hid' && outcome.ok) {
      const now = Date.now();
      this.#recentHid = this.#recentHid.filter((r) => now - r.at < ECHO_MS);
      this.#recentHid.push({ key: outcome.card.uidHex, at: now, outcome });
    }
  }

  #readerFault(fault: ReaderError): void {
    if (!this.#readers.includes(fault.reader) || !tapFaults.has(fault.code)) return;
    const tries = (this.#noUid.get(fault.reader) ?? 0) + 1;
    this.#noUid.set(fault.reader, tries);
    // A card or reader that keeps giving no UID will not give one by tapping again: offer typing it.
    const error =
      tries >= TYPE_UID_AFTER
        ? {
            code: 'CARDS_TAP_TYPE_UID' as const,
            params: { path: String(fault.params.path ?? fault.reader), tries },
          }
        : { code: fault.code, params: { ...fault.params } };
    this.#record({ at: new Date().toISOString(), reader: fault.reader, ok: false, error });
  }

  #echoOf(uid: string, notation: TapRequest['notation']): TapOutcome | undefined {
    const parsed = parseUid(uid, { source: 'hid', notation: notation ?? 'auto' });
    if (!parsed.ok) return undefined;
    const key = uidHex(parsed.value.bytes);
    const now = Date.now();
    return this.#recentHid.find((r) => r.key === key && now - r.at < ECHO_MS)?.outcome;
  }

  #enroll(input: {
    uid: string;
    source: CardSource;
    notation: TapRequest['notation'];
    reader: string;
    at?: string;
  }): TapOutcome {
    const { store } = this.#deps;
    const at = input.at ?? new Date().toISOString();
    const settings = this.#settings;
    let outcome: TapOutcome;
    try {
      const result = store.write(() => {
        let label = settings.label;
        if (settings.roster) {
          label = this.#nextRosterName(settings.roster);
          // A card already enrolled is answered as such even when every name is taken.
          if (label === undefined && this.#known(input.uid, input.source, input.notation) === 'new') {
            throw new AppError('ENROLLMENT_ROSTER_EXHAUSTED', { count: settings.roster.length });
          }
        }
        return enrollCard(store, this.#actor, {
          uid: input.uid,
          source: input.source,
          reader: input.reader,
          notation: input.notation,
          groupId: settings.groupId,
          label,
          owner: settings.owner,
          validUntil: settings.validUntil,
        });
      });
      outcome = {
        at,
        reader: input.reader,
        ok: true,
        card: result.card,
        duplicate: result.duplicate,
        flags: result.flags,
      };
    } catch (error) {
      outcome = { at, reader: input.reader, ok: false, error: this.#errorOf(error) };
    }
    this.#record(outcome);
    return outcome;
  }

  #record(outcome: TapOutcome): void {
    this.#counts.taps++;
    if (!outcome.ok) this.#counts.failed++;
    else if (outcome.duplicate) this.#counts.duplicates++;
    else {
      this.#counts.enrolled++;
      this.#deps.cardAdded();
    }
    this.#deps.announce(outcome);
  }

  #nextRosterName(roster: string[]): string | undefined {
    const taken = this.#deps.store.db.prepare('SELECT 1 FROM cards WHERE label = ?');
    return roster.find((name) => !taken.get(name));
  }

  /** Whether this UID is a card already; 'invalid' lets enrollCard explain why it is no UID. */
  #known(uid: string, source: CardSource, notation: TapRequest['notation']): 'known' | 'new' | 'invalid' {
    const parsed = parseUid(uid, { source, notation: notation ?? 'auto' });
    if (!parsed.ok) return 'invalid';
    const row = this.#deps.store.db
      .prepare('SELECT 1 FROM cards WHERE uid = ?')
      .get(Buffer.from(parsed.value.bytes));
    return row ? 'known' : 'new';
  }

  #errorOf(error: unknown): { code: ErrorCode; params: Record<string, string | number> } {
    if (error instanceof AppError) return { code: error.code, params: error.params };
    const incident = randomUUID().slice(0, 8);
    this.#deps.logInternal?.(incident, error);
    return { code: 'INTERNAL', params: { method: 'enrollment.tap', incident } };
  }
}
