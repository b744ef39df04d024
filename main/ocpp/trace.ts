// The OCPP trace: every frame in both directions, per box, timestamped, redacted before it is kept.
// Frames are buffered and written in one transaction every few milliseconds, so a busy car park does not wait on disk.

import { redactRawFrame } from '../log/redact.ts';
import type { Store } from '../store/database.ts';
import type { TraceDirection, TraceFrame } from './types.ts';

export type { TraceFrame } from './types.ts';

interface FrameRow {
  id: number;
  at: string;
  identity: string;
  direction: TraceDirection;
  kind: string;
  action: string | null;
  message_id: string | null;
  frame: string;
}

/** Reads what an OCPP-J frame is: [2,id,action,payload] call, [3,id,payload] result, [4,id,code,...] error. */
export function classify(raw: string): { kind: string; messageId: string | null; action: string | null } {
  try {
    const value = JSON.parse(raw) as unknown;
    if (Array.isArray(value) && typeof value[1] === 'string') {
      if (value[0] === 2 && typeof value[2] === 'string')
        return { kind: 'call', messageId: value[1], action: value[2] };
      if (value[0] === 3) return { kind: 'result', messageId: value[1], action: null };
      if (value[0] === 4) return { kind: 'error', messageId: value[1], action: null };
    }
  } catch {
    // not JSON: falls through
  }
  return { kind: 'malformed', messageId: null, action: null };
}

export class TraceRecorder {
  readonly #store: Store;
  #buffer: TraceFrame[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Call actions by message id, so a result can be labelled with the action it answers. */
  readonly #pending = new Map<string, string>();
  readonly #listeners = new Set<(frame: TraceFrame) => void>();

  constructor(store: Store) {
    this.#store = store;
  }

  frame(identity: string, direction: 'in' | 'out', raw: string): TraceFrame {
    const { kind, messageId, action } = classify(raw);
    const key = `${identity}\u0000${messageId}`;
    let label = action;
    if (kind === 'call' && messageId && action) this.#pending.set(key, action);
    else if ((kind === 'result' || kind === 'error') && messageId) {
      label = this.#pending.get(key) ?? null;
      this.#pending.delete(key);
    }
    return this.#push({
      at: new Date().toISOString(),
      identity,
      direction,
      kind,
      action: label,
      messageId,
      frame: redactRawFrame(raw),
    });
  }

  event(identity: string, kind: string, details: Record<string, unknown> = {}): TraceFrame {
    return this.#push({
      at: new Date().toISOString(),
      identity,
      direction: 'event',
      kind,
      action: null,
      messageId: null,
      frame: redactRawFrame(JSON.stringify(details)),
    });
  }

  subscribe(listener: (frame: TraceFrame) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Writes what is buffered now; called on a timer and before anything reads the trace. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0 || !this.#store.db.open) return;
    const frames = this.#buffer;
    this.#buffer = [];
    const insert = this.#store.db.prepare(
      'INSERT INTO trace_frames (at, identity, direction, kind, action, message_id, frame) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#store.write(() => {
      for (const f of frames)
        insert.run(f.at, f.identity, f.direction, f.kind, f.action, f.messageId, f.frame);
    });
  }

  list(query: { identity?: string | undefined; afterId?: number | undefined; limit: number }): TraceFrame[] {
    this.flush();
    const rows = this.#store.db
      .prepare(`SELECT * FROM trace_frames WHERE (? IS NULL OR identity = ?) AND id > ? ORDER BY id LIMIT ?`)
      .all(query.identity ?? null, query.identity ?? null, query.afterId ?? 0, query.limit) as FrameRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      identity: r.identity,
      direction: r.direction,
      kind: r.kind,
      action: r.action,
      messageId: r.message_id,
      frame: r.frame,
    }));
  }

  /** JSON lines, one frame each, oldest first: what support attaches to a ticket. */
  *exportJsonLines(identity?: string): Generator<string> {
    let afterId = 0;
    for (;;) {
      const page = this.list({ identity, afterId, limit: 1000 });
      if (page.length === 0) return;
      for (const f of page) {
        yield JSON.stringify({ ...f, frame: JSON.parse(f.frame) as unknown });
        afterId = f.id ?? afterId;
      }
    }
  }

  close(): void {
    this.flush();
  }

  #push(frame: TraceFrame): TraceFrame {
    this.#buffer.push(frame);
    if (!this.#timer) this.#timer = setTimeout(() => this.flush(), 25);
    for (const listener of this.#listeners) listener(frame);
    return frame;
  }
}
