// The live api (live.*) merged into main/api/handlers.ts: a box's live state, and the idle minutes
// setting kept as the settings row `live.idleMinutes` (audited like any setting).
import type { Handlers } from '../../api/router.ts';
import { recordAudit } from '../../store/audit.ts';
import type { Store } from '../../store/database.ts';
import { defaultIdleMinutes, type LiveService } from './live-service.ts';

export type LiveMethod = 'live.get' | 'live.idleMinutes';

/** The idle minutes the user set, or the default. */
export function storedIdleMinutes(store: Store): number {
  if (!store.db.open) return defaultIdleMinutes;
  const row = store.db.prepare("SELECT value FROM settings WHERE key = 'live.idleMinutes'").get() as
    | { value: string }
    | undefined;
  const value = Number(row?.value);
  return Number.isInteger(value) && value > 0 ? value : defaultIdleMinutes;
}

export function liveHandlers(store: Store, live: LiveService): Pick<Handlers, LiveMethod> {
  return {
    'live.get': (p) => live.get(p.identity),
    'live.idleMinutes': (p, ctx) => {
      const before = storedIdleMinutes(store);
      if (p.minutes === undefined || p.minutes === before) return { minutes: before };
      const minutes = p.minutes;
      store.write(() => {
        store.db
          .prepare(
            "INSERT INTO settings (key, value) VALUES ('live.idleMinutes', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
          )
          .run(String(minutes));
        recordAudit(store, {
          actor: ctx.actor,
          action: 'settings.update',
          entity: 'settings',
          before: { idleMinutes: before },
          after: { idleMinutes: minutes },
        });
      });
      live.idleMinutesChanged();
      return { minutes };
    },
  };
}
