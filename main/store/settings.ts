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
