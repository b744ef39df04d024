// The sync api (sync.*) as a map of handlers merged into main/api/handlers.ts: company CSMSs set up
// here, their connection test, the outbox's runs, dry runs, status and conflicts.
import type { Handlers } from '../api/router.ts';
import type { DataEntity } from '../api/types.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { getConnector, listConnectors, saveConnector } from './connectors-store.ts';
import { listConflicts, resolveConflict, retryJobs } from './outbox.ts';
import { dryRun, runSync, syncStatus, testConnector } from './sync-service.ts';
import { syncStates } from './sync-states.ts';

export type SyncMethod =
  | 'sync.list'
  | 'sync.add'
  | 'sync.test'
  | 'sync.status'
  | 'sync.run'
  | 'sync.dryRun'
  | 'sync.conflicts'
  | 'sync.resolve'
  | 'sync.retry'
  | 'sync.states';

export interface SyncHandlerDeps {
  store: Store;
  vault: Vault;
  changed: (entity: DataEntity) => void;
}

export function buildSyncHandlers(deps: SyncHandlerDeps): Pick<Handlers, SyncMethod> {
  const { store, vault } = deps;
  return {
    'sync.list': () => listConnectors(store),
    'sync.add': (p, ctx) => {
      const { kind, name, baseUrl, credential, ...settings } = p;
      const info = saveConnector(store, vault, ctx.actor, { kind, name, baseUrl, credential, settings });
      if (credential !== undefined) deps.changed('secret');
      return info;
    },
    'sync.test': (p) => testConnector(store, vault, p.connector, new AbortController().signal),
    'sync.status': (p) => syncStatus(store, p.connector),
    'sync.run': (p) => runSync(store, vault, p.connector, { maxWaitS: p.maxWaitS }),
    'sync.dryRun': (p) => dryRun(store, vault, p.connector, new AbortController().signal),
    'sync.conflicts': (p) =>
      listConflicts(store, p.connector === undefined ? undefined : getConnector(store, p.connector).id),
    'sync.resolve': (p, ctx) => {
      const job = resolveConflict(store, ctx.actor, p.jobId, p.choice);
      if (p.choice === 'theirs') deps.changed('card');
      return job;
    },
    'sync.retry': (p) => ({ retried: retryJobs(store, getConnector(store, p.connector).id) }),
    'sync.states': (p) => syncStates(store, p),
  };
}
