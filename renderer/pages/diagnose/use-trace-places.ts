// The serial ports and Modbus targets the trace holds frames of, for the trace view's picker: loaded once,
// then again when a frame of a place not listed yet arrives (a terminal opened on the Connect page).
import { useEffect, useState } from 'react';
import type { TracePlace } from '../../../main/ocpp/trace-places.ts';
import { useConnection } from '../../api/hooks.ts';

const placeKind = /^(serial|modbus)(-|$)/;

export function useTracePlaces(enabled = true): TracePlace[] {
  const api = useConnection();
  const [places, setPlaces] = useState<TracePlace[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let known = new Set<string>();
    let loading = false;
    let again = false;
    const load = () => {
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      api
        .call('trace.places', {})
        .then((found) => {
          if (!live) return;
          known = new Set(found.map((p) => p.identity));
          setPlaces(found);
        })
        // Without the list the trace view still shows the box: the places are an extra.
        .catch(() => undefined)
        .finally(() => {
          loading = false;
          if (again && live) {
            again = false;
            load();
          }
        });
    };
    load();
    const off = api.on('trace.frame', (frame) => {
      if (placeKind.test(frame.kind) && !known.has(frame.identity)) load();
    });
    const offState = api.onState((s) => s === 'connected' && load());
    return () => {
      live = false;
      off();
      offState();
    };
  }, [api, enabled]);
  return enabled ? places : [];
}
