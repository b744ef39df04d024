// The shapes the api hands out: plain, serialisable records the renderer and the CLI show.
// Written once here; the store maps its rows to them and the renderer imports them as types only.
import type { Language } from '../../locales/translate.ts';

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

export type DataEntity = 'site' | 'station' | 'group' | 'card' | 'secret' | 'settings' | 'template';
