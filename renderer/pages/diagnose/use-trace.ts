// The trace of one box as React state: its history from trace.list, then every trace.frame event
// appended live (in batches, so a chatty box does not re-render per frame). Keeps the newest frames only.
import { useEffect, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { TraceFrame } from '../../../main/ocpp/types.ts';
import { asWireError, useConnection } from '../../api/hooks.ts';

/** Frames kept in memory per box; older ones are dropped (the core keeps them all). */
export const MAX_KEPT = 5000;
const PAGE = 1000;
const BATCH_MS = 100;

export interface TraceItem {
  /** Arrival order in this view: a stable key for rows and the selection. */
  seq: number;
  frame: TraceFrame;
}

const keyOf = (f: TraceFrame) => `${f.at}|${f.direction}|${f.kind}|${f.messageId ?? ''}|${f.frame}`;

export function useTrace(identity: string) {
  const api = useConnection();
  const [items, setItems] = useState<TraceItem[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<WireError>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => api.onState((s) => s === 'connected' && setGeneration((g) => g + 1)), [api]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation reloads the history after a reconnect
  useEffect(() => {
    let live = true;
    let seq = 0;
    let historyDone = false;
    let queue: TraceFrame[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    setItems([]);
    setError(undefined);
    setLoading(true);

    const append = (frames: TraceFrame[]) => {
      if (frames.length === 0) return;
      const added = frames.map((frame) => ({ seq: ++seq, frame }));
      setItems((prev) => {
        const next = prev.concat(added);
        return next.length > MAX_KEPT ? next.slice(-MAX_KEPT) : next;
      });
    };
    const flush = () => {
      timer = undefined;
      const frames = queue;
      queue = [];
      append(frames);
    };
    const off = api.on('trace.frame', (frame) => {
      if (frame.identity !== identity) return;
      queue.push(frame);
      if (historyDone && !timer) timer = setTimeout(flush, BATCH_MS);
    });

    async function loadHistory(): Promise<TraceFrame[]> {
      // trace.list pages from the oldest frame on; the newest are at the end.
      let history: TraceFrame[] = [];
      let afterId = 0;
      for (;;) {
        const page = await api.call('trace.list', { identity, afterId, limit: PAGE });
        history = history.concat(page).slice(-MAX_KEPT);
        const last = page.at(-1)?.id;
        if (page.length < PAGE || last === undefined || !live) return history;
        afterId = last;
      }
    }

    loadHistory()
      .then((history) => {
        if (!live) return;
        const seen = new Set(history.map(keyOf));
        queue = history.concat(queue.filter((f) => !seen.has(keyOf(f))));
      })
      .catch((e: unknown) => live && setError(asWireError(e)))
      .finally(() => {
        if (!live) return;
        historyDone = true;
        flush();
        setLoading(false);
      });

    return () => {
      live = false;
      off();
      clearTimeout(timer);
    };
  }, [api, identity, generation]);

  return { items, loading, error };
}

/** JSON lines, one frame each, oldest first, the frame itself as JSON: what support attaches to a ticket. */
export function traceJsonLines(items: TraceItem[]): string {
  return items
    .map(({ frame }) => {
      let parsed: unknown = frame.frame;
      try {
        parsed = JSON.parse(frame.frame);
      } catch {
        // a malformed frame stays text
      }
      return JSON.stringify({ ...frame, frame: parsed });
    })
    .map((line) => `${line}\n`)
    .join('');
}
