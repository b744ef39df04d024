// Commissioning as the api offers it: start a run for one box or a whole car park, approve its plan,
// cancel, retry the failed ones; runs left unfinished continue when their box connects again.
import { EventEmitter } from 'node:events';
import { AppError } from '../api/errors.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { BoxInfo, CsmsStatus } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { type DriverRunInput, runDriverCommissioning } from './driver-run.ts';
import { combinedPlan, type FleetPlan, latestPerBox } from './fleet-plan.ts';
import { type FleetResult, fleetResult } from './fleet-result.ts';
import { loadUrlProfiles } from './plan.ts';
import type { StationPresence } from './presence.ts';
import { putBackOffered } from './put-back-offer.ts';
import { putBack } from './rollback.ts';
import { newFleetId, RunStore, summary } from './run-store.ts';
import { CommissioningRunner, type RefusedConnection, SHUTDOWN } from './runner.ts';
import { auditRestore, oldBoxOf, swapSourceOf } from './swap.ts';
import { parseBackupFile } from './swap-file.ts';
import { planSwap, type SwapSource } from './swap-plan.ts';
import type { Template } from './template.ts';
import type { Plan, RunDetail, RunSummary, SwapState } from './types.ts';

/** The broken box of a swap: by its identity in the tool's database, or as a backup file's text. */
export type SwapFrom = { from: string } | { backup: string };

/** A fleet's runs that wait for a free place: created (so they show and can be cancelled), not yet driven. */
interface FleetQueue {
  limit: number;
  moving: number;
  waiting: number[];
  actor: string;
}

export class CommissioningService extends EventEmitter {
  readonly runs: RunStore;
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #ocpp: OcppService;
  /** Runs moving in this process; `ocpp` for those that need the local CSMS (not a driver's cable run). */
  readonly #active = new Map<number, { abort: AbortController; done: Promise<RunDetail>; ocpp: boolean }>();
  readonly #fleets = new Map<string, FleetQueue>();
  /** Runs waiting in a fleet queue, and how to tell whoever awaits them that they settled. */
  readonly #queued = new Map<number, { fleetId: string; done: Promise<RunDetail>; settle: () => void }>();
  /** Each fleet's concurrency, kept after its queue emptied: an approval later keeps to it. */
  readonly #limits = new Map<string, number>();
  /** Runs that ended left-not-confirmed while this process runs, by identity: a box that comes back later
   *  (to the tool, or refused by it) never reached the company CSMS, and its run turns failed. */
  readonly #watching = new Map<string, number>();
  /** Fixed, or asked anew for each run (the company CSMSs set up may change between runs). */
  #presence: StationPresence | null | (() => StationPresence | null) = null;
  #presencePollMs: number | undefined;

  /** What runs by itself after a run that ended (core.ts: the pre-flight checks); never changes its outcome. */
  #afterRun: ((run: RunDetail) => Promise<void>) | null = null;

  constructor(store: Store, vault: Vault, ocpp: OcppService) {
    super();
    this.#store = store;
    this.#vault = vault;
    this.#ocpp = ocpp;
    this.runs = new RunStore(store);
    // A driver run whose tool stopped mid-way (crash, power) cannot go on: its cable session is gone. It ends
    // failed, saying so, instead of being taken for an OCPP run when a box of that name connects.
    for (const id of this.runs.unfinishedDriverRuns()) {
      this.runs.update(
        id,
        (r) => {
          r.status = 'failed';
          r.error = {
            code: 'COMMISSION_DRIVER_INTERRUPTED',
            params: { id, identity: r.identity, driver: r.state.driver?.driver ?? '?' },
          };
        },
        { actor: 'system', action: 'commissioning.failed', after: { code: 'COMMISSION_DRIVER_INTERRUPTED' } },
      );
    }
    // Runs under way when the tool stopped (a crash, a power cut, a restart) go on once its CSMS runs again;
    // the CSMS stopping (the user, a command ending) stops them where they are, as a shutdown would.
    ocpp.on('csms', (status: CsmsStatus) => {
      if (status.running) this.#resume();
    });
    ocpp.on('stopping', () => this.#pause());
    ocpp.on('box', (box: BoxInfo) => {
      if (box.state === 'connected') this.#cameBack(box.identity, 'connected');
    });
    ocpp.on('refused', (r: RefusedConnection) => {
      if (r.identity) this.#cameBack(r.identity, r.reason);
    });
  }

  /**
   * The OCPP runs the tool was moving when it stopped, taken up again: their boxes are let in (the user chose
   * them when the runs began), each run goes on from the step it had reached and waits for its box where it
   * needs it (a run past its reset needs none: its window is judged at once). A fleet's runs still waiting
   * for their place wait again, as many moving at once as were moving when the tool stopped.
   */
  #resume(): void {
    // Runs the CSMS's last stop is still winding down (a restart of the CSMS in place) are taken up after.
    const stopping = [...this.#active.values()].filter((a) => a.ocpp && a.abort.signal.aborted);
    if (stopping.length > 0)
      void Promise.allSettled(stopping.map((a) => a.done)).then(() => {
        if (this.#ocpp.status().running) this.#resume();
      });
    const open = this.runs.unfinishedOcppRuns();
    // A run waiting for the user's approval moves once approved: its box is let in now all the same.
    this.#ocpp.csms.expect(open.map((r) => r.identity));
    const unfinished = open.filter(
      (r) => !r.awaitingApproval && !this.#active.has(r.id) && !this.#queued.has(r.id),
    );
    if (unfinished.length === 0) return;
    const fleets = new Map<string, { moving: number[]; waiting: number[] }>();
    for (const run of unfinished) {
      if (run.begun || run.fleetId === null) this.#drive(run.id, 'local-csms');
      if (run.fleetId === null) continue;
      const fleet = fleets.get(run.fleetId) ?? { moving: [], waiting: [] };
      fleets.set(run.fleetId, fleet);
      (run.begun ? fleet.moving : fleet.waiting).push(run.id);
    }
    for (const [fleetId, fleet] of fleets) {
      if (fleet.waiting.length === 0) continue;
      const limit = this.#limits.get(fleetId) ?? Math.max(1, fleet.moving.length);
      const queue = this.#fleets.get(fleetId) ?? { limit, moving: 0, waiting: [], actor: 'local-csms' };
      this.#fleets.set(fleetId, queue);
      this.#limits.set(fleetId, queue.limit);
      // The fleet's runs moving again hold their places until they end.
      for (const id of fleet.moving) {
        queue.moving++;
        const free = () => {
          queue.moving--;
          this.#pump(fleetId);
        };
        this.#active.get(id)?.done.then(free, free);
      }
      for (const id of fleet.waiting) this.#enqueue(fleetId, queue, id);
      this.#pump(fleetId);
    }
  }

  /** The company CSMS connector runs ask before they say "confirmed" (null: none configured). */
  setPresence(presence: StationPresence | null | (() => StationPresence | null), pollMs?: number): void {
    this.#presence = presence;
    this.#presencePollMs = pollMs;
  }

  /** Work after each run that ended (awaited before the run counts as settled); errors are the hook's own. */
  setAfterRun(hook: ((run: RunDetail) => Promise<void>) | null): void {
    this.#afterRun = hook;
  }

  /** A forgotten box's runs are gone: its coming back is no news for a run any more. */
  forgotten(identity: string): void {
    this.#watching.delete(identity);
    this.runs.forget(identity);
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
    swap?: SwapState,
  ): RunSummary {
    const busy = this.runs.list({ identity, limit: 5 }).find((r) => this.#active.has(r.id));
    if (busy) throw new AppError('ALREADY_EXISTS', { entity: 'run', name: `${identity} #${busy.id}` });
    this.#watching.delete(identity);
    const run = this.runs.create(actor, identity, template, approval, fleetId, keepOnFailure, swap);
    this.#drive(run.id, actor);
    return summary(run);
  }

  /**
   * A box swap: the replacement (connected under its own factory identity) gets the broken box's settings,
   * cards, password and finally its identity, as a run with a plan and an approval like any other. The
   * broken box is what the tool's database knows of it (`from`), or a backup file (`backup`, its text:
   * checked before anything starts, kept in the run, the restore audited). Refused before anything starts
   * when the two are one box, the broken box is still connected (two boxes would share one identity), or
   * the tool has no configuration of the broken box to move.
   */
  startSwap(
    actor: string,
    broken: SwapFrom,
    to: string,
    options: {
      approval: 'auto' | 'manual';
      keepOnFailure?: boolean;
      verifyWindowS?: number;
      newPassword?: boolean;
      caCertificate?: string;
    },
  ): RunSummary {
    const { state, source } = this.#swapFrom(broken, to, options);
    const from = source.identity;
    const url = source.entries.find((e) => /url|uri/i.test(e.key) && /^wss?:\/\//.test(e.value ?? ''))?.value;
    const securityProfile =
      source.networkProfile?.securityProfile ??
      Number(source.entries.find((e) => e.key.toLowerCase() === 'securityprofile')?.value ?? 0);
    const template: Template = {
      name: `${from} → ${to}`,
      csms: {
        url: url ?? source.networkProfile?.url ?? 'ws://unknown.invalid/',
        securityProfile: ([0, 1, 2, 3] as const).find((p) => p === securityProfile) ?? 0,
        // The CA certificate the broken box trusted: the runner installs it before any write (plan.certificate).
        ...(source.caCertificate ? { caCertificate: source.caCertificate } : {}),
      },
      groups: [],
      settings: {},
      ...(options.verifyWindowS !== undefined ? { verifyWindowS: options.verifyWindowS } : {}),
    };
    const run = this.start(
      actor,
      to,
      template,
      options.approval,
      null,
      options.keepOnFailure ?? false,
      state,
    );
    if (state.backup) auditRestore(this.#store, actor, run.id, to, state.backup, source);
    return run;
  }

  /** The swap's plan without a run: the replacement is read now, nothing is written (`wbc swap` without --yes). */
  async swapPreview(
    broken: SwapFrom,
    to: string,
    options: { newPassword?: boolean; caCertificate?: string } = {},
    signal?: AbortSignal,
  ): Promise<Plan> {
    const { source } = this.#swapFrom(broken, to, options);
    const box = this.#ocpp.csms.box(to);
    if (box?.state !== 'connected') throw new AppError('BOX_OFFLINE', { identity: to });
    const snapshot = await this.#ocpp.readConfiguration(to, `before replacing ${source.identity}`, signal);
    return planSwap(source, to, box.ocppVersion, snapshot.entries, loadUrlProfiles(), options);
  }

  /** The broken box of a swap as the run keeps it, and what is known of it, after the checks. */
  #swapFrom(
    broken: SwapFrom,
    to: string,
    options: { newPassword?: boolean; caCertificate?: string },
  ): { state: SwapState; source: SwapSource } {
    const backup = 'backup' in broken ? parseBackupFile(broken.backup) : undefined;
    const from = backup ? backup.identity : (broken as { from: string }).from;
    this.#checkSwap(from, to);
    const state: SwapState = {
      from,
      oldBox: backup?.box
        ? { vendor: backup.box.vendor, model: backup.box.model, serialNumber: backup.box.serialNumber }
        : oldBoxOf(this.#store, from),
      ...(backup ? { backup } : {}),
      ...(options.newPassword ? { newPassword: true } : {}),
      ...(options.caCertificate ? { caCertificate: options.caCertificate } : {}),
    };
    const source = swapSourceOf(
      { store: this.#store, ocpp: this.#ocpp, runs: this.runs, vault: this.#vault },
      state,
    );
    return { state, source };
  }

  #checkSwap(from: string, to: string): void {
    if (from.toLowerCase() === to.toLowerCase()) throw new AppError('SWAP_SAME_BOX', { identity: from });
    let connected = false;
    try {
      connected = this.#ocpp.csms.box(from)?.state === 'connected';
    } catch {
      // No local CSMS running: the broken box is not connected to it either.
    }
    if (connected) throw new AppError('SWAP_OLD_STILL_CONNECTED', { identity: from, replacement: to });
  }

  /**
   * A run for a box reached through a driver (serial, HTTP, Modbus, console): created and answered at once,
   * driven here like an OCPP run (steps as `run` events, cancel() stops it between writes and puts back what
   * was written). The service owns the driver from now on and closes it when the run ends.
   */
  startDriver(
    actor: string,
    input: Omit<DriverRunInput, 'actor' | 'signal' | 'onChange' | 'runId' | 'approve'>,
  ): RunSummary {
    const { identity, template, driver } = input;
    const busy = this.runs.list({ identity, limit: 5 }).find((r) => this.#active.has(r.id));
    if (busy) {
      void driver.close();
      throw new AppError('ALREADY_EXISTS', { entity: 'run', name: `${identity} #${busy.id}` });
    }
    const run = this.runs.create(actor, identity, template, 'auto', null, input.keepOnFailure);
    const abort = new AbortController();
    const done = runDriverCommissioning(this.runs, {
      ...input,
      actor,
      runId: run.id,
      signal: abort.signal,
      onChange: (r) => this.emit('run', summary(r)),
    })
      .catch((error: unknown) => {
        // A fault of the run itself, not of the box: it ends failed, never left running.
        const failed = this.runs.update(run.id, (r) => {
          r.status = 'failed';
          r.error = { code: 'INTERNAL', params: { detail: String(error).slice(0, 200) } };
        });
        this.emit('run', summary(failed));
        return failed;
      })
      .finally(async () => {
        this.#active.delete(run.id);
        await driver.close().catch(() => undefined);
      });
    this.#active.set(run.id, { abort, done, ocpp: false });
    return summary(run);
  }

  /**
   * One run per box, at most `concurrency` of them moving at once (all of them when not given): the others
   * are created (they show in the list and can be cancelled) and start, in the order given, as places free
   * up. A box that waits for its place is not touched.
   */
  startFleet(
    actor: string,
    identities: string[],
    template: Template,
    approval: 'auto' | 'manual',
    concurrency = Number.POSITIVE_INFINITY,
  ): { fleetId: string; runs: RunSummary[] } {
    const fleetId = newFleetId();
    const unique = [...new Set(identities)];
    for (const identity of unique) {
      const busy = this.runs.list({ identity, limit: 5 }).find((r) => this.#active.has(r.id));
      if (busy) throw new AppError('ALREADY_EXISTS', { entity: 'run', name: `${identity} #${busy.id}` });
    }
    const queue: FleetQueue = { limit: Math.max(1, concurrency), moving: 0, waiting: [], actor };
    this.#fleets.set(fleetId, queue);
    this.#limits.set(fleetId, queue.limit);
    // Every run of the car park in one transaction: one disk flush, not one per box.
    const created = this.#store.write(() =>
      unique.map((identity) => this.runs.create(actor, identity, template, approval, fleetId)),
    );
    const runs = created.map((run) => {
      this.#enqueue(fleetId, queue, run.id);
      return summary(run);
    });
    this.#pump(fleetId);
    return { fleetId, runs };
  }

  /** Starts a fleet's waiting runs while it has places; a run cancelled while it waited is passed over. */
  #pump(fleetId: string): void {
    const queue = this.#fleets.get(fleetId);
    if (!queue) return;
    while (queue.moving < queue.limit && queue.waiting.length > 0) {
      const id = queue.waiting.shift() as number;
      const waiting = this.#queued.get(id);
      this.#queued.delete(id);
      const status = this.runs.get(id).status;
      if ((status === 'running' || status === 'waiting-for-box') && !this.#active.has(id)) {
        queue.moving++;
        this.#drive(id, queue.actor);
        const free = () => {
          queue.moving--;
          this.#pump(fleetId);
        };
        // A run that ends in any way frees its place; its own outcome goes to whoever awaits it.
        this.#active.get(id)?.done.then(free, free);
      }
      waiting?.settle();
    }
    if (queue.waiting.length === 0 && queue.moving === 0) this.#fleets.delete(fleetId);
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

  /** The fleet's plans as one (see fleet-plan.ts). */
  fleetPlan(fleetId: string): FleetPlan {
    const runs = this.runs.list({ fleetId, limit: 10_000 }).map((r) => this.runs.get(r.id));
    if (runs.length === 0) throw new AppError('NOT_FOUND', { entity: 'fleet', id: fleetId });
    return combinedPlan(fleetId, runs);
  }

  /** The fleet's combined result (see fleet-result.ts): each box's latest run under its outcome. */
  fleetResult(fleetId: string): FleetResult {
    const runs = this.runs.list({ fleetId, limit: 10_000 }).map((r) => this.runs.get(r.id));
    if (runs.length === 0) throw new AppError('NOT_FOUND', { entity: 'fleet', id: fleetId });
    const site = this.#store.db.prepare(
      'SELECT sites.id AS id, sites.name AS name FROM stations JOIN sites ON sites.id = stations.site_id WHERE stations.identity = ?',
    );
    return fleetResult(
      fleetId,
      runs,
      (identity) => (site.get(identity) as { id: number; name: string } | undefined) ?? null,
    );
  }

  /** One approval for the combined plan: every run of the fleet that waits for approval goes on (or only
   *  the boxes named: "approve the online ones"), at most as many writing at once as the fleet was started
   *  with; the others wait for a place, untouched. */
  approveFleet(actor: string, fleetId: string, identities?: string[]): RunSummary[] {
    const only = identities ? new Set(identities) : null;
    const waiting = this.runs
      .list({ fleetId, limit: 10_000 })
      .filter((r) => r.status === 'awaiting-approval' && (!only || only.has(r.identity)));
    const limit = this.#limits.get(fleetId) ?? Number.POSITIVE_INFINITY;
    const queue = this.#fleets.get(fleetId) ?? { limit, moving: 0, waiting: [], actor };
    this.#fleets.set(fleetId, queue);
    const approved = waiting.map((r) => {
      const next = this.runs.update(
        r.id,
        (run) => {
          run.status = 'running';
        },
        { actor, action: 'commissioning.approved' },
      );
      this.emit('run', summary(next));
      this.#enqueue(fleetId, queue, r.id);
      return summary(next);
    });
    this.#pump(fleetId);
    return approved;
  }

  /** A run that waits for its fleet's place: created or approved, shown, and settled when it stops moving. */
  #enqueue(fleetId: string, queue: FleetQueue, id: number): void {
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    }).then(() => this.settled(id));
    this.#queued.set(id, { fleetId, done, settle });
    queue.waiting.push(id);
  }

  cancel(actor: string, id: number): RunSummary {
    const queued = this.#queued.get(id);
    if (queued) {
      // Never started: it leaves the queue cancelled, and whoever awaits it hears so.
      const queue = this.#fleets.get(queued.fleetId);
      if (queue) queue.waiting = queue.waiting.filter((w) => w !== id);
      this.#queued.delete(id);
      const next = this.#markCancelled(actor, id);
      queued.settle();
      return next;
    }
    const active = this.#active.get(id);
    if (active) active.abort.abort();
    else {
      const run = this.runs.get(id);
      if (run.status === 'awaiting-approval' || run.status === 'waiting-for-box' || run.status === 'running')
        this.#markCancelled(actor, id);
    }
    return summary(this.runs.get(id));
  }

  /** A run nobody drives any more ends cancelled: stored, audited, then told. */
  #markCancelled(actor: string, id: number): RunSummary {
    const next = this.runs.update(
      id,
      (r) => {
        r.status = 'cancelled';
        r.error = { code: 'CANCELLED', params: {} };
      },
      { actor, action: 'commissioning.cancelled' },
    );
    this.emit('run', summary(next));
    return summary(next);
  }

  cancelFleet(actor: string, fleetId: string): RunSummary[] {
    return this.runs.list({ fleetId, limit: 10_000 }).map((r) => this.cancel(actor, r.id));
  }

  /** A new run with the same box and template; the old one stays as it ended, for the record. */
  retry(actor: string, id: number): RunSummary {
    const run = this.runs.get(id);
    const swap = run.state.swap;
    if (swap)
      return this.start(
        actor,
        run.identity,
        run.template,
        run.approval,
        null,
        run.state.keepOnFailure === true,
        {
          from: swap.from,
          oldBox: swap.oldBox,
          ...(swap.backup ? { backup: swap.backup } : {}),
          ...(swap.newPassword ? { newPassword: true } : {}),
          ...(swap.caCertificate ? { caCertificate: swap.caCertificate } : {}),
        },
      );
    return this.start(
      actor,
      run.identity,
      run.template,
      run.approval,
      run.fleetId,
      run.state.keepOnFailure === true,
    );
  }

  /**
   * A failed run whose values stayed on the box (kept, not put back, or the box came back at the verify
   * step): each accepted value goes back to what the snapshot before the run read, and is read back.
   * The run keeps its failure; its rollback says what the box holds now.
   */
  async putBack(actor: string, id: number): Promise<RunDetail> {
    const run = this.runs.get(id);
    if (this.#active.has(id) || !putBackOffered(run) || !run.state.plan)
      throw new AppError('COMMISSION_NOTHING_TO_PUT_BACK', { identity: run.identity, id });
    if (this.#ocpp.csms.box(run.identity)?.state !== 'connected')
      throw new AppError('BOX_OFFLINE', { identity: run.identity });
    const rollback = await putBack({
      ocpp: this.#ocpp,
      actor,
      identity: run.identity,
      runId: run.id,
      plan: run.state.plan,
      results: Object.fromEntries(Object.entries(run.state.results).map(([k, v]) => [k, String(v)])),
      keep: false,
      signal: AbortSignal.timeout(120_000),
    });
    if (!rollback) throw new AppError('COMMISSION_NOTHING_TO_PUT_BACK', { identity: run.identity, id });
    const next = this.runs.update(
      id,
      (r) => {
        r.state.rollback = rollback;
      },
      {
        actor,
        action: 'commissioning.put-back',
        after: {
          entries: rollback.entries.map((e) => ({ key: e.key, outcome: e.outcome })),
          nextReboot: rollback.nextReboot,
        },
      },
    );
    this.emit('run', summary(next));
    return next;
  }

  retryFailed(actor: string, fleetId: string): RunSummary[] {
    return latestPerBox(this.runs.list({ fleetId, limit: 10_000 }))
      .filter((r) => r.status === 'failed' || r.status === 'cancelled')
      .map((r) => this.retry(actor, r.id));
  }

  /** Resolves when the run stops moving (ended, awaiting approval, or cancelled); a run still waiting
   *  for its place in a fleet first waits for that. */
  settled(id: number): Promise<RunDetail> {
    return this.#active.get(id)?.done ?? this.#queued.get(id)?.done ?? Promise.resolve(this.runs.get(id));
  }

  async close(): Promise<void> {
    this.#pause();
    for (const { abort } of this.#active.values()) abort.abort(SHUTDOWN);
    await Promise.allSettled([...this.#active.values()].map((a) => a.done));
  }

  /**
   * The local CSMS about to stop: its runs stop where they are, none failed for it (the tool shutting down
   * is not the box failing), and go on when it runs again. Runs waiting for a place stay as they are.
   */
  #pause(): void {
    const queued = [...this.#queued.values()];
    this.#queued.clear();
    this.#fleets.clear();
    for (const waiting of queued) waiting.settle();
    for (const { abort, ocpp } of this.#active.values()) if (ocpp) abort.abort(SHUTDOWN);
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
        presence: typeof this.#presence === 'function' ? this.#presence() : this.#presence,
        ...(this.#presencePollMs !== undefined ? { presencePollMs: this.#presencePollMs } : {}),
      },
      id,
      abort.signal,
    );
    const done = runner
      .drive()
      .then(async (run) => {
        if (run.status === 'left-not-confirmed') this.#watching.set(run.identity, run.id);
        const hook = this.#afterRun;
        if (!hook || !['confirmed', 'left-not-confirmed', 'failed'].includes(run.status)) return run;
        await hook(run).catch(() => undefined);
        // What the hook stored (state.preflight) is shown as the run's next change; its status stays.
        const after = this.runs.get(run.id);
        this.emit('run', summary(after));
        return after;
      })
      .finally(() => this.#active.delete(id));
    this.#active.set(id, { abort, done, ocpp: true });
  }
}
