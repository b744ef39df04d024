// A box's record and the runs that need attention as React state, fetched again when anything they show
// moves: a run of the box, the box on the local CSMS, its stored data, the cards, the vault.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../main/api/errors.ts';
import type { BoxDetail, BoxOverview } from '../../main/boxes/types.ts';
import type { RunSummary } from '../../main/commissioning/types.ts';
import { asWireError, useConnection } from './hooks.ts';

interface Live<R> {
  data: R | undefined;
  error: WireError | undefined;
  reload(): void;
}

/** Calls load now and whenever a watched event fires (at most one call in flight, one more queued). */
function useLive<R>(load: () => Promise<R>, watch: (reload: () => void) => Array<() => void>): Live<R> {
  const api = useConnection();
  const [data, setData] = useState<R>();
  const [error, setError] = useState<WireError>();
  const inFlight = useRef(false);
  const again = useRef(false);
  const reload = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    load()
      .then((result) => {
        setData(result);
        setError(undefined);
      })
      .catch((e: unknown) => setError(asWireError(e)))
      .finally(() => {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          reload();
        }
      });
  }, [load]);
  useEffect(() => {
    reload();
    const offs = [...watch(reload), api.onState((s) => s === 'connected' && reload())];
    return () => {
      for (const off of offs) off();
    };
  }, [api, reload, watch]);
  return { data, error, reload };
}

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
