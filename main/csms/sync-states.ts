// Where each card and station stands at each company CSMS, for the rows of the Cards page and the box
// lists: the latest outbox job per CSMS and key, and only what it saw (done, waiting and why, failed).
import type { Store } from '../store/database.ts';
import { listConnectors } from './connectors-store.ts';
import { type JobError, type JobRow, type JobState, stationKey } from './outbox.ts';

export interface SyncState {
  /** The card's UID hex, or the station's identity. */
  key: string;
  what: 'card' | 'station';
  csms: string;
  state: JobState;
  /** done: when the CSMS answered (or the file was written); otherwise when the job last changed. */
  at: string;
  /** The reason of the last failed attempt, in the outbox's error shape; null when there was none. */
  error: JobError | null;
  /** Done by writing a file for a CSMS without an API: handed over, not confirmed by the CSMS. */
  handedOverByFile: boolean;
}

/** The latest job of each CSMS for the cards (UID hex) and stations (identity) asked for. */
export function syncStates(store: Store, query: { cards?: string[]; stations?: string[] }): SyncState[] {
  const keys = new Map<string, { key: string; what: SyncState['what'] }>();
  for (const uid of query.cards ?? []) keys.set(uid.toUpperCase(), { key: uid.toUpperCase(), what: 'card' });
  for (const identity of query.stations ?? [])
    keys.set(stationKey(identity), { key: identity, what: 'station' });
  if (keys.size === 0) return [];
  const connectors = listConnectors(store);
  const names = new Map(connectors.map((c) => [c.id, c.name]));
  const order = new Map(connectors.map((c, i) => [c.id, i]));
  const latest = store.db.prepare(
    `SELECT o.* FROM sync_outbox o
     WHERE o.key = ? AND o.id = (SELECT MAX(id) FROM sync_outbox WHERE connector_id = o.connector_id AND key = o.key)
`,
  );
  const states: SyncState[] = [];
  for (const [jobKey, asked] of keys) {
    // In the order the CSMSs are listed everywhere else (the Sync page, the run's registration).
    const rows = (latest.all(jobKey) as JobRow[]).sort(
      (a, b) => (order.get(a.connector_id) ?? 0) - (order.get(b.connector_id) ?? 0),
    );
    for (const row of rows) {
      const csms = names.get(row.connector_id);
      if (csms === undefined) continue;
      states.push({
        key: asked.key,
        what: asked.what,
        csms,
        state: row.state,
        at: row.state === 'done' ? (row.done_at ?? row.updated_at) : row.updated_at,
        error: row.last_error === null ? null : (JSON.parse(row.last_error) as JobError),
        handedOverByFile: row.state === 'done' && row.handed_over !== null,
      });
    }
  }
  return states;
}
