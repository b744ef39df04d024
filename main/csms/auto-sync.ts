// Offline first: while a face that runs for long (the desktop, `wbc serve`, `wbc csms listen`) is open, the
// outbox goes out by itself to every company CSMS that has due jobs, one run per CSMS at a time.
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { listConnectors } from './connectors-store.ts';
import { nextDueAt } from './outbox.ts';
import { runSync } from './sync-service.ts';
import type { SyncRunSummary } from './worker.ts';

export interface AutoSyncOptions {
  store: Store;
  vault: Vault;
  log: Logger;
  /** How often the outbox is looked at (default 30 s); backoff and Retry-After still decide each job. */
  intervalMs?: number;
  /** Told after each run that sent or settled something (the UI refreshes the outbox). */
  delivered?: (name: string, summary: SyncRunSummary) => void;
}

export class AutoSync {
  readonly #options: AutoSyncOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: AutoSyncOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.tick(), this.#options.intervalMs ?? 30_000);
    // The sync never keeps a process alive on its own: the face that runs it does.
    this.#timer.unref();
  }

  /** Starts a run for each CSMS with due jobs that has none running; a file handover only on request. */
  tick(): void {
    const { store, vault, log } = this.#options;
    for (const info of listConnectors(store)) {
      if (info.kind === 'file' || this.#running.has(info.name) || !this.#due(info.id)) continue;
      const run = runSync(store, vault, info.name, { maxWaitS: 0, signal: this.#abort.signal })
        .then((summary) => this.#options.delivered?.(info.name, summary))
        .catch((error: unknown) => {
          // Unreachable, refused, rate limited: the jobs stay in the outbox with the reason in words.
          if (!this.#abort.signal.aborted)
            log.log('warn', 'sync run ended early', { connector: info.name, error });
        })
        .finally(() => this.#running.delete(info.name));
      this.#running.set(info.name, run);
    }
  }

  #due(connectorId: number): boolean {
    const next = nextDueAt(this.#options.store, connectorId);
    return next !== null && next <= Date.now();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#abort.abort();
    await Promise.allSettled(this.#running.values());
  }
}
