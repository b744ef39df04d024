// The live state of one box as React state: live.get once, then every live.changed and live.notice
// event for that box (reloaded after a reconnect of the connection).
import { useEffect, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { LiveBox } from '../../../main/ocpp/live/live-types.ts';
import { asWireError, useConnection } from '../../api/hooks.ts';

export function useLive(identity: string) {
  const api = useConnection();
  const [box, setBox] = useState<LiveBox | null>(null);
  const [error, setError] = useState<WireError>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => api.onState((s) => s === 'connected' && setGeneration((g) => g + 1)), [api]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation reloads after a reconnect
  useEffect(() => {
    let live = true;
    setBox(null);
    setError(undefined);
    const off = api.on('live.changed', (next) => {
      if (next.identity === identity) setBox(next);
    });
    api
      .call('live.get', { identity })
      .then((now) => live && now && setBox((prev) => prev ?? now))
      .catch((e: unknown) => live && setError(asWireError(e)));
    return () => {
      live = false;
      off();
    };
  }, [api, identity, generation]);

  return { box, error };
}
