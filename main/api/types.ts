// The shapes the api hands out: plain, serialisable records the renderer and the CLI show.
// Written once here; the store maps its rows to them and the renderer imports them as types only.
import type { Language } from '../../locales/translate.ts';
import type { UidFormat, UidPresetName } from '../rfid/uid-format.ts';
import type { ErrorCode } from './errors.ts';

export type Face = 'desktop' | 'browser' | 'cli';

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  vaultKey: 'safeStorage' | 'keyfile';
  platform: string;
  node: string;
}

export interface Settings {
  language: Language;
}

export interface Site {
  id: number;
  name: string;
  address: string | null;
  stationCount: number;
  createdAt: string;
  updatedAt: string;
}

export type OcppVersion = '1.6' | '2.0.1';

export interface Station {
  id: number;
  siteId: number | null;
  identity: string;
  label: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  ocppVersion: OcppVersion | null;
  createdAt: string;
  updatedAt: string;
}

export interface Group {
  id: number;
  name: string;
  /** The idTag that stands for the group on the boxes: parentIdTag (1.6) and groupIdToken (2.0.1). */
  groupIdTag: string;
  cardCount: number;
  /** The boxes the group is allowed on. */
  stationCount: number;
  createdAt: string;
  updatedAt: string;
}

export type CardSource = 'pcsc' | 'hid' | 'serial' | 'typed' | 'import';

export interface Card {
  id: number;
  /** Raw UID bytes as upper-case hex, most significant byte first, as the card sent them. */
  uidHex: string;
  source: CardSource;
  reader: string | null;
  label: string | null;
  owner: string | null;
  groupId: number | null;
  validUntil: string | null;
  /** When the card was blocked: kept, pushed as Blocked to the boxes and as invalid to the CSMS. */
  blockedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/** What the renderer may know about a secret: never its value. */
export interface SecretInfo {
  id: number;
  purpose: string;
  label: string;
  createdAt: string;
  updatedAt: string;
}

export type DataEntity =
  | 'site'
  | 'station'
  | 'group'
  | 'card'
  | 'secret'
  | 'settings'
  | 'template'
  | 'uidFormat'
  | 'sync';

/** One card read on the desktop reader and what a box sent for it: the evidence a learned format rests on. */
export interface UidEvidence {
  /** The card's bytes as the desktop reader read them, upper-case hex. */
  uidHex: string;
  /** The idTag (1.6) or idToken (2.0.1) the box sent in its Authorize. */
  idTag: string;
  /** 2.0.1: the IdTokenType type the box sent with it. */
  tokenType?: string;
}

/** How one box writes cards: its UID format, and why the tool believes it. */
export interface UidFormatProfile {
  identity: string;
  format: UidFormat;
  preset: UidPresetName | null;
  /** 2.0.1: the idToken type the box sends (ISO14443, Local, ...); null when not learned. */
  tokenType: string | null;
  evidence: UidEvidence[];
  source: 'learned' | 'manual';
  learnedAt: string;
}

/** A format with what it makes of a sample card, to show next to it. */
export interface UidFormatCandidate {
  format: UidFormat;
  preset: UidPresetName | null;
  /** The sample card (upper-case hex) and the idTag this format makes of it. */
  sampleUid: string;
  example: string;
}

export interface LearnOutcome extends UidFormatCandidate {
  identity: string;
  ocppVersion: OcppVersion;
  /** The card of this tap and what the box sent for it. */
  heard: UidEvidence;
  /** Every card this result rests on (earlier taps first). */
  evidence: UidEvidence[];
  /** Other formats that fit the evidence but write other cards differently. */
  alternatives: UidFormatCandidate[];
  /** The evidence cannot tell the byte order or the notation apart: tap a second, different card. */
  needsAnotherCard: boolean;
  /** The profile written for the box; null while another card is needed. */
  saved: UidFormatProfile | null;
}

export type LearnStage = 'booting' | 'waiting-for-tap' | 'heard' | 'learned' | 'failed' | 'cancelled';

/** Where a learn session of one box stands, for the screen that started it and any other. */
export interface LearnProgress {
  identity: string;
  stage: LearnStage;
  /** What the box sent, once heard. */
  idTag?: string;
  /** The error code, when failed. */
  code?: string;
}

/** A card reader as the api shows it (readers.list, readers.changed). */
export interface ReaderView {
  /** "hid:<path>", "serial:<path>", "pcsc:<name>": stable while the device stays plugged in. */
  id: string;
  kind: 'pcsc' | 'hid' | 'serial' | 'wedge';
  /** The model or port as the device names it; not translated. */
  label: string;
  state: 'available' | 'open' | 'error';
  /** Why the reader cannot be used (state 'error'): a reader error code and its params. */
  error?: { code: string; params: Record<string, string | number> };
  /** Matched by an id not confirmed to be a card reader (resources/rfid/hid-readers.json "check"). */
  unverified?: boolean;
}

export interface ReadersSnapshot {
  readers: ReaderView[];
  /** A kind of reader that cannot be listed right now (PC/SC service down, node-hid missing). */
  problems: Array<{ kind: ReaderView['kind']; code: string; params: Record<string, string | number> }>;
}

export interface EnrollmentSettings {
  groupId?: number;
  /** A label pattern such as "Fleet-###" (the next free number) or a fixed label. */
  label?: string;
  /** Names given out in order to the cards enrolled: the next one not yet on a card. */
  roster?: string[];
  owner?: string;
  validUntil?: string;
}

export interface EnrollmentStatus {
  active: boolean;
  /** The reader ids the session listens to; typed and window input come on top. */
  readers: string[];
  settings: EnrollmentSettings;
  /** Every tap of the session, enrolled, already enrolled or refused. */
  taps: number;
  enrolled: number;
  duplicates: number;
  failed: number;
  startedAt: string | null;
}

/** One tap of a batch enrollment, stored (and audited) before it is announced. */
export type TapOutcome =
  | {
      at: string;
      /** The reader id, "typed" for a UID typed by hand, "window" for the renderer's keystroke fallback. */
      reader: string;
      ok: true;
      card: Card;
      duplicate: boolean;
      flags: Array<{ code: string; params: Record<string, string | number> }>;
    }
  | {
      at: string;
      reader: string;
      ok: false;
      error: { code: ErrorCode; params: Record<string, string | number> };
    };
