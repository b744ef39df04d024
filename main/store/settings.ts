// User settings (the language for now), one key-value row each, with defaults for a first start.
// The desktop and the browser shell read the same row, so both show the language the user picked.
import { isLanguage } from '../../locales/translate.ts';
import type { Settings } from '../api/types.ts';
import { recordAudit } from './audit.ts';
import type { Store } from './database.ts';

export function readSettings(store: Store, defaults: Settings): Settings {
  const row = store.db.prepare("SELECT value FROM settings WHERE key = 'language'").get() as
    | { value: string }
    | undefined;
  return { language: isLanguage(row?.value) ? row.value : defaults.language };
}

export function writeSettings(store: Store, actor: string, next: Settings, defaults: Settings): Settings {
  return store.write(() => {
    const before = readSettings(store, defaults);
    store.db
      .prepare(
        "INSERT INTO settings (key, value) VALUES ('language', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(next.language);
    recordAudit(store, { actor, action: 'settings.update', entity: 'settings', before, after: next });
    return next;
  });
}

/** The local CSMS form as last started, and the boxes admitted since: the form opens with them after a
 *  reload or restart, and the admitted boxes are admitted again when the CSMS starts. No secrets here
 *  (the password stays in the vault; the form finds it there). */
export interface CsmsSaved {
  host: string;
  port: number;
  tls: boolean;
  admitUnexpected: boolean;
  expected: string[];
  admitted: string[];
}

/** Admitted boxes remembered at most; the oldest are forgotten first. */
const MAX_ADMITTED = 5000;

function isCsmsSaved(value: unknown): value is CsmsSaved {
  const v = value as Partial<CsmsSaved> | null;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.host === 'string' &&
    typeof v.port === 'number' &&
    typeof v.tls === 'boolean' &&
    typeof v.admitUnexpected === 'boolean' &&
    strings(v.expected) &&
    strings(v.admitted)
  );
}

/** The saved CSMS form, or null before the first start (or when the row cannot be read back). */
export function readCsmsSaved(store: Store): CsmsSaved | null {
  const row = store.db.prepare("SELECT value FROM settings WHERE key = 'csms'").get() as
    | { value: string }
    | undefined;
  if (!row) return null;
  try {
    const parsed: unknown = JSON.parse(row.value);
    return isCsmsSaved(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function putCsmsSaved(store: Store, saved: CsmsSaved): void {
  store.db
    .prepare(
      "INSERT INTO settings (key, value) VALUES ('csms', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .run(JSON.stringify(saved));
}

/** Saves the form the CSMS was started with, keeping the boxes admitted before. */
export function saveCsmsStart(store: Store, form: Omit<CsmsSaved, 'admitted'>): CsmsSaved {
  return store.write(() => {
    const saved = { ...form, admitted: readCsmsSaved(store)?.admitted ?? [] };
    putCsmsSaved(store, saved);
    return saved;
  });
}

/** Remembers boxes the user admitted from the lobby, so the next start admits them at once. */
export function saveCsmsAdmitted(store: Store, identities: readonly string[]): void {
  store.write(() => {
    const saved = readCsmsSaved(store);
    if (!saved) return;
    const admitted = [...saved.admitted.filter((id) => !identities.includes(id)), ...identities];
    putCsmsSaved(store, { ...saved, admitted: admitted.slice(-MAX_ADMITTED) });
  });
}

/** A forgotten box is a stranger again: it waits in the lobby at the next start. Call inside a write. */
export function dropCsmsAdmitted(store: Store, identity: string): void {
  const saved = readCsmsSaved(store);
  if (saved?.admitted.includes(identity))
    putCsmsSaved(store, { ...saved, admitted: saved.admitted.filter((id) => id !== identity) });
}
