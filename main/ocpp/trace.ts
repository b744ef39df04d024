// The OCPP trace: every frame in both directions, per box, timestamped, redacted before it is kept.
// Frames are buffered and written in one transaction every few milliseconds, so a busy car park does not wait on disk.

import type { Logger, LogLevel } from '../log/logger.ts';
import { redact, redactRawFrame } from '../log/redact.ts';
import type { Store } from '../store/database.ts';
import type { TraceWriter } from '../store/trace-writer.ts';
import { isoNow } from './iso-clock.ts';
import { type TracePlace, tracePlaces } from './trace-places.ts';
import type { TraceDirection, TraceFrame, TraceSide } from './types.ts';

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
  side: TraceSide | null;
}

/** How much trace is kept: per box, in total and by age. The oldest frames go first; the user is told
 *  by a `pruned` event in the trace (and the log). Overridden by the settings row `trace.limits` (JSON). */
export interface TraceLimits {
  maxTotalBytes: number;
  maxBoxBytes: number;
  maxAgeDays: number;
}

export const defaultTraceLimits: TraceLimits = {
  maxTotalBytes: 256 * 1024 * 1024,
  maxBoxBytes: 32 * 1024 * 1024,
  maxAgeDays: 90,
};

/**
 * A query on one box's frames or on all of them: `{box}` becomes `identity = ? AND` (answered by the
 * trace_identity index) or nothing. Two statements, as SQLite picks no index for `? IS NULL OR identity = ?`.
 */
function boxQuery(
  sql: string,
  identity: string | null,
  args: Array<string | number>,
): [string, Array<string | number>] {
  return identity === null
    ? [sql.replace('{box} ', ''), args]
    : [sql.replace('{box} ', 'identity = ? AND '), [identity, ...args]];
}

/** Message ids are at most 36 characters in OCPP-J, actions a few dozen: longer is a box's noise. */
function column(value: string | null, max: number): string | null {
  if (value === null) return null;
  const masked = redact(value);
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}

/** Reads what an OCPP-J frame is: [2,id,action,payload] call, [3,id,payload] result, [4,id,code,...] error. */
export function classify(raw: string): { kind: string; messageId: string | null; action: string | null } {
  const { value, ...kind } = parseFrame(raw);
  return kind;
}

/** What an OCPP-J frame is, with the value parsed on the way (null when the text is not JSON). */
export interface ParsedFrame {
  kind: string;
  messageId: string | null;
  action: string | null;
  value: unknown;
}

/** classify, with the value parsed on the way: a relay parses each frame once and hands it to frame(). */
export function parseFrame(raw: string): ParsedFrame {
  let value: unknown = null;
  try {
    value = JSON.parse(raw) as unknown;
    if (Array.isArray(value) && typeof value[1] === 'string') {
      if (value[0] === 2 && typeof value[2] === 'string')
        return { kind: 'call', messageId: value[1], action: value[2], value };
      if (value[0] === 3) return { kind: 'result', messageId: value[1], action: null, value };
      if (value[0] === 4) return { kind: 'error', messageId: value[1], action: null, value };
    }
  } catch {
    // not JSON: falls through
  }
  return { kind: 'malformed', messageId: null, action: null, value };
}

/**
 * parseFrame for a call the tool sends itself: ocpp-rpc hands over the [2,id,action,params] array it then
 * serialises to raw, so the 15 KB of a card list is not parsed back. Undefined (parse instead) unless raw
 * is that array's text, as far as its head shows.
 */
export function parsedSent(raw: string, sent: readonly unknown[]): ParsedFrame | undefined {
  const [type, messageId, action] = sent;
  if (type !== 2 || typeof messageId !== 'string' || typeof action !== 'string' || sent.length !== 4)
    return undefined;
  if (!startsAsCall(raw, messageId, action)) return undefined;
  return { kind: 'call', messageId, action, value: sent };
}

/** Text JSON.stringify may not write as it is between quotes: anything but printable ASCII (control
 *  characters, surrogate halves), '"' and '\\'. Such ids and actions take the longer way below. */
const escapedInJson = /[^\x20-\x7e]|["\\]/;

/** Whether raw begins `[2,"<messageId>","<action>",` as JSON.stringify writes it: compared in place for
 *  the plain ids and actions of every call, without writing the head again per frame. */
function startsAsCall(raw: string, messageId: string, action: string): boolean {
  if (escapedInJson.test(messageId) || escapedInJson.test(action))
    return raw.startsWith(`[2,${JSON.stringify(messageId)},${JSON.stringify(action)},`);
  const actionAt = 4 + messageId.length + 3;
  return (
    raw.startsWith('[2,"') &&
    raw.startsWith(messageId, 4) &&
    raw.startsWith('","', actionAt - 3) &&
    raw.startsWith(action, actionAt) &&
    raw.startsWith('",', actionAt + action.length)
  );
}

/** Frames kept exactly as they came (nothing redacted), with the value the recorder parsed from them. */
const parsedFrames = new WeakMap<TraceFrame, unknown>();

/**
 * A frame's text as a value (null when it is not JSON): parsed once by the recorder and shared with those
 * who listen (the live view reads every frame of every box), instead of parsing a 250-card list again.
 * The value is shared: read it, never change it.
 */
export function frameValue(frame: TraceFrame): unknown {
  if (parsedFrames.has(frame)) return parsedFrames.get(frame);
  try {
    return JSON.parse(frame.frame) as unknown;
  } catch {
    return null;
  }
}

export class TraceRecorder {
  readonly #store: Store;
  #buffer: TraceFrame[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Call actions by message id, so a result can be labelled with the action it answers. */
  readonly #pending = new Map<string, string>();
  readonly #listeners = new Set<(frame: TraceFrame) => void>();
  readonly #limits: Partial<TraceLimits>;
  readonly #log: Logger | undefined;
  /** Bytes written per box (and in total) since the last look at the bounds. */
  #written = new Map<string, number>();
  #writtenTotal = 0;
  #agedAt = 0;
  /** Whether the log was told that the trace shares the store's connection. */
  #toldShared = false;

  constructor(
    store: Store,
    options: { limits?: Partial<TraceLimits> | undefined; log?: Logger | undefined } = {},
  ) {
    this.#store = store;
    this.#limits = options.limits ?? {};
    this.#log = options.log;
  }

  /** The bounds in force: the settings row `trace.limits` over the options over the defaults. */
  limits(): TraceLimits {
    let stored: Partial<TraceLimits> = {};
    try {
      const row = this.#store.stmt("SELECT value FROM settings WHERE key = 'trace.limits'").get() as
        | { value: string }
        | undefined;
      if (row) stored = JSON.parse(row.value) as Partial<TraceLimits>;
    } catch {
      stored = {};
    }
    const pick = (key: keyof TraceLimits) => {
      const value = stored[key] ?? this.#limits[key];
      return typeof value === 'number' && Number.isFinite(value) && value > 0
        ? value
        : defaultTraceLimits[key];
    };
    return {
      maxTotalBytes: pick('maxTotalBytes'),
      maxBoxBytes: pick('maxBoxBytes'),
      maxAgeDays: pick('maxAgeDays'),
    };
  }

  /** One frame; `side` marks who sent it when the tool relays (proxy mode); `parsed` is parseFrame(raw)
   *  when the caller has it already (the relay reads every frame it passes on). */
  frame(
    identity: string,
    direction: 'in' | 'out',
    raw: string,
    side?: TraceSide,
    parsed?: ParsedFrame,
  ): TraceFrame {
    const { kind, messageId, action, value } = parsed ?? parseFrame(raw);
    const key = `${identity}\u0000${messageId}`;
    let label = action;
    if (kind === 'call' && messageId && action) this.#pending.set(key, action);
    else if ((kind === 'result' || kind === 'error') && messageId) {
      label = this.#pending.get(key) ?? null;
      this.#pending.delete(key);
    }
    const kept = redactRawFrame(raw, value);
    const frame: TraceFrame = {
      at: isoNow(),
      identity,
      direction,
      kind,
      action: column(label, 64),
      messageId: column(messageId, 64),
      frame: kept,
    };
    if (side !== undefined) frame.side = side;
    // A redacted frame is read from what is kept (the masks), never from the secret-bearing original.
    if (kept === raw) parsedFrames.set(frame, value);
    return this.#push(frame);
  }

  event(identity: string, kind: string, details: Record<string, unknown> = {}, side?: TraceSide): TraceFrame {
    return this.#push({
      at: new Date().toISOString(),
      identity,
      direction: 'event',
      kind,
      action: null,
      messageId: null,
      frame: redactRawFrame(JSON.stringify(details)),
      ...(side === undefined ? {} : { side }),
    });
  }

  /** A frame that is not OCPP (a serial terminal's line): its kind and details, masked again here. */
  record(
    identity: string,
    direction: 'in' | 'out',
    kind: string,
    details: Record<string, unknown>,
  ): TraceFrame {
    return this.#push({
      at: new Date().toISOString(),
      identity,
      direction,
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

  /** Writes what is buffered now and puts the frames stored before on disk: called before anything reads
   *  the trace and at close. Frames that could not be written stay buffered (the error is thrown). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#store.db.open) return;
    if (this.#buffer.length > 0) {
      const frames = this.#buffer;
      this.#buffer = [];
      try {
        this.#writer().append(frames);
      } catch (error) {
        this.#buffer = frames.concat(this.#buffer);
        throw error;
      }
      this.#stored(frames);
    }
    // Frames of the last second may be committed without their disk flush (#flushSoon): on disk first.
    this.#store.sync();
  }

  /** On the timer: the buffered frames in one commit on the trace's own connection, which does not wait
   *  for the disk (a 10,000-card push writes 600 KB of trace): they reach it within a second
   *  (store/trace-writer.ts). Another process writing the file makes them wait for the next try. */
  #flushSoon(): void {
    this.#timer = undefined;
    if (this.#buffer.length === 0 || !this.#store.db.open) return;
    const frames = this.#buffer;
    this.#buffer = [];
    try {
      this.#writer().append(frames, { wait: false });
    } catch (error) {
      // Not stored (another process writing the file, a full disk): kept, in order, for the next try.
      this.#buffer = frames.concat(this.#buffer);
      this.#timer ??= setTimeout(() => this.#flushSoon(), 1000);
      this.#logLine('error', 'trace frames not stored yet', { error, frames: frames.length });
      return;
    }
    this.#stored(frames);
  }

  /** The store's trace writer; says once in the log when it shares the store's connection. */
  #writer(): TraceWriter {
    const writer = this.#store.trace();
    if (writer.shared && !this.#toldShared) {
      this.#toldShared = true;
      this.#logLine('warn', 'trace written on the store connection: its own could not be opened', {});
    }
    return writer;
  }

  #stored(frames: TraceFrame[]): void {
    if (frames.length === 0) return;
    for (const f of frames) {
      const bytes = Buffer.byteLength(f.frame);
      this.#written.set(f.identity, (this.#written.get(f.identity) ?? 0) + bytes);
      this.#writtenTotal += bytes;
    }
    this.#bound();
  }

  /** Keeps the trace within its limits, oldest frames first; each cut is itself a `pruned` event. Sizes are
   *  the frames' UTF-8 bytes, octet_length: SQLite reads them from the row headers, without reading the
   *  15 KB of a card list part back (length(CAST(frame AS BLOB)) read every frame, 15x slower). */
  #bound(): void {
    const limits = this.limits();
    const db = this.#store.db;
    // One box's rows through the identity index; the whole trace without a condition (boxQuery).
    const cut = (identity: string | null, keepBytes: number): number => {
      const [cutQuery, cutArgs] = boxQuery(
        `SELECT id FROM (SELECT id, SUM(octet_length(frame)) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS kept
           FROM trace_frames WHERE {box} TRUE) WHERE kept > ? ORDER BY id DESC LIMIT 1`,
        identity,
        [keepBytes],
      );
      const cutoff = db.prepare(cutQuery).get(...cutArgs) as { id: number } | undefined;
      if (!cutoff) return 0;
      const [deleteQuery, deleteArgs] = boxQuery('DELETE FROM trace_frames WHERE {box} id <= ?', identity, [
        cutoff.id,
      ]);
      return this.#store.write(() => db.prepare(deleteQuery).run(...deleteArgs).changes);
    };
    const size = (identity: string | null) => {
      const [query, args] = boxQuery(
        'SELECT COALESCE(SUM(octet_length(frame)), 0) AS n FROM trace_frames WHERE {box} TRUE',
        identity,
        [],
      );
      return (db.prepare(query).get(...args) as { n: number }).n;
    };
    // Thousands of strangers each writing a little: their counts start afresh (the total still holds).
    if (this.#written.size > 5000) this.#written.clear();
    // Looked at when a box wrote a tenth of its bound since the last look (a sum over its own rows).
    for (const [identity, bytes] of this.#written) {
      if (bytes < limits.maxBoxBytes / 10) continue;
      this.#written.delete(identity);
      if (size(identity) > limits.maxBoxBytes) {
        const frames = cut(identity, Math.floor(limits.maxBoxBytes * 0.9));
        if (frames > 0) this.#pruned(identity, frames, 'box', limits);
      }
    }
    if (this.#writtenTotal >= limits.maxTotalBytes / 20) {
      this.#writtenTotal = 0;
      if (size(null) > limits.maxTotalBytes) {
        const frames = cut(null, Math.floor(limits.maxTotalBytes * 0.9));
        if (frames > 0) this.#pruned('(trace)', frames, 'total', limits);
      }
    }
    const nowMs = Date.now();
    if (nowMs - this.#agedAt > 60_000) {
      this.#agedAt = nowMs;
      const before = new Date(nowMs - limits.maxAgeDays * 86_400_000).toISOString();
      const frames = this.#store.write(
        () => db.prepare('DELETE FROM trace_frames WHERE at < ?').run(before).changes,
      );
      if (frames > 0) this.#pruned('(trace)', frames, 'age', limits);
    }
  }

  /** A log line that can never throw into a socket handler (a full disk, a data folder gone). */
  #logLine(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    try {
      this.#log?.log(level, message, fields);
    } catch {
      // the trace still has it
    }
  }

  #pruned(identity: string, frames: number, reason: 'box' | 'total' | 'age', limits: TraceLimits): void {
    this.#logLine('info', 'trace pruned to stay within its bounds', { identity, frames, reason, ...limits });
    this.event(identity, 'pruned', { frames, reason, ...limits });
  }

  /**
   * The tool's calls of `action` to the box since `since` (ISO time) as the trace saw them leave: how many,
   * when the last went out, and the status the box answered that one with (null: no answer came, or none
   * was kept). null when none went out: what a run that lost sight of its box (the box gone, the tool
   * restarted) knows for certain.
   */
  sentCalls(
    identity: string,
    action: string,
    since: string,
  ): { count: number; at: string; status: string | null } | null {
    this.flush();
    const calls = this.#store
      .stmt(
        "SELECT at, message_id FROM trace_frames WHERE identity = ? AND direction = 'out' AND kind = 'call' AND action = ? AND at >= ? ORDER BY id DESC",
      )
      .all(identity, action, since) as Array<{ at: string; message_id: string | null }>;
    const last = calls[0];
    if (!last) return null;
    const answer = this.#store
      .stmt(
        "SELECT frame FROM trace_frames WHERE identity = ? AND direction = 'in' AND kind = 'result' AND message_id = ? ORDER BY id DESC LIMIT 1",
      )
      .get(identity, last.message_id) as { frame: string } | undefined;
    const payload = answer ? (parseFrame(answer.frame).value as unknown[] | null)?.[2] : undefined;
    const status = (payload as { status?: unknown } | undefined)?.status;
    return { count: calls.length, at: last.at, status: typeof status === 'string' ? status : null };
  }

  list(query: { identity?: string | undefined; afterId?: number | undefined; limit: number }): TraceFrame[] {
    this.flush();
    const [sql, args] = boxQuery(
      'SELECT * FROM trace_frames WHERE {box} id > ? ORDER BY id LIMIT ?',
      query.identity ?? null,
      [query.afterId ?? 0, query.limit],
    );
    const rows = this.#store.stmt(sql).all(...args) as FrameRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      identity: r.identity,
      direction: r.direction,
      kind: r.kind,
      action: r.action,
      messageId: r.message_id,
      frame: r.frame,
      ...(r.side === null ? {} : { side: r.side }),
    }));
  }

  /** The serial ports and Modbus targets in the trace (not boxes), newest first. */
  places(): TracePlace[] {
    this.flush();
    return tracePlaces(this.#store);
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
    if (!this.#timer) this.#timer = setTimeout(() => this.#flushSoon(), 25);
    for (const listener of this.#listeners) listener(frame);
    return frame;
  }
}
