// One call's answer as React state, fetched again whenever an event says it moved: at most one call in
// flight and one more queued, and again when the connection comes back. The box and run views use it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../main/api/errors.ts';
import { asWireError, useConnection } from './hooks.ts';

export interface Live<R> {
  data: R | undefined;
  error: WireError | undefined;
  reload(): void;
}

/** Calls load now and whenever a watched event fires (at most one call in flight, one more queued). */
export function useLive<R>(
  load: () => Promise<R>,
  watch: (reload: () => void) => Array<() => void>,
): Live<R> {
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
