// One sync.states call for all the rows a page shows at once: each SyncBadge asks for its card or station,
// the asks of one moment are gathered and sent together (a page of 500 cards is one call, not 500).
import type { SyncState } from '../../main/csms/sync-states.ts';
import type { Connection } from '../api/client.ts';

export type SyncSubject = { card: string } | { station: string };

interface Ask {
  subject: SyncSubject;
  resolve(states: SyncState[]): void;
  reject(error: unknown): void;
}

const pendingByConnection = new WeakMap<Connection, Ask[]>();

function matches(subject: SyncSubject, state: SyncState): boolean {
  return 'card' in subject
    ? state.what === 'card' && state.key === subject.card.toUpperCase()
    : state.what === 'station' && state.key === subject.station;
}

/** The states of one card or station at each company CSMS, fetched together with the other asks. */
export function loadSyncStates(api: Connection, subject: SyncSubject): Promise<SyncState[]> {
  return new Promise((resolve, reject) => {
    const waiting = pendingByConnection.get(api);
    if (waiting) {
      waiting.push({ subject, resolve, reject });
      return;
    }
    const asks: Ask[] = [{ subject, resolve, reject }];
    pendingByConnection.set(api, asks);
    setTimeout(() => {
      pendingByConnection.delete(api);
      const cards = asks.flatMap((a) => ('card' in a.subject ? [a.subject.card] : []));
      const stations = asks.flatMap((a) => ('station' in a.subject ? [a.subject.station] : []));
      api.call('sync.states', { cards, stations }).then(
        (states) => {
          for (const ask of asks) ask.resolve(states.filter((s) => matches(ask.subject, s)));
        },
        (error: unknown) => {
          for (const ask of asks) ask.reject(error);
        },
      );
    }, 0);
  });
}
