// Pushes the derived local list to every box of a site: the boxes that are connected get their list
// (changes only, version read back), the others are reported as skipped; progress per box, and cancel.
import { AppError, isAppError } from '../api/errors.ts';
import { groupsForStation, lastPushedList } from '../commissioning/cards-for-box.ts';
import { pushGroupsToBox } from '../commissioning/push-cards.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { Store } from '../store/database.ts';
import { getSite } from '../store/sites.ts';
import { listStations } from '../store/stations.ts';
import type { RowIssue, SitePushProgress, SitePushSummary } from './types.ts';

/** Boxes pushed to at the same time: each has its own socket, but the laptop's link is shared. */
const PARALLEL = 4;

export interface SitePushDeps {
  store: Store;
  ocpp: OcppService;
  progress: (progress: SitePushProgress) => void;
  /** Called when a push ended: what the boxes hold has changed. */
  finished: () => void;
}

function reasonOf(error: unknown): RowIssue {
  if (isAppError(error)) return { code: error.code, params: error.params };
  return { code: 'INTERNAL', params: { method: 'cards.pushSite', incident: 'box' } };
}

export class SitePushes {
  readonly #deps: SitePushDeps;
  readonly #running = new Map<number, AbortController>();

  constructor(deps: SitePushDeps) {
    this.#deps = deps;
  }

  cancel(siteId: number): { cancelled: boolean } {
    const controller = this.#running.get(siteId);
    controller?.abort();
    return { cancelled: controller !== undefined };
  }

  async push(actor: string, siteId: number): Promise<SitePushSummary> {
    const { store, ocpp } = this.#deps;
    const site = getSite(store, siteId);
    if (this.#running.has(siteId)) throw new AppError('CARDS_SITE_PUSH_RUNNING', { site: site.name });
    const stations = listStations(store, { siteId });
    if (stations.length === 0) throw new AppError('CARDS_SITE_NO_BOXES', { site: site.name });
    const csms = ocpp.csms; // CSMS_NOT_RUNNING: no box can be reached, so nothing is "skipped"
    const controller = new AbortController();
    this.#running.set(siteId, controller);
    const states = new Map<string, SitePushProgress>();
    const report = (p: SitePushProgress) => {
      states.set(p.identity, p);
      this.#deps.progress(p);
    };
    for (const s of stations) report({ siteId, identity: s.identity, state: 'queued', done: 0, total: 0 });
    let unchanged = 0;

    const one = async (identity: string): Promise<void> => {
      if (controller.signal.aborted) {
        report({ siteId, identity, state: 'cancelled', done: 0, total: 0 });
        return;
      }
      const groups = groupsForStation(store, identity);
      if (groups.length === 0 && !lastPushedList(store, identity)) {
        report({
          siteId,
          identity,
          state: 'skipped',
          done: 0,
          total: 0,
          reason: { code: 'CARDS_BOX_NO_GROUPS', params: { identity } },
        });
        return;
      }
      try {
        csms.session(identity);
      } catch (error) {
        report({ siteId, identity, state: 'skipped', done: 0, total: 0, reason: reasonOf(error) });
        return;
      }
      report({ siteId, identity, state: 'pushing', done: 0, total: 0 });
      try {
        const outcome = await pushGroupsToBox({
          store,
          ocpp,
          actor,
          identity,
          groups,
          signal: controller.signal,
          onProgress: (p) => report({ siteId, identity, state: 'pushing', done: p.sent, total: p.total }),
        });
        if (outcome.parts === 0) unchanged++;
        report({
          siteId,
          identity,
          state: 'done',
          done: outcome.entries,
          total: outcome.entries,
          version: outcome.version,
        });
      } catch (error) {
        const cancelled = controller.signal.aborted;
        report({
          siteId,
          identity,
          state: cancelled ? 'cancelled' : 'failed',
          done: 0,
          total: 0,
          ...(cancelled ? {} : { reason: reasonOf(error) }),
        });
      }
    };

    try {
      const queue = stations.map((s) => s.identity);
      const workers = Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await one(next);
      });
      await Promise.all(workers);
    } finally {
      this.#running.delete(siteId);
      this.#deps.finished();
    }
    const boxes = stations.map((s) => states.get(s.identity) as SitePushProgress);
    const count = (state: SitePushProgress['state']) => boxes.filter((b) => b.state === state).length;
    return {
      siteId,
      total: boxes.length,
      pushed: count('done') - unchanged,
      unchanged,
      skipped: count('skipped'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      boxes,
    };
  }
}
