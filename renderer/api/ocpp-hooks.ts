// The local CSMS and its boxes as React state: the status from the core, kept live by the
// boxes.changed event, merged with the boxes the store already knows (stations.list).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WireError } from '../../main/api/errors.ts';
import type { Station } from '../../main/api/types.ts';
import type { BoxInfo, CsmsStatus } from '../../main/ocpp/types.ts';
import { asWireError, useConnection, useQuery } from './hooks.ts';

export interface CsmsState {
  status: CsmsStatus | undefined;
  error: WireError | undefined;
  loading: boolean;
  /** Takes the status a start or stop answered with. */
  setStatus(status: CsmsStatus): void;
}

function upsert(boxes: BoxInfo[], box: BoxInfo): BoxInfo[] {
  const rest = boxes.filter((b) => b.identity !== box.identity);
  return [...rest, box].sort((a, b) => a.identity.localeCompare(b.identity));
}

export function useCsmsStatus(): CsmsState {
  const api = useConnection();
  const [status, setStatusState] = useState<CsmsStatus>();
  const [error, setError] = useState<WireError>();
  const [loading, setLoading] = useState(true);
  // Boxes announced while a status call is on its way are newer than its answer.
  const seenDuringCall = useRef<Map<string, BoxInfo> | null>(null);

  const reload = useCallback(() => {
    seenDuringCall.current = new Map();
    setLoading(true);
    api
      .call('csms.status', {})
      .then((result) => {
        const newer = seenDuringCall.current ?? new Map<string, BoxInfo>();
        setStatusState({ ...result, boxes: [...newer.values()].reduce(upsert, result.boxes) });
        setError(undefined);
      })
      .catch((e: unknown) => setError(asWireError(e)))
      .finally(() => {
        seenDuringCall.current = null;
        setLoading(false);
      });
  }, [api]);

  useEffect(() => {
    reload();
    const off = api.on('boxes.changed', (box) => {
      seenDuringCall.current?.set(box.identity, box);
      setStatusState((s) => (s ? { ...s, boxes: upsert(s.boxes, box) } : s));
    });
    // Started or stopped elsewhere (another window, the CLI): take that status as it is.
    const offCsms = api.on('csms.changed', (next) => setStatusState(next));
    const offState = api.onState((s) => s === 'connected' && reload());
    return () => {
      off();
      offCsms();
      offState();
    };
  }, [api, reload]);

  const setStatus = useCallback((next: CsmsStatus) => setStatusState(next), []);
  return { status, error, loading, setStatus };
}

/** A box as the tables show it: live from the CSMS, or only known from an earlier visit. */
export interface BoxRow {
  identity: string;
  ocppVersion: string | null;
  state: 'connected' | 'offline';
  admitted: boolean;
  /** False for a box the store knows but the running CSMS has not seen. */
  live: boolean;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  remoteAddress: string | null;
  connectors: Record<string, string>;
}

export function boxRows(live: BoxInfo[], known: Station[]): BoxRow[] {
  const rows = new Map<string, BoxRow>();
  for (const s of known) {
    rows.set(s.identity, {
      identity: s.identity,
      ocppVersion: s.ocppVersion,
      state: 'offline',
      admitted: true,
      live: false,
      vendor: s.vendor,
      model: s.model,
      firmware: s.firmwareVersion,
      remoteAddress: null,
      connectors: {},
    });
  }
  for (const b of live) {
    const before = rows.get(b.identity);
    rows.set(b.identity, {
      identity: b.identity,
      ocppVersion: b.ocppVersion,
      state: b.state,
      admitted: b.admitted,
      live: true,
      vendor: b.boot?.vendor || before?.vendor || null,
      model: b.boot?.model || before?.model || null,
      firmware: b.boot?.firmwareVersion ?? before?.firmware ?? null,
      remoteAddress: b.remoteAddress,
      connectors: b.connectors,
    });
  }
  // Boxes waiting in the lobby first: they need a decision.
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.admitted || !a.live) - Number(b.admitted || !b.live) || a.identity.localeCompare(b.identity),
  );
}

/** The CSMS status plus every box known to the store, as one live list. */
export function useBoxes() {
  const csms = useCsmsStatus();
  const stations = useQuery('stations.list', {}, ['station']);
  const live = csms.status?.boxes;
  const known = stations.data;
  const rows = useMemo(() => boxRows(live ?? [], known ?? []), [live, known]);
  return { csms, stations, rows, loading: csms.loading || stations.loading };
}
