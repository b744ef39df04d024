// The api of per-box card formats: learn one from a tap at the box, choose one by hand, show and forget
// it. Merged into handlers.ts; every write is audited and announced as data.changed 'uidFormat'.
import type { OcppService } from '../ocpp/service.ts';
import { waitForEvent } from '../ocpp/wait.ts';
import { type DesktopReaders, LearnSessions } from '../rfid/learn-session.ts';
import type { CardEvent } from '../rfid/reader.ts';
import type { ReaderManager } from '../rfid/reader-manager.ts';
import { uidFromBytes } from '../rfid/uid.ts';
import { formatUid, type UidPresetName, uidPresets } from '../rfid/uid-format.ts';
import type { Store } from '../store/database.ts';
import { clearUidFormat, getUidFormat, listUidFormats, saveUidFormat } from '../store/uid-formats.ts';
import { AppError } from './errors.ts';
import type { Handlers, Router } from './router.ts';
import type { UidFormatCandidate } from './types.ts';

type FormatMethods =
  | 'formats.learn'
  | 'formats.cancelLearn'
  | 'formats.get'
  | 'formats.list'
  | 'formats.presets'
  | 'formats.save'
  | 'formats.clear';

/** A 7-byte card with leading zeros and letters: shows byte order, case, padding and cuts at a glance. */
const sample = uidFromBytes([0x04, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f], 'typed');

function presetCandidates(): UidFormatCandidate[] {
  if (!sample.ok) return [];
  const uid = sample.value;
  return (Object.keys(uidPresets) as UidPresetName[]).map((name) => {
    const format = uidPresets[name];
    const made = formatUid(uid, format);
    return { format, preset: name, sampleUid: '040A1B2C3D4E5F', example: made.ok ? made.value : '' };
  });
}

/** The desktop side of a learning: the next card on any open reader of the core's reader manager. */
function desktopReaders(readers: ReaderManager): DesktopReaders {
  return {
    open: () => readers.snapshot().readers.some((r) => r.state === 'open'),
    nextCard: (signal) =>
      waitForEvent<CardEvent, CardEvent>(
        (listener) => readers.on('card', listener),
        (card) => card,
        {
          signal,
          onTimeout: () => new AppError('CANCELLED'),
        },
      ),
  };
}

export function formatHandlers(deps: {
  store: Store;
  ocpp: OcppService;
  events: () => Router;
  readers?: ReaderManager | undefined;
}): Pick<Handlers, FormatMethods> {
  const { store } = deps;
  const changed = () => deps.events().emit('data.changed', { entity: 'uidFormat' });
  const sessions = new LearnSessions({
    store,
    ocpp: deps.ocpp,
    desktop: deps.readers ? desktopReaders(deps.readers) : undefined,
    onProgress: (progress) => deps.events().emit('formats.learn', progress),
  });

  return {
    'formats.learn': async (p, ctx) => {
      const outcome = await sessions.learn({
        actor: ctx.actor,
        identity: p.identity,
        uidHex: p.uidHex,
        timeoutSeconds: p.timeoutSeconds,
        previous: p.previous,
      });
      if (outcome.saved) changed();
      return outcome;
    },
    'formats.cancelLearn': (p) => ({ cancelled: sessions.cancel(p.identity) }),
    'formats.get': (p) => getUidFormat(store, p.identity),
    'formats.list': () => listUidFormats(store),
    'formats.presets': () => presetCandidates(),
    'formats.save': (p, ctx) => {
      const format = typeof p.format === 'string' ? uidPresets[p.format] : p.format;
      const saved = saveUidFormat(store, ctx.actor, { identity: p.identity, format, source: 'manual' });
      changed();
      return saved;
    },
    'formats.clear': (p, ctx) => {
      const cleared = clearUidFormat(store, ctx.actor, p.identity);
      if (cleared) changed();
      return { cleared };
    },
  };
}
