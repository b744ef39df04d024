// A box's record and the runs that need attention as React state, fetched again when anything they show
// moves: a run of the box, the box on the local CSMS, its stored data, the cards, the vault.
import { useCallback } from 'react';
import type { BoxDetail, BoxOverview } from '../../main/boxes/types.ts';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { useConnection } from './hooks.ts';
import { type Live, useLive } from './live.ts';

export function useBox(identity: string): Live<BoxDetail> {
  const api = useConnection();
  const load = useCallback(() => api.call('boxes.show', { identity }), [api, identity]);
  const watch = useCallback(
    (reload: () => void) => [
      api.on('commissioning.changed', (run) => run.identity === identity && reload()),
      api.on('boxes.changed', (box) => box.identity === identity && reload()),
      api.on(
        'data.changed',
        (e) => ['station', 'secret', 'card', 'group', 'site'].includes(e.entity) && reload(),
      ),
    ],
    [api, identity],
  );
  return useLive(load, watch);
}

export function useBoxList(): Live<BoxOverview[]> {
  const api = useConnection();
  const load = useCallback(() => api.call('boxes.list', {}), [api]);
  const watch = useCallback(
    (reload: () => void) => [
      api.on('commissioning.changed', () => reload()),
      api.on('boxes.changed', () => reload()),
      api.on('data.changed', (e) => ['station', 'site'].includes(e.entity) && reload()),
    ],
    [api],
  );
  return useLive(load, watch);
}

/** Runs under way (moving, or waiting for their box), newest first: with the CSMS stopped, they wait for it. */
export function useRunsUnderWay(): Live<RunSummary[]> {
  const api = useConnection();
  const load = useCallback(
    async () =>
      (await api.call('commissioning.list', { limit: 1000 })).filter(
        (run) => run.status === 'running' || run.status === 'waiting-for-box',
      ),
    [api],
  );
  const watch = useCallback((reload: () => void) => [api.on('commissioning.changed', () => reload())], [api]);
  return useLive(load, watch);
}

export function useAttention(): Live<RunSummary[]> {
  const api = useConnection();
  const load = useCallback(() => api.call('commissioning.attention', {}), [api]);
  const watch = useCallback(
    (reload: () => void) => [
      api.on('commissioning.changed', () => reload()),
      api.on('data.changed', (e) => e.entity === 'station' && reload()),
    ],
    [api],
  );
  return useLive(load, watch);
}
