// The commissioning run as a resumable state machine: identify, snapshot, plan, write, cards, reset,
// verify, report. Each step's outcome is committed before the next begins; a box that drops off mid-step
// leaves the run waiting for it, and the run goes on from the same step when the box returns.
import { AppError } from '../api/errors.ts';
import { listConnectors } from '../csms/connectors-store.ts';
import { latestJob, queueStation, stationKey } from '../csms/outbox.ts';
import { runSync } from '../csms/sync-service.ts';
import { BOX_PASSWORD_NEXT_PURPOSE, BOX_PASSWORD_PURPOSE } from '../ocpp/box-passwords.ts';
import type { BoxInfo, LocalCsms } from '../ocpp/local-csms.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { StationSession } from '../ocpp/session.ts';
import { waitForEvent } from '../ocpp/wait.ts';
import type { AuditAction } from '../store/audit-actions.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { missingGroups } from './cards-for-box.ts';
import { compositeLimit, compositeScheduleCall, setChargingProfileCall } from './charging-limit.ts';
import { generatePassword } from './passwords.ts';
import { cannotPutBack, loadUrlProfiles, PASSWORD_PLACEHOLDER, type PlannedWrite, planFor } from './plan.ts';
import { confirms, type StationPresence, type StationStatus } from './presence.ts';
import { pushGroupsToBox } from './push-cards.ts';
import { putBack } from './rollback.ts';
import type { RunStore } from './run-store.ts';
import { markReplaced, pushSwapList, swapSourceOf } from './swap.ts';
import { planSwap, type SwapSource } from './swap-plan.ts';
import {
  type CsmsRegistration,
  type RunDetail,
  type StepName,
  type SwapState,
  stepNames,
  type VerifyState,
} from './types.ts';
import { verifyWindow } from './verify-window.ts';

export interface RunnerDeps {
  store: Store;
  vault: Vault;
  ocpp: OcppService;
  runs: RunStore;
  actor: string;
  onChange: (run: RunDetail) => void;
  /** The company CSMS, asked whether it has the box; without one a run never says "confirmed". */
  presence?: StationPresence | null;
  /** How often the presence connector is asked while the window is open (default 2 s). */
  presencePollMs?: number;
}

/** What the local CSMS emits when it refuses a box's handshake (401 and the like). */
export interface RefusedConnection {
  identity: string | null;
  reason: string;
  remoteAddress: string | null;
  at: string;
}

/** Refused handshakes of the run's box in a row (no successful connection between) that end the run. */
export const LOCKOUT_REFUSALS = 3;

export const SHUTDOWN = 'shutdown';
const OK_STATUSES = new Set(['Accepted', 'RebootRequired']);
/** The reset's answer when the box restarted without giving one. */
const NO_ANSWER = 'NoAnswer';
/** Result keys of the current limit: the box's answer, and the limit it then reports (A, or NotReported). */
export const SET_LIMIT = 'SetChargingProfile';
export const READ_LIMIT = 'GetCompositeSchedule';
/** Failures that mean "the box is not there right now": the run waits for it instead of failing. */
const WAIT_CODES = new Set(['BOX_OFFLINE']);
/** Steps whose failure leaves values on a box that has not left: those are put back. */
const ROLLBACK_STEPS = new Set<StepName>(['write', 'cards', 'reset']);

export class CommissioningRunner {
  readonly #deps: RunnerDeps;
  readonly #id: number;
  /** The caller's signal: cancel, or SHUTDOWN. */
  readonly #outer: AbortSignal;
  /** Ends every wait of the run: the caller's signal, or the box locked out of the local CSMS. */
  readonly #signal: AbortSignal;
  readonly #lockout = new AbortController();
  #locked: RefusedConnection | null = null;

  constructor(deps: RunnerDeps, id: number, signal: AbortSignal) {
    this.#deps = deps;
    this.#id = id;
    this.#outer = signal;
    this.#signal = AbortSignal.any([signal, this.#lockout.signal]);
  }

  /** Drives the run until it ends, waits for approval, or is cancelled. */
  async drive(): Promise<RunDetail> {
    const stopWatching = this.#watchRefusals(this.#deps.runs.get(this.#id).identity);
    try {
      return await this.#drive();
    } finally {
      stopWatching();
    }
  }

  /**
   * A box whose reconnects the local CSMS keeps refusing (a password it does not know) would be waited for
   * forever: after LOCKOUT_REFUSALS refusals in a row the run stops waiting and says why.
   */
  #watchRefusals(identity: string): () => void {
    const { ocpp } = this.#deps;
    let count = 0;
    // Only this box's events, by identity: a car park of runs adds no listener to the service's emitter.
    const stopRefused = ocpp.onRefused(identity, (r: RefusedConnection) => {
      count++;
      if (count >= LOCKOUT_REFUSALS && !this.#locked) {
        this.#locked = r;
        this.#lockout.abort('locked-out');
      }
    });
    const stopBox = ocpp.onBox(identity, (info) => {
      if (info.state === 'connected') count = 0;
    });
    return () => {
      stopRefused();
      stopBox();
    };
  }

  async #drive(): Promise<RunDetail> {
    const { runs } = this.#deps;
    for (;;) {
      let run = runs.get(this.#id);
      if (run.status !== 'running' && run.status !== 'waiting-for-box') return run;
      try {
        if (this.#signal.aborted) throw new AppError('CANCELLED');
        if (run.status === 'waiting-for-box') {
          await this.#deps.ocpp.csms.waitFor(run.identity, { signal: this.#signal });
          run = await this.#save((r) => {
            r.status = 'running';
            r.state.reconnects++;
          });
        }
        await this.#step(run);
      } catch (error) {
        const appError =
          error instanceof AppError
            ? error
            : new AppError('INTERNAL', { method: 'commissioning', incident: 'run' }, { cause: error });
        // The tool shutting down is not the user cancelling: the run stays as it was and resumes later.
        if (this.#outer.aborted && this.#outer.reason === SHUTDOWN) return this.#deps.runs.get(this.#id);
        if (this.#locked && !this.#outer.aborted) {
          if (run.step === 'verify') await this.#saveVerify('locked-out');
          return this.#fail(run.step, 'COMMISSION_BOX_LOCKED_OUT', {
            identity: run.identity,
            count: LOCKOUT_REFUSALS,
            reason: this.#locked.reason,
            address: this.#locked.remoteAddress ?? '?',
          });
        }
        if (appError.code === 'CANCELLED' || this.#signal.aborted) {
          return this.#save((r) => {
            r.status = 'cancelled';
            r.error = { code: 'CANCELLED', params: {} };
          });
        }
        if (WAIT_CODES.has(appError.code) && run.step !== 'verify' && run.step !== 'report') {
          await this.#save((r) => {
            r.status = 'waiting-for-box';
          });
          continue;
        }
        if (ROLLBACK_STEPS.has(run.step)) await this.#putBack(run.id);
        return this.#fail(run.step, appError.code, appError.params);
      }
    }
  }

  /** After a failed write, card push or reset: every value the box accepted goes back, unless kept. */
  async #putBack(id: number): Promise<void> {
    const run = this.#deps.runs.get(id);
    const plan = run.state.plan;
    if (!plan) return;
    // The caller's signal only: a lockout that ended the run must not cut the put-back short.
    const rollback = await putBack({
      ocpp: this.#deps.ocpp,
      actor: this.#deps.actor,
      identity: run.identity,
      runId: run.id,
      plan,
      results: Object.fromEntries(Object.entries(run.state.results).map(([k, v]) => [k, String(v)])),
      keep: run.state.keepOnFailure === true,
      signal: this.#outer,
    });
    if (!rollback) return;
    await this.#save(
      (r) => {
        r.state.rollback = rollback;
      },
      {
        action: rollback.mode === 'kept' ? 'commissioning.kept' : 'commissioning.put-back',
        after: {
          entries: rollback.entries.map((e) => ({ key: e.key, outcome: e.outcome })),
          nextReboot: rollback.nextReboot,
        },
      },
    );
  }

  /** One step's change, committed (with the other runs' changes of the same moment) before it is told. */
  async #save(
    change: (run: RunDetail) => void,
    audit?: { action: AuditAction; after?: unknown },
  ): Promise<RunDetail> {
    const run = await this.#deps.runs.save(
      this.#id,
      change,
      audit ? { actor: this.#deps.actor, ...audit } : undefined,
    );
    this.#deps.onChange(run);
    return run;
  }

  #fail(step: StepName, code: string, params: Record<string, string | number>): Promise<RunDetail> {
    return this.#save(
      (r) => {
        r.status = 'failed';
        r.error = { code, params };
        const record = r.state.steps.find((s) => s.step === step);
        if (record) {
          record.status = 'failed';
          record.finishedAt = new Date().toISOString();
        }
      },
      { action: 'commissioning.failed', after: { step, code } },
    );
  }

  /** Marks a step as begun; after #finish it already is (one commit ends a step and begins the next). */
  async #begin(run: RunDetail): Promise<void> {
    const record = run.state.steps.find((s) => s.step === run.step);
    if (record?.status === 'running') return;
    await this.#save((r) => {
      const current = r.state.steps.find((s) => s.step === r.step);
      if (current) {
        current.status = 'running';
        current.startedAt ??= new Date().toISOString();
      }
    });
  }

  #finish(
    step: StepName,
    change: (run: RunDetail) => void = () => undefined,
    status: 'done' | 'skipped' = 'done',
    audit?: { action: AuditAction; after?: unknown },
  ): Promise<RunDetail> {
    return this.#save(finishing(step, change, status), audit);
  }

  #session(run: RunDetail): StationSession {
    return this.#deps.ocpp.csms.session(run.identity);
  }

  async #step(run: RunDetail): Promise<void> {
    const { ocpp } = this.#deps;
    const options = { signal: this.#signal };
    // A box that is there already is identified at once: its step begins and ends in one commit.
    if (run.step !== 'identify' || !boxReady(ocpp, run.identity)) await this.#begin(run);
    switch (run.step) {
      case 'identify': {
        const box = await ocpp.csms.waitFor(run.identity, { signal: this.#signal, booted: true });
        await this.#finish('identify', (r) => {
          r.state.boot = box.boot;
          r.state.ocppVersion = box.ocppVersion;
        });
        return;
      }
      case 'snapshot': {
        // The snapshot and the step's end: one commit.
        let saved: RunDetail | undefined;
        await ocpp.readConfiguration(run.identity, `before commissioning run ${run.id}`, this.#signal, {
          alongside: (snapshotId) => {
            saved = this.#deps.runs.update(
              this.#id,
              finishing(
                'snapshot',
                (r) => {
                  r.state.snapshotId = snapshotId;
                },
                'done',
              ),
            );
          },
        });
        if (saved) this.#deps.onChange(saved);
        return;
      }
      case 'plan': {
        const snapshot = ocpp.latestSnapshot(run.identity);
        const version = run.state.ocppVersion ?? this.#session(run).ocppVersion;
        const swap = run.state.swap;
        // A swap moves the broken box's settings, password and cards; its plan comes from what the tool knows of it.
        const source = swap ? this.#swapSource(swap) : null;
        const plan = source
          ? planSwap(source, run.identity, version, snapshot?.entries ?? [], loadUrlProfiles(), {
              newPassword: swap?.newPassword === true,
            })
          : planFor(run.identity, version, snapshot?.entries ?? [], run.template, loadUrlProfiles());
        // A group the template names that no longer exists would fail at the card push, after the writes.
        const missing = source ? [] : missingGroups(this.#deps.store, run.template.groups);
        if (missing.length > 0)
          plan.problems.push({ code: 'GROUP_MISSING', params: { groups: missing.join(', ') } });
        if (plan.problems.length > 0) {
          const first = plan.problems[0];
          await this.#save((r) => {
            r.state.plan = plan;
          });
          throw new AppError(swap ? 'SWAP_BLOCKED' : 'COMMISSION_BLOCKED', {
            identity: run.identity,
            ...(first?.params ?? {}),
            ...(swap ? { from: swap.from } : {}),
            reason: first?.code ?? '',
          });
        }
        // The password is in the vault before the box ever hears it, so it can never be lost between the two:
        // it is stored in the plan's own transaction. A swap writes the broken box's own password instead.
        if (
          plan.swap?.password === 'moved' &&
          source?.passwordSecretId != null &&
          run.state.passwordSecretId === null
        ) {
          const kept = source.passwordSecretId;
          await this.#save((r) => {
            r.state.passwordSecretId = kept;
          });
        }
        const needsPassword =
          (!swap || plan.swap?.password === 'new') &&
          run.state.passwordSecretId === null &&
          plan.writes.some((w) => w.secret);
        const password = needsPassword ? generatePassword(version) : null;
        await this.#finish('plan', (r) => {
          r.state.plan = plan;
          if (password !== null) {
            // As the box's *next* password: its current one stays until the box has accepted this one.
            r.state.passwordSecretId = this.#deps.vault.put(
              this.#deps.actor,
              BOX_PASSWORD_NEXT_PURPOSE,
              reachedAs(run),
              password,
            ).id;
          }
          if (r.approval === 'manual') r.status = 'awaiting-approval';
        });
        return;
      }
      case 'write':
        await this.#write(run, options);
        return;
      case 'cards': {
        const groups = run.state.plan?.groups ?? [];
        const swap = run.state.swap;
        if (swap && run.state.plan?.swap?.cards) {
          const outcome = await pushSwapList({
            store: this.#deps.store,
            ocpp,
            actor: this.#deps.actor,
            identity: run.identity,
            from: swap.from,
            list: this.#swapSource(swap).localList,
            signal: this.#signal,
          });
          await this.#finish('cards', (r) => {
            r.state.cards = outcome;
          });
          return;
        }
        if (groups.length === 0) {
          await this.#finish(
            'cards',
            (r) => {
              r.state.cards = { skipped: true };
            },
            'skipped',
          );
          return;
        }
        const outcome = await pushGroupsToBox({
          store: this.#deps.store,
          ocpp,
          actor: this.#deps.actor,
          identity: run.identity,
          groups,
          signal: this.#signal,
        });
        await this.#finish('cards', (r) => {
          r.state.cards = outcome;
        });
        return;
      }
      case 'reset': {
        await this.#writeOnly(run, options);
        await this.#deps.store.writeGrouped(() => this.#queueAtCompanyCsms(run));
        await this.#registerAtCompanyCsms(run, options.signal);
        const status = await this.#reset(run, options.signal);
        if (status !== 'Accepted' && status !== 'Scheduled' && status !== NO_ANSWER) {
          throw new AppError('BOX_CALL_FAILED', { identity: run.identity, action: 'Reset', reason: status });
        }
        await this.#finish('reset', (r) => {
          r.state.reset = status;
        });
        return;
      }
      case 'verify':
        await this.#verify(run);
        return;
      case 'report': {
        // Only a CSMS that reported the box confirms it; a box that merely stayed away is not confirmed.
        const status = run.state.verify?.outcome === 'confirmed' ? 'confirmed' : 'left-not-confirmed';
        await this.#finish(
          'report',
          (r) => {
            r.status = status;
            // The replacement left with the broken box's identity: that box's record says it was replaced.
            if (r.state.swap && !r.state.swap.replacedAt)
              r.state.swap.replacedAt = markReplaced(this.#deps.store, this.#deps.actor, r, r.state.boot);
          },
          'done',
          { action: `commissioning.${status}`, after: { verify: run.state.verify } },
        );
        return;
      }
    }
  }

  /**
   * The reset and the box's answer. A box gone while the Reset was out (firmware that restarts without
   * answering, or the tool stopped after sending it) was told to restart: the trace saw the call leave. If
   * it stays away for its window, the run goes on to judge it as any box that restarted. Back at the tool,
   * it may never have got the Reset (sent as it reconnected with its new password): it gets it once more;
   * back again after that one too, it is judged as it is (a box that restarts and comes back fails).
   */
  async #reset(run: RunDetail, signal: AbortSignal): Promise<string> {
    const since = run.state.steps.find((s) => s.step === 'reset')?.startedAt ?? run.createdAt;
    try {
      return await this.#session(run).reset('soft', { signal });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'BOX_OFFLINE') throw error;
      const sent = this.#deps.ocpp.trace.sentCalls(run.identity, 'Reset', since);
      if (!sent) throw error;
      const { csms } = this.#deps.ocpp;
      const { windowS } = verifyWindow(run.template, run.state.boot);
      const connected = () => csms.box(run.identity)?.state === 'connected';
      // Shown as waiting for the box: whether it restarted is what its staying away tells.
      await this.#save((r) => {
        r.status = 'waiting-for-box';
      });
      const back = await waitUntil(run.identity, connected, windowS * 1000, signal, csms);
      if (back && sent.count < 2) throw error;
      await this.#save((r) => {
        r.status = 'running';
      });
      return sent.status ?? NO_ANSWER;
    }
  }

  async #write(run: RunDetail, options: { signal: AbortSignal }): Promise<void> {
    const plan = run.state.plan;
    if (!plan) throw new AppError('INTERNAL', { method: 'commissioning', incident: 'no-plan' });
    const confirmed = new Map(Object.entries(run.state.results));
    const done = (key: string) => OK_STATUSES.has(String(confirmed.get(key) ?? ''));
    const record = async (key: string, status: string) => {
      confirmed.set(key, status);
      await this.#save((r) => {
        r.state.results[key] = status;
      });
    };
    const refuse = (key: string, status: string) => {
      throw new AppError('COMMISSION_WRITE_REFUSED', { identity: run.identity, key, status });
    };

    if (plan.certificate && !done('InstallCertificate')) {
      const certificate = run.template.csms.caCertificate ?? '';
      const answer = await this.#session(run).call<{ status: string }>(
        'InstallCertificate',
        // Both versions take the same fields; the plan already chose the type name per version.
        { certificateType: plan.certificate.type, certificate },
        options,
      );
      await record('InstallCertificate', answer.status);
      if (answer.status !== 'Accepted') refuse('InstallCertificate', answer.status);
    }
    if (plan.networkProfile && !done('SetNetworkProfile')) {
      const { slot, url, securityProfile } = plan.networkProfile;
      const answer = await this.#session(run).call<{ status: string }>(
        'SetNetworkProfile',
        {
          configurationSlot: slot,
          connectionData: {
            ocppVersion: 'OCPP20',
            ocppTransport: 'JSON',
            ocppCsmsUrl: url,
            messageTimeout: 30,
            securityProfile,
            ocppInterface: 'Wired0',
          },
        },
        options,
      );
      await record('SetNetworkProfile', answer.status);
      if (answer.status !== 'Accepted') refuse('SetNetworkProfile', answer.status);
    }
    // What cannot be put back (the box's new password, a higher security profile) is not written here:
    // it goes right before the reset (see #writeOnly).
    const writes: PlannedWrite[] = [
      ...plan.writes.filter((w) => !cannotPutBack(w)),
      ...(plan.priority ? [plan.priority] : []),
    ];
    for (const write of writes) {
      // The limit goes after every setting (a 2.0.1 box may need smart charging switched on first)
      // and before the priority that sends the box away at its reset.
      if (write === plan.priority) await this.#limit(run, confirmed, record, options);
      if (done(write.key)) continue;
      const status = await this.#writeSetting(run, write.key, write.to, options.signal);
      confirmed.set(write.key, status);
      if (!OK_STATUSES.has(status)) refuse(write.key, status);
    }
    if (!plan.priority) await this.#limit(run, confirmed, record, options);
    await this.#finish('write');
  }

  /**
   * One setting written to the box, its answer recorded in the run (and `change` applied) in the transaction
   * of the write's audit rows: one commit per setting, and the run tells of it only once that is committed.
   */
  async #writeSetting(
    run: RunDetail,
    key: string,
    value: string,
    signal: AbortSignal,
    change?: (run: RunDetail, status: string) => void,
  ): Promise<string> {
    let status = 'NoAnswer';
    let saved: RunDetail | undefined;
    await this.#deps.ocpp.changeSettings(this.#deps.actor, run.identity, [{ key, value }], signal, {
      alongside: (results) => {
        status = results[0]?.status ?? 'NoAnswer';
        saved = this.#deps.runs.update(this.#id, (r) => {
          r.state.results[key] = status;
          change?.(r, status);
        });
      },
    });
    if (saved) this.#deps.onChange(saved);
    return status;
  }

  /** What cannot be put back (AuthorizationKey, BasicAuthPassword, SecurityProfile): last, just before the reset. */
  async #writeOnly(run: RunDetail, options: { signal: AbortSignal }): Promise<void> {
    const plan = run.state.plan;
    if (!plan) return;
    for (const write of plan.writes.filter(cannotPutBack)) {
      if (OK_STATUSES.has(String(this.#deps.runs.get(run.id).state.results[write.key] ?? ''))) continue;
      const value =
        write.secret && write.to === PASSWORD_PLACEHOLDER
          ? this.#deps.vault.use(run.state.passwordSecretId ?? -1, (secret) => secret)
          : write.to;
      const [result] = await this.#deps.ocpp.changeSettings(
        this.#deps.actor,
        run.identity,
        [{ key: write.key, value }],
        options.signal,
      );
      const status = result?.status ?? 'NoAnswer';
      // The box's answer and, when it took its new password, that password becoming its own: one transaction.
      // A commit of its own after the write's audit rows (not in their transaction, as other settings are):
      // a box that took a new password drops its line to dial in with it, and the reset sent right after
      // the write would meet the closing connection (lost, and sent again once the box is back).
      await this.#save((r) => {
        const promoted = write.secret && OK_STATUSES.has(status) ? this.#promotePassword(run) : null;
        r.state.results[write.key] = status;
        if (promoted !== null) r.state.passwordSecretId = promoted;
      });
      if (!OK_STATUSES.has(status)) {
        throw new AppError('COMMISSION_WRITE_REFUSED', { identity: run.identity, key: write.key, status });
      }
    }
  }

  /**
   * The box, with the password it now holds, goes to the outbox of every company CSMS set up here before
   * it is reset, so `wbc sync run` (or the app) registers it there; a CSMS that cannot take stations over
   * its API keeps the job as "by hand" with what to enter. Queued again by a rerun: the job collapses.
   */
  #queueAtCompanyCsms(run: RunDetail): void {
    const current = this.#deps.runs.get(run.id);
    const boot = current.state.boot;
    const limit = current.template.maxCurrentA;
    queueStation(
      this.#deps.store,
      {
        identity: reachedAs(current),
        ocppVersion: current.state.ocppVersion ?? '1.6',
        securityProfile: current.template.csms.securityProfile as 0 | 1 | 2 | 3,
        siteName: null,
        vendor: boot?.vendor || null,
        model: boot?.model || null,
        serialNumber: boot?.serialNumber ?? null,
        firmwareVersion: boot?.firmwareVersion ?? null,
        connectors: null,
        maxCurrentA: limit ?? null,
      },
      current.state.passwordSecretId,
    );
  }

  /**
   * The one-run promise: before the reset, each company CSMS set up here is given the box (and the cards
   * waiting for it) now, within 20 s, so the box is expected when it dials in. A CSMS that cannot be
   * reached (a site without internet) keeps the job in the outbox; the run says so and goes on.
   */
  async #registerAtCompanyCsms(run: RunDetail, signal: AbortSignal): Promise<void> {
    const { store, vault } = this.#deps;
    const connectors = listConnectors(store).filter((c) => c.kind !== 'file');
    if (connectors.length === 0) return;
    const registration: CsmsRegistration[] = [];
    for (const info of connectors) {
      try {
        await runSync(store, vault, info.name, {
          maxWaitS: 0,
          signal: AbortSignal.any([signal, AbortSignal.timeout(20_000)]),
        });
      } catch {
        // Unreachable, refused, timed out: what the station's job says below is what the user is told.
      }
      if (signal.aborted) throw new AppError('CANCELLED');
      const job = latestJob(store, info.id, stationKey(reachedAs(run)));
      registration.push({ csms: info.name, state: job?.state ?? 'none', error: job?.lastError ?? null });
    }
    await this.#save((r) => {
      r.state.registration = registration;
    });
  }

  /** What a swap run moves from: its backup file, else what the tool's database knows of the broken box. */
  #swapSource(swap: SwapState): SwapSource {
    const { store, runs, vault } = this.#deps;
    return swapSourceOf({ store, ocpp: this.#deps.ocpp, runs, vault }, swap);
  }

  /** The box accepted its new password: it replaces the box's old one in the vault (the old one is gone
   *  from the box too). Returns the id it is kept under now; null when it was promoted before. */
  #promotePassword(run: RunDetail): number | null {
    const id = this.#deps.runs.get(run.id).state.passwordSecretId;
    const next = this.#deps.store
      .stmt('SELECT id FROM secrets WHERE id = ? AND purpose = ? AND label = ?')
      .get(id, BOX_PASSWORD_NEXT_PURPOSE, reachedAs(run)) as { id: number } | undefined;
    if (!next) return null;
    const value = this.#deps.vault.use(next.id, (secret) => secret);
    const own = this.#deps.vault.put(this.#deps.actor, BOX_PASSWORD_PURPOSE, reachedAs(run), value);
    this.#deps.vault.delete(this.#deps.actor, next.id);
    return own.id;
  }

  /**
   * The template's maximum current as the box's whole-box charging profile. It protects the house
   * connection, so a box that refuses it fails the run (nothing is reset); a box that accepts it is asked
   * what it will now allow, and one that reports more than the limit fails the run too.
   */
  async #limit(
    run: RunDetail,
    confirmed: Map<string, string>,
    record: (key: string, status: string) => Promise<void>,
    options: { signal: AbortSignal },
  ): Promise<void> {
    const limit = run.state.plan?.chargingLimit;
    const version = run.state.plan?.ocppVersion;
    if (!limit || !version) return;
    const refused = (status: string, detail: string) =>
      new AppError('COMMISSION_LIMIT_REFUSED', { identity: run.identity, amps: limit.amps, status, detail });
    if (confirmed.get(SET_LIMIT) !== 'Accepted') {
      const answer = await this.#session(run).call<{ status: string; statusInfo?: { reasonCode?: string } }>(
        'SetChargingProfile',
        setChargingProfileCall(version, limit, new Date()),
        options,
      );
      await record(SET_LIMIT, answer.status);
      if (answer.status !== 'Accepted') throw refused(answer.status, answer.statusInfo?.reasonCode ?? '-');
    }
    if (confirmed.has(READ_LIMIT)) return;
    let reported: number | null = null;
    try {
      const answer = await this.#session(run).call<Record<string, unknown>>(
        'GetCompositeSchedule',
        compositeScheduleCall(version),
        options,
      );
      reported = compositeLimit(version, answer);
    } catch (error) {
      // A box without GetCompositeSchedule (NotImplemented) still took the profile: its answer stands.
      if (!(error instanceof AppError) || error.code !== 'BOX_CALL_FAILED') throw error;
    }
    await record(READ_LIMIT, reported === null ? 'NotReported' : String(reported));
    // Rounding on the box's side (0.1 A steps) is not a refusal; more than the limit is.
    if (reported !== null && reported > limit.amps + 0.05) throw refused('NotApplied', `${reported} A`);
  }

  async #saveVerify(outcome: VerifyState['outcome'], extra: Partial<VerifyState> = {}): Promise<void> {
    await this.#save((r) => {
      const windowS = r.state.verify?.windowS ?? verifyWindow(r.template, r.state.boot).windowS;
      r.state.verify = { ...r.state.verify, windowS, ...extra, outcome, at: new Date().toISOString() };
    });
  }

  /**
   * After its reset the box must leave the tool and not come back within the window (the box model's
   * reboot time, or the template's). A CSMS connector that reports it connected and booted Accepted
   * confirms it; without one the run ends left-not-confirmed, and the service keeps watching for it.
   */
  async #verify(run: RunDetail): Promise<void> {
    const { csms } = this.#deps.ocpp;
    const { windowS, source } = verifyWindow(run.template, run.state.boot);
    // A resumed run keeps the deadline it had: the countdown shown never jumps back.
    const kept = run.state.verify?.outcome === 'watching' ? Date.parse(run.state.verify.deadline ?? '') : NaN;
    const deadline = Number.isFinite(kept) ? kept : Date.now() + windowS * 1000;
    if (!Number.isFinite(kept)) {
      await this.#saveVerify('watching', {
        windowS,
        windowSource: source,
        deadline: new Date(deadline).toISOString(),
      });
    }
    const left = () => Math.max(0, deadline - Date.now());
    const gone = await waitUntil(
      run.identity,
      () => csms.box(run.identity)?.state !== 'connected',
      left(),
      this.#signal,
      csms,
    );
    if (!gone) {
      await this.#saveVerify('stayed');
      throw new AppError('COMMISSION_NOT_VERIFIED', {
        identity: run.identity,
        reason: 'stayed',
        seconds: windowS,
      });
    }
    const outcome = await this.#awayOrBack(run.identity, left());
    if (outcome.kind === 'rejected') {
      await this.#saveVerify('rejected', { confirmedBy: outcome.by });
      throw new AppError('COMMISSION_CSMS_REJECTED', { identity: run.identity, csms: outcome.by });
    }
    if (outcome.kind === 'returned') {
      await this.#saveVerify('returned');
      throw new AppError('COMMISSION_NOT_VERIFIED', {
        identity: run.identity,
        reason: `returned-${run.state.ocppVersion ?? '1.6'}`,
        seconds: windowS,
      });
    }
    await this.#finish('verify', (r) => {
      r.state.verify = {
        ...(r.state.verify ?? { windowS }),
        outcome: outcome.kind === 'confirmed' ? 'confirmed' : 'left',
        at: new Date().toISOString(),
        ...(outcome.kind === 'confirmed' ? { confirmedBy: outcome.by } : {}),
      };
    });
  }

  /** Until the window closes: the box back at the tool, or the company CSMS confirming it, or neither. */
  async #awayOrBack(
    identity: string,
    ms: number,
  ): Promise<{ kind: 'returned' | 'left' } | { kind: 'confirmed' | 'rejected'; by: string }> {
    const { csms } = this.#deps.ocpp;
    const stop = new AbortController();
    const signal = AbortSignal.any([this.#signal, stop.signal]);
    const back = waitUntil(identity, () => csms.box(identity)?.state === 'connected', ms, signal, csms).then(
      (returned) => (returned ? { kind: 'returned' as const } : { kind: 'left' as const }),
    );
    const presence = this.#deps.presence;
    const run = this.#deps.runs.get(this.#id);
    // A swap's identity is known at the company CSMS from the broken box: what it last heard before the reset
    // is the broken box (still shown online until that CSMS notices it is gone), never the replacement.
    const since = run.state.swap
      ? (run.state.steps.find((s) => s.step === 'reset')?.finishedAt ?? null)
      : null;
    const confirmed = presence
      ? this.#pollPresence(presence, reachedAs(run), signal, since).then((answer) =>
          answer === null ? new Promise<never>(() => undefined) : answer,
        )
      : new Promise<never>(() => undefined);
    try {
      return await Promise.race([back, confirmed]);
    } finally {
      stop.abort();
      await back.catch(() => undefined);
    }
  }

  /** Asks the connector until it confirms the box, reports it connected but Rejected, or the wait ends.
   *  With `since`: an answer the CSMS says it last changed before then is not about this box (ignored). */
  async #pollPresence(
    presence: StationPresence,
    identity: string,
    signal: AbortSignal,
    since: string | null = null,
  ): Promise<{ kind: 'confirmed' | 'rejected'; by: string } | null> {
    const every = this.#deps.presencePollMs ?? 2000;
    while (!signal.aborted) {
      try {
        const answer = await presence.stationStatus(identity, signal);
        const status = answer && !heardBefore(answer, since) ? answer : null;
        const by = status?.source ?? presence.name;
        if (confirms(status)) return { kind: 'confirmed', by };
        // Pending may still turn Accepted; Rejected is the company CSMS refusing the box.
        if (status?.connected && status.bootStatus === 'Rejected') return { kind: 'rejected', by };
      } catch {
        // A CSMS that does not answer confirms nothing; the window decides.
      }
      // One abort listener per wait, removed when the wait ends (a long window polls many times).
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, every);
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return null;
  }
}

/** The change that ends a step (and begins the next): one commit ends a step and begins the next. A step
 *  that ended without its own begin (its box was there at once) started when it ended. */
function finishing(
  step: StepName,
  change: (run: RunDetail) => void,
  status: 'done' | 'skipped',
): (run: RunDetail) => void {
  const next = stepNames[stepNames.indexOf(step) + 1];
  return (r) => {
    change(r);
    const record = r.state.steps.find((s) => s.step === step);
    if (record) {
      record.status = status;
      record.finishedAt = new Date().toISOString();
      record.startedAt ??= record.finishedAt;
    }
    // Awaiting approval still moves on: approving continues with the step after the plan.
    if (r.status !== 'failed' && next) {
      r.step = next;
      const following = r.state.steps.find((s) => s.step === next);
      if (following && r.status === 'running') {
        following.status = 'running';
        following.startedAt = new Date().toISOString();
      }
    }
  };
}

/** Resolves true as soon as check() holds (re-checked on every event of this box), false after ms. Only
 *  the box's own events: a thousand runs waiting do not each look again at every other box's event. */
function waitUntil(
  identity: string,
  check: () => boolean,
  ms: number,
  signal: AbortSignal,
  csms: LocalCsms,
): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return waitForEvent<BoxInfo, boolean>(
    (listener) => csms.onBox(identity, listener),
    () => (check() ? true : undefined),
    { signal, timeoutMs: ms, onTimeout: () => false },
  );
}

/** The box is connected, admitted and booted now (what the identify step waits for). */
function boxReady(ocpp: OcppService, identity: string): boolean {
  const box = ocpp.csms.box(identity);
  return box?.state === 'connected' && box.admitted && box.boot !== null;
}

/** The CSMS says when it last heard of the box, and that was before `since` (a CSMS that does not say is
 *  taken at its word). */
function heardBefore(status: StationStatus, since: string | null): boolean {
  if (since === null || status.lastSeen === null) return false;
  const seen = Date.parse(status.lastSeen);
  return Number.isFinite(seen) && seen < Date.parse(since);
}

/** The identity the company CSMS knows the box by after the run: a swap's replacement takes the broken box's. */
function reachedAs(run: RunDetail): string {
  return run.state.swap?.from ?? run.identity;
}
