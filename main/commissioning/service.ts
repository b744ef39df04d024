// Commissioning as the api offers it: start a run for one box or a whole car park, approve its plan,
// cancel, retry the failed ones; runs left unfinished continue when their box connects again.
import { EventEmitter } from 'node:events';
import { AppError } from '../api/errors.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { BoxInfo } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import type { StationPresence } from './presence.ts';
import { newFleetId, RunStore, summary } from './run-store.ts';
import { CommissioningRunner, type RefusedConnection, SHUTDOWN } from './runner.ts';
import type { Template } from './template.ts';
import type { RunDetail, RunSummary } from './types.ts';

export class CommissioningService extends EventEmitter {
  readonly runs: RunStore;
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #ocpp: OcppService;
  readonly #active = new Map<number, { abort: AbortController; done: Promise<RunDetail> }>();
  /** Runs that ended left-not-confirmed while this process runs, by identity: a box that comes back later
   *  (to the tool, or refused by it) never reached the company CSMS, and its run turns failed. */
  readonly #watching = new Map<string, number>();
  #presence: StationPresence | null = null;
  #presencePollMs: number | undefined;

  constructor(store: Store, vault: Vault, ocpp: OcppService) {
    super();
    this.#store = store;
    this.#vault = vault;
    this.#ocpp = ocpp;
    this.runs = new RunStore(store);
    // A box that comes back picks up its unfinished run (after a crash or a restart of the tool).
    ocpp.on('connected', (box: BoxInfo) => {
      for (const id of this.runs.unfinished(box.identity))
        if (!this.#active.has(id)) this.#drive(id, 'local-csms');
    });
    ocpp.on('box', (box: BoxInfo) => {
      if (box.state === 'connected') this.#cameBack(box.identity, 'connected');
    });
    ocpp.on('refused', (r: RefusedConnection) => {
      if (r.identity) this.#cameBack(r.identity, r.reason);
    });
  }

  /** The company CSMS connector runs ask before they say "confirmed" (null: none configured). */
  usePresence(presence: StationPresence | null, pollMs?: number): void {
    this.#presence = presence;
    this.#presencePollMs = pollMs;
  }

  #cameBack(identity: string, how: string): void {
    const id = this.#watching.get(identity);
    if (id === undefined) return;
    this.#watching.delete(identity);
    const run = this.runs.get(id);
    if (run.status !== 'left-not-confirmed') return;
    const next = this.runs.update(
      id,
      (r) => {
        r.status = 'failed';
        const windowS = r.state.verify?.windowS ?? 0;
        r.state.verify = {
          ...(r.state.verify ?? { windowS }),
          outcome: 'returned-late',
          at: new Date().toISOString(),
        };
        r.error = { code: 'COMMISSION_RETURNED_LATE', params: { identity, seconds: windowS, how } };
      },
      {
        actor: 'local-csms',
        action: 'commissioning.failed',
        after: { step: 'verify', code: 'COMMISSION_RETURNED_LATE' },
      },
    );
    this.emit('run', summary(next));
  }

  start(
    actor: string,
    identity: string,
    template: Template,
    approval: 'auto' | 'manual',
    fleetId: string | null = null,
    keepOnFailure = false,
  ): RunSummary {
    const busy = this.runs.list({ identity, limit: 5 }).find((r) => this.#active.has(r.id));
    if (busy) throw new AppError('ALREADY_EXISTS', { entity: 'run', name: `${identity} #${busy.id}` });
    this.#watching.delete(identity);
    const run = this.runs.create(actor, identity, template, approval, fleetId, keepOnFailure);
    this.#drive(run.id, actor);
    return summary(run);
  }

  startFleet(
    actor: string,
    identities: string[],
    template: Template,
    approval: 'auto' | 'manual',
  ): { fleetId: string; runs: RunSummary[] } {
    const fleetId = newFleetId();
    const unique = [...new Set(identities)];
    return {
      fleetId,
      runs: unique.map((identity) => this.start(actor, identity, template, approval, fleetId)),
    };
  }

  approve(actor: string, id: number): RunSummary {
    const run = this.runs.get(id);
    if (run.status !== 'awaiting-approval') return summary(run);
    const next = this.runs.update(
      id,
      (r) => {
        r.status = 'running';
      },
      { actor, action: 'commissioning.approved' },
    );
    this.emit('run', summary(next));
    this.#drive(id, actor);
    return summary(next);
  }

  cancel(actor: string, id: number): RunSummary {
    const active = this.#active.get(id);
    if (active) active.abort.abort();
    else {
      const run = this.runs.get(id);
      if (
        run.status === 'awaiting-approval' ||
        run.status === 'waiting-for-box' ||
        run.status === 'running'
      ) {
        const next = this.runs.update(
          id,
          (r) => {
            r.status = 'cancelled';
            r.error = { code: 'CANCELLED', params: {} };
          },
          { actor, action: 'commissioning.cancelled' },
        );
        this.emit('run', summary(next));
      }
    }
    return summary(this.runs.get(id));
  }

  cancelFleet(actor: string, fleetId: string): RunSummary[] {
    return this.runs.list({ fleetId, limit: 10_000 }).map((r) => this.cancel(actor, r.id));
  }

  /** A new run with the same box and template; the old one stays as it ended, for the record. */
  retry(actor: string, id: number): RunSummary {
    const run = this.runs.get(id);
    return this.start(
      actor,
      run.identity,
      run.template,
      run.approval,
      run.fleetId,
      run.state.keepOnFailure === true,
    );
  }

  retryFailed(actor: string, fleetId: string): RunSummary[] {
    const latest = new Map<string, RunSummary>();
    for (const r of this.runs.list({ fleetId, limit: 10_000 }))
      if (!latest.has(r.identity)) latest.set(r.identity, r);
    return [...latest.values()]
      .filter((r) => r.status === 'failed' || r.status === 'cancelled')
      .map((r) => this.retry(actor, r.id));
  }

  /** Resolves when the run stops moving (ended, awaiting approval, or cancelled). */
  settled(id: number): Promise<RunDetail> {
    return this.#active.get(id)?.done ?? Promise.resolve(this.runs.get(id));
  }

  async close(): Promise<void> {
    for (const { abort } of this.#active.values()) abort.abort(SHUTDOWN);
    await Promise.allSettled([...this.#active.values()].map((a) => a.done));
  }

  #drive(id: number, actor: string): void {
    const abort = new AbortController();
    const runner = new CommissioningRunner(
      {
        store: this.#store,
        vault: this.#vault,
        ocpp: this.#ocpp,
        runs: this.runs,
        actor,
        onChange: (run) => this.emit('run', summary(run)),
        presence: this.#presence,
        ...(this.#presencePollMs !== undefined ? { presencePollMs: this.#presencePollMs } : {}),
      },
      id,
      abort.signal,
    );
    const done = runner
      .drive()
      .then((run) => {
        if (run.status === 'left-not-confirmed') this.#watching.set(run.identity, run.id);
        return run;
      })
      .finally(() => this.#active.delete(id));
    this.#active.set(id, { abort, done });
  }
}
