// What the api and the CLI ask of the sync: set up a CSMS, test it, run the outbox, a dry run, the
// status and the conflicts. Connectors live only for one call; their credentials come from the vault.
import { AppError } from '../api/errors.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import type { ConnectionCheck, RemoteToken } from './connector.ts';
import { type ConnectorInfo, getConnector, listConnectors } from './connectors-store.ts';
import { handOverByFile } from './file-handover.ts';
import {
  countJobs,
  listJobs,
  type StateCounts,
  type StationPayload,
  type SyncJob,
  sameToken,
  type TokenPayload,
} from './outbox.ts';
import { buildConnector } from './registry.ts';
import { type SyncRunSummary, SyncWorker } from './worker.ts';

export interface ConnectorStatus {
  connector: ConnectorInfo;
  counts: StateCounts;
  /** Jobs not done (pending with their last error, failed, conflict, manual), oldest first. */
  open: SyncJob[];
}

export interface DryRunItem {
  jobId: number;
  key: string;
  action: 'create' | 'update' | 'revoke' | 'unchanged' | 'conflict' | 'unknown' | 'register' | 'manual';
  ours: TokenPayload | StationPayload;
  theirs: RemoteToken | null;
}

/** A failed job a later change of the same card replaced: history, not something to act on. */
function superseded(store: Store, job: SyncJob): boolean {
  return (
    store.db
      .prepare('SELECT 1 FROM sync_outbox WHERE connector_id = ? AND key = ? AND id > ?')
      .get(job.connectorId, job.key, job.id) !== undefined
  );
}

export function syncStatus(store: Store, name?: string): ConnectorStatus[] {
  const connectors = name === undefined ? listConnectors(store) : [getConnector(store, name)];
  return connectors.map((connector) => ({
    connector,
    counts: countJobs(store, connector.id),
    open: [
      ...listJobs(store, { connectorId: connector.id, state: 'conflict' }),
      ...listJobs(store, { connectorId: connector.id, state: 'failed' }).filter(
        (job) => !superseded(store, job),
      ),
      ...listJobs(store, { connectorId: connector.id, state: 'manual' }),
      ...listJobs(store, { connectorId: connector.id, state: 'pending', limit: 200 }),
    ],
  }));
}

export interface RunSyncOptions {
  maxWaitS?: number;
  signal?: AbortSignal;
  progress?: (job: SyncJob) => void;
}

/** One send to a CSMS that several callers wait for; it stops only when each of them has given up. */
class Flight {
  readonly #abort = new AbortController();
  readonly promise: Promise<SyncRunSummary>;
  #waiting = 0;

  constructor(send: (signal: AbortSignal) => Promise<SyncRunSummary>, after?: Promise<unknown>) {
    const signal = this.#abort.signal;
    this.promise = after ? after.then(() => send(signal)) : send(signal);
  }

  /** The flight's summary for this caller, or CANCELLED as soon as its own signal aborts. */
  join(signal: AbortSignal | undefined): Promise<SyncRunSummary> {
    this.#waiting++;
    if (!signal) return this.promise;
    return new Promise((resolve, reject) => {
      const giveUp = () => {
        reject(new AppError('CANCELLED'));
        if (--this.#waiting === 0) this.#abort.abort();
      };
      if (signal.aborted) return giveUp();
      signal.addEventListener('abort', giveUp, { once: true });
      this.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', giveUp));
    });
  }
}

/** Per store and CSMS: the send under way and the one follow-up queued behind it. */
type Slot = { current: Flight | null; next: Flight | null };
const flightsByStore = new WeakMap<Store, Map<number, Slot>>();

/**
 * Sends the outbox of one CSMS. Single flight: while a send to this CSMS runs, another caller (a second
 * run of the fleet, the automatic sync, the app) starts none beside it. It waits for that send and then
 * for one follow-up shared by everyone who came meanwhile, which picks up the jobs queued too late for
 * the first (with nothing due it sends nothing). The follow-up keeps the options of its first caller.
 */
export function runSync(
  store: Store,
  vault: Vault,
  name: string,
  options: RunSyncOptions = {},
): Promise<SyncRunSummary> {
  const info = getConnector(store, name);
  if (info.kind === 'file') return Promise.resolve(handOverByFile(store, info));
  const byConnector = flightsByStore.get(store) ?? new Map<number, Slot>();
  flightsByStore.set(store, byConnector);
  const flights = byConnector.get(info.id) ?? { current: null, next: null };
  byConnector.set(info.id, flights);
  const send = (signal: AbortSignal) => sendOnce(store, vault, info, { ...options, signal });
  if (!flights.current) {
    const flight = new Flight(send);
    flights.current = flight;
    flight.promise
      .catch(() => undefined)
      .then(() => {
        flights.current = flights.next;
        flights.next = null;
      });
    return flight.join(options.signal);
  }
  if (!flights.next) {
    const flight = new Flight(
      send,
      flights.current.promise.catch(() => undefined),
    );
    flights.next = flight;
    flight.promise
      .catch(() => undefined)
      .then(() => {
        if (flights.current === flight) flights.current = null;
      });
  }
  return flights.next.join(options.signal);
}

async function sendOnce(
  store: Store,
  vault: Vault,
  info: ConnectorInfo,
  options: RunSyncOptions,
): Promise<SyncRunSummary> {
  const connector = buildConnector(store, vault, info);
  try {
    return await new SyncWorker(store, info, connector, (id) => vault.use(id, (value) => value)).run(options);
  } finally {
    await connector.close?.();
  }
}

export async function testConnector(
  store: Store,
  vault: Vault,
  name: string,
  signal: AbortSignal,
): Promise<ConnectionCheck[]> {
  const connector = buildConnector(store, vault, getConnector(store, name));
  try {
    return await connector.testConnection(signal);
  } finally {
    await connector.close?.();
  }
}

/** What a run would change at the CSMS: it reads (getToken) and never writes, here or there. */
export async function dryRun(
  store: Store,
  vault: Vault,
  name: string,
  signal: AbortSignal,
): Promise<DryRunItem[]> {
  const info = getConnector(store, name);
  const connector = buildConnector(store, vault, info);
  const items: DryRunItem[] = [];
  try {
    for (const job of listJobs(store, { connectorId: info.id, state: 'pending', limit: 100_000 })) {
      if (job.kind === 'station.register') {
        const action = connector.registerStation ? 'register' : 'manual';
        items.push({ jobId: job.id, key: job.key, action, ours: job.payload, theirs: null });
        continue;
      }
      const theirs = connector.getToken ? await connector.getToken(job.key, signal) : null;
      const pushedBefore =
        store.db
          .prepare('SELECT 1 FROM sync_pushed WHERE connector_id = ? AND key = ?')
          .get(info.id, job.key) !== undefined;
      let action: DryRunItem['action'];
      if (!connector.getToken) action = 'unknown';
      else if (job.kind === 'token.revoke') action = theirs?.valid ? 'revoke' : 'unchanged';
      else if (!theirs) action = 'create';
      else if (sameToken(job.payload, theirs)) action = 'unchanged';
      else action = pushedBefore || job.force ? 'update' : 'conflict';
      items.push({ jobId: job.id, key: job.key, action, ours: job.payload, theirs });
    }
    return items;
  } finally {
    await connector.close?.();
  }
}
