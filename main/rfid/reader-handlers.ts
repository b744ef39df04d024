// The readers and enrollment api (readers.*, enrollment.*) as a map of handlers merged into
// main/api/handlers.ts: the reader list, ports added by hand, and the batch enrollment session.
import { AppError } from '../api/errors.ts';
import type { Handlers, Router } from '../api/router.ts';
import type { ReaderView } from '../api/types.ts';
import type { Store } from '../store/database.ts';
import { EnrollmentSession } from './enrollment-session.ts';
import { type HidSource, parseVidPid } from './hid-source.ts';
import { ReaderManager } from './reader-manager.ts';
import type { SerialSource } from './serial-source.ts';

export type ReaderMethod =
  | 'readers.list'
  | 'readers.addSerial'
  | 'readers.addHid'
  | 'enrollment.start'
  | 'enrollment.stop'
  | 'enrollment.status'
  | 'enrollment.tap';

export interface ReaderHandlerDeps {
  store: Store;
  events: () => Router;
  /** The core's manager and session; a router built without them (tests) gets its own, with no sources. */
  readers?: ReaderManager | undefined;
  enrollment?: EnrollmentSession | undefined;
}

/** The reader as listed after a scan, or READER_NOT_FOUND naming what the user gave. */
async function listed(readers: ReaderManager, id: string, given: string): Promise<ReaderView> {
  await readers.scan();
  const view = readers.snapshot().readers.find((r) => r.id === id);
  if (!view) throw new AppError('READER_NOT_FOUND', { path: given });
  return view;
}

export function readerHandlers(deps: ReaderHandlerDeps): Pick<Handlers, ReaderMethod> {
  const readers = deps.readers ?? new ReaderManager({ sources: [] });
  const enrollment =
    deps.enrollment ??
    new EnrollmentSession({
      store: deps.store,
      manager: readers,
      announce: (outcome) => deps.events().emit('cards.tapped', outcome),
      cardAdded: () => deps.events().emit('data.changed', { entity: 'card' }),
    });
  return {
    'readers.list': async () => {
      const list = await readers.list();
      readers.watch();
      return list;
    },
    'readers.addSerial': async (p) => {
      const serial = readers.source<SerialSource>('serial');
      if (!serial) throw new AppError('READER_NOT_FOUND', { path: p.path });
      const before = readers.snapshot().readers.find((r) => r.id === `serial:${p.path}`);
      const info = serial.add(p.path, {
        ...(p.baudRate !== undefined ? { baudRate: p.baudRate } : {}),
        ...(p.format !== undefined ? { format: p.format } : {}),
      });
      const view = await listed(readers, info.id, p.path);
      // New settings reach an open port only by opening it again.
      if (before && before.label !== view.label) await readers.reopen(info.id);
      readers.watch();
      return readers.snapshot().readers.find((r) => r.id === info.id) ?? view;
    },
    'readers.addHid': async (p) => {
      const hid = readers.source<HidSource>('hid');
      if (!hid) throw new AppError('READER_NOT_FOUND', { path: p.device });
      hid.name(p.device);
      await readers.scan();
      const vidPid = parseVidPid(p.device);
      const found = readers
        .snapshot()
        .readers.filter((r) => r.kind === 'hid')
        .find((r) => r.id === `hid:${p.device}` || (vidPid !== undefined && r.label.includes(`(${vidPid}`)));
      if (!found) throw new AppError('READER_NOT_FOUND', { path: p.device });
      readers.watch();
      return found;
    },
    'enrollment.start': (p, ctx) => enrollment.start(ctx.actor, p),
    'enrollment.stop': () => enrollment.stop(),
    'enrollment.status': () => enrollment.status(),
    'enrollment.tap': (p) => enrollment.tap(p),
  };
}
