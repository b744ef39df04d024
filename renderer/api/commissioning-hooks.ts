// Commissioning runs as React state: one run's detail kept fresh by commissioning.changed, and a
// fleet's runs updated from the summaries the events carry, so 200 boxes cost no call per event.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../main/api/errors.ts';
import type { RunDetail, RunSummary } from '../../main/commissioning/types.ts';
import { asWireError, useConnection } from './hooks.ts';
import { useLive } from './live.ts';

export interface RunQuery {
  run: RunDetail | undefined;
  error: WireError | undefined;
}

/** The detail of one run, fetched again (at most one call at a time) whenever the run moves. */
export function useRun(id: number): RunQuery {
  const api = useConnection();
  const load = useCallback(() => api.call('commissioning.get', { id }), [api, id]);
  const watch = useCallback(
    (reload: () => void) => [api.on('commissioning.changed', (summary) => summary.id === id && reload())],
    [api, id],
  );
  const { data, error } = useLive(load, watch);
  return { run: data, error };
}

/** The newest run per box of a fleet, in box order. */
export interface FleetQuery {
  runs: RunSummary[];
  error: WireError | undefined;
}

function newest(byBox: Map<string, RunSummary>, run: RunSummary): boolean {
  const known = byBox.get(run.identity);
  if (known && (known.id > run.id || (known.id === run.id && known.updatedAt > run.updatedAt))) return false;
  byBox.set(run.identity, run);
  return true;
}

export function useFleet(fleetId: string, initial: RunSummary[]): FleetQuery {
  const api = useConnection();
  const byBox = useRef(new Map<string, RunSummary>());
  const [runs, setRuns] = useState<RunSummary[]>(initial);
  const [error, setError] = useState<WireError>();
  const frame = useRef<number | null>(null);

  useEffect(() => {
    const map = new Map<string, RunSummary>();
    byBox.current = map;
    for (const run of initial) newest(map, run);
    // Many events arrive at once from a car park: the table is redrawn at most once per frame.
    const publish = () => {
      if (frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setRuns([...map.values()].sort((a, b) => a.identity.localeCompare(b.identity)));
      });
    };
    const load = () =>
      api
        .call('commissioning.list', { fleetId, limit: 10_000 })
        .then((list) => {
          for (const run of list) newest(map, run);
          setError(undefined);
          publish();
        })
        .catch((e: unknown) => setError(asWireError(e)));
    const off = api.on('commissioning.changed', (run) => {
      if (run.fleetId === fleetId && newest(map, run)) publish();
    });
    const offState = api.onState((s) => s === 'connected' && void load());
    void load();
    publish();
    return () => {
      off();
      offState();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [api, fleetId, initial]);

  return { runs, error };
}
