// Every box the tool knows (stored stations, boxes on the local CSMS now, boxes with runs) with its
// connection and commissioning state, and the whole record of one box for its page and `wbc boxes show`.

import { AppError } from '../api/errors.ts';
import { stationLocalLists } from '../cards/box-lists.ts';
import type { RunStore } from '../commissioning/run-store.ts';
import { summary } from '../commissioning/run-store.ts';
import { replacementsOf } from '../commissioning/swap.ts';
import type { RunSummary } from '../commissioning/types.ts';
import { BOX_PASSWORD_NEXT_PURPOSE, BOX_PASSWORD_PURPOSE } from '../ocpp/box-passwords.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { BoxInfo } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';
import { listSites } from '../store/sites.ts';
import { listStations } from '../store/stations.ts';
import type { Vault } from '../store/vault.ts';
import {
  attentionStatuses,
  type BoxConnection,
  type BoxCredential,
  type BoxDetail,
  type BoxOverview,
  type ForgetPlan,
  type SnapshotInfo,
} from './types.ts';

export interface BoxSources {
  store: Store;
  ocpp: OcppService;
  runs: RunStore;
  vault: Vault;
}

const unfinished = new Set(['running', 'waiting-for-box', 'awaiting-approval']);

/** The newest run of each box that was not cancelled, by identity. */
function latestRuns(store: Store, runs: RunStore): Map<string, RunSummary> {
  const rows = store.db
    .prepare(`SELECT max(id) AS id FROM commissioning_runs WHERE status <> 'cancelled' GROUP BY identity`)
    .all() as Array<{ id: number }>;
  return new Map(
    rows.map(({ id }) => {
      const run = summary(runs.get(id));
      return [run.identity, run];
    }),
  );
}

function lastSeen(store: Store, identity: string): string | null {
  // The newest frame by id (the index), not max(at): a box's trace may hold 32 MB of frames.
  const row = store.db
    .prepare('SELECT at FROM trace_frames WHERE identity = ? ORDER BY id DESC LIMIT 1')
    .get(identity) as { at: string | null } | undefined;
  return row?.at ?? null;
}

function connectionOf(store: Store, live: BoxInfo | undefined, identity: string, fallback: string | null) {
  if (live?.state === 'connected')
    return live.admitted
      ? ({ state: 'connected', since: live.connectedAt, remoteAddress: live.remoteAddress } as const)
      : ({ state: 'lobby', since: live.connectedAt, remoteAddress: live.remoteAddress } as const);
  const since = live?.lastSeenAt ?? lastSeen(store, identity) ?? fallback;
  return { state: 'offline', since } satisfies BoxConnection;
}

/** Every box, or (only) the one box named, which spares a box's page the trace look-ups of all others. */
export function listBoxes(sources: BoxSources, only?: string): BoxOverview[] {
  const { store, ocpp } = sources;
  const stations = new Map(listStations(store).map((s) => [s.identity, s]));
  const live = new Map(ocpp.status().boxes.map((b) => [b.identity, b]));
  const latest = latestRuns(store, sources.runs);
  const ran = store.db.prepare('SELECT DISTINCT identity FROM commissioning_runs').all() as Array<{
    identity: string;
  }>;
  const sites = new Map(listSites(store).map((s) => [s.id, s.name]));
  const identities = new Set([...stations.keys(), ...live.keys(), ...ran.map((r) => r.identity)]);
  return [...identities]
    .filter((identity) => only === undefined || identity === only)
    .sort((a, b) => a.localeCompare(b))
    .map((identity) => {
      const station = stations.get(identity);
      const box = live.get(identity);
      const run = latest.get(identity) ?? null;
      return {
        identity,
        stationId: station?.id ?? null,
        vendor: box?.boot?.vendor || station?.vendor || null,
        model: box?.boot?.model || station?.model || null,
        serialNumber: box?.boot?.serialNumber ?? station?.serialNumber ?? null,
        firmwareVersion: box?.boot?.firmwareVersion ?? station?.firmwareVersion ?? null,
        ocppVersion: box?.ocppVersion ?? station?.ocppVersion ?? null,
        siteId: station?.siteId ?? null,
        siteName: station?.siteId ? (sites.get(station.siteId) ?? null) : null,
        connection: connectionOf(store, box, identity, station?.updatedAt ?? null),
        commissioning: run?.status ?? 'never',
        latestRun: run,
        attention: run !== null && attentionStatuses.includes(run.status),
      };
    });
}

/** The latest run of each box that needs someone to look at it, newest first. */
export function runsNeedingAttention(sources: BoxSources): RunSummary[] {
  return [...latestRuns(sources.store, sources.runs).values()]
    .filter((r) => attentionStatuses.includes(r.status))
    .sort((a, b) => b.id - a.id);
}

function snapshotsOf(store: Store, identity: string): SnapshotInfo[] {
  const rows = store.db
    .prepare(
      'SELECT id, taken_at, reason, ocpp_version, entries FROM config_snapshots WHERE identity = ? ORDER BY id DESC',
    )
    .all(identity) as Array<{
    id: number;
    taken_at: string;
    reason: string;
    ocpp_version: string;
    entries: string;
  }>;
  return rows.map((row) => {
    const stored = JSON.parse(row.entries) as unknown[] | { readVia?: string; entries: unknown[] };
    const list = Array.isArray(stored) ? stored : stored.entries;
    return {
      id: row.id,
      takenAt: row.taken_at,
      reason: row.reason,
      ocppVersion: row.ocpp_version,
      readVia: Array.isArray(stored) ? null : (stored.readVia ?? null),
      entries: list.length,
    };
  });
}

export function credentialsOf(vault: Vault, identity: string): BoxCredential[] {
  return vault
    .list()
    .filter(
      (s) =>
        s.label === identity &&
        (s.purpose === BOX_PASSWORD_PURPOSE || s.purpose === BOX_PASSWORD_NEXT_PURPOSE),
    )
    .map((s) => ({
      id: s.id,
      kind: s.purpose === BOX_PASSWORD_PURPOSE ? 'current' : 'next',
      purpose: s.purpose,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    }));
}

function count(store: Store, sql: string, ...params: unknown[]): number {
  return (store.db.prepare(sql).get(...params) as { n: number }).n;
}

export function forgetPlan(sources: BoxSources, identity: string, runs: RunSummary[]): ForgetPlan {
  const { store } = sources;
  return {
    runs: runs.length,
    snapshots: count(store, 'SELECT count(*) AS n FROM config_snapshots WHERE identity = ?', identity),
    traceFrames: count(store, 'SELECT count(*) AS n FROM trace_frames WHERE identity = ?', identity),
    localList: count(store, 'SELECT count(*) AS n FROM station_local_lists WHERE identity = ?', identity) > 0,
    uidFormat: count(store, 'SELECT count(*) AS n FROM station_uid_formats WHERE identity = ?', identity) > 0,
    secrets: credentialsOf(sources.vault, identity).length,
    groups: count(
      store,
      'SELECT count(*) AS n FROM group_stations gs JOIN stations s ON s.id = gs.station_id WHERE s.identity = ?',
      identity,
    ),
    blockedBy: runs.find((r) => unfinished.has(r.status)) ?? null,
  };
}

export function showBox(sources: BoxSources, identity: string): BoxDetail {
  const [overview] = listBoxes(sources, identity);
  if (!overview) throw new AppError('NOT_FOUND', { entity: 'station', id: identity });
  const runs = sources.runs.list({ identity, limit: 10_000 });
  const localList =
    overview.stationId === null
      ? null
      : (stationLocalLists(
          sources.store,
          sources.ocpp,
          overview.siteId ? { siteId: overview.siteId } : {},
        ).find((l) => l.identity === identity) ?? null);
  const groups = sources.store.db
    .prepare(
      `SELECT g.id, g.name FROM groups g JOIN group_stations gs ON gs.group_id = g.id JOIN stations s ON s.id = gs.station_id
       WHERE s.identity = ? ORDER BY g.name COLLATE NOCASE`,
    )
    .all(identity) as Array<{ id: number; name: string }>;
  return {
    ...overview,
    runs,
    snapshots: snapshotsOf(sources.store, identity),
    localList,
    groups,
    credentials: credentialsOf(sources.vault, identity),
    forget: forgetPlan(sources, identity, runs),
    replacements: replacementsOf(sources.store, identity),
  };
}
