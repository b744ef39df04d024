// React glue for the api client: the connection in context, its state, and a query hook that
// reloads whenever the core says the entity it shows has changed.
import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { MethodName, ParamsOf, ResultOf } from '../../main/api/contract.ts';
import type { WireError } from '../../main/api/errors.ts';
import type { DataEntity } from '../../main/api/types.ts';
import { ApiCallError } from '../../main/api/wire.ts';
import type { Connection, ConnectionState } from './client.ts';

/** A call to the core whose answer a screen only waits for (kept out of .tsx: see the JSX text test). */
export type ApiCall = () => Promise<unknown>;

export const ConnectionContext = createContext<Connection | null>(null);

export function useConnection(): Connection {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error('useConnection outside ConnectionContext');
  return value;
}

export function useConnectionState(): ConnectionState {
  const api = useConnection();
  // An external store: a change between the first render and the subscription is not lost.
  return useSyncExternalStore(api.onState, api.state);
}

export function asWireError(error: unknown): WireError {
  if (error instanceof ApiCallError) return error.error;
  return {
    code: 'INTERNAL',
    params: { method: 'ui', incident: 'renderer' },
    message: '',
    remedy: '',
    fields: [],
  };
}

export interface Query<R> {
  data: R | undefined;
  error: WireError | undefined;
  loading: boolean;
  reload(): void;
}

export function useQuery<M extends MethodName>(
  method: M,
  params: ParamsOf<M>,
  entities: DataEntity[],
): Query<ResultOf<M>> {
  const api = useConnection();
  const [data, setData] = useState<ResultOf<M>>();
  const [error, setError] = useState<WireError>();
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(params);
  const watched = entities.join(',');

  const reload = useCallback(() => {
    setLoading(true);
    api
      .call(method, JSON.parse(key) as ParamsOf<M>)
      .then((result) => {
        setData(result);
        setError(undefined);
      })
      .catch((e: unknown) => setError(asWireError(e)))
      .finally(() => setLoading(false));
  }, [api, method, key]);

  useEffect(() => {
    reload();
    const off = api.on('data.changed', (e) => watched.split(',').includes(e.entity) && reload());
    const offState = api.onState((s) => s === 'connected' && reload());
    return () => {
      off();
      offState();
    };
  }, [api, reload, watched]);

  return { data, error, loading, reload };
}

export interface Action {
  busy: boolean;
  error: WireError | undefined;
  /** Runs fn with busy set; keeps its error for display; resolves true when it succeeded. */
  run(fn: () => Promise<unknown>): Promise<boolean>;
  /** Keeps the error of a call made outside run (a load) for the same notice. */
  fail(error: unknown): void;
  /** Dismisses the notice. */
  clear(): void;
}

/** One button or form's call to the core: busy while it runs, the typed error kept for the notice. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WireError>();
  const fail = useCallback((e: unknown) => setError(asWireError(e)), []);
  const clear = useCallback(() => setError(undefined), []);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setError(undefined);
      return true;
    } catch (e) {
      setError(asWireError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, fail, clear };
}
