// Every card reader of every kind in one list that follows hot-plug: the readers the user picked are
// opened (several at once), reopened when they come back, and a failing kind never hides the others.
import type { ReadersSnapshot, ReaderView } from '../api/types.ts';
import type { CardEvent, ReaderError, RfidReader } from './reader.ts';
import { isReaderFailure } from './reader.ts';
import type { ReaderInfo, ReaderSource } from './reader-source.ts';

export interface ReaderManagerOptions {
  sources: ReaderSource[];
  /** How often the sources are asked what is plugged in. Default 1000 ms. */
  scanMs?: number;
  /** A picked reader that failed to open is tried again after this long (at once when it is replugged). */
  retryMs?: number;
  /** A source that has not answered within this long counts as failed for this scan. Default 5000 ms. */
  scanTimeoutMs?: number;
}

interface ManagerEventMap {
  /** The list or a reader's state changed. */
  changed: ReadersSnapshot;
  /** A card on an open, picked reader. */
  card: CardEvent;
  /** A reader's fault that is not the end of the reader (a bad line, a half reading). */
  fault: ReaderError;
}

type Listener<K extends keyof ManagerEventMap> = (value: ManagerEventMap[K]) => void;

interface Entry {
  info: ReaderInfo;
  source: ReaderSource;
  present: boolean;
  reader?: RfidReader | undefined;
  offs: Array<() => void>;
  state: 'available' | 'opening' | 'open' | 'error';
  error?: ReaderError | undefined;
  failedAt: number;
}

/** How a kind of reader is named in a message; the same in every language. */
export const kindNames: Record<ReaderSource['kind'], string> = {
  pcsc: 'PC/SC',
  hid: 'USB HID',
  serial: 'USB serial',
  wedge: 'keyboard',
};

/** Faults that opening again will not cure: the reader needs another mode or another platform. */
const lasting = new Set<string>(['READER_HID_NOT_SUPPORTED', 'READER_KEYBOARD_WINDOWS']);

function fault(error: unknown, entry: Entry): ReaderError {
  if (isReaderFailure(error)) return error.fault;
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'READER_OPEN_FAILED', reader: entry.info.id, params: { path: entry.info.label, detail } };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export class ReaderManager {
  readonly #sources: ReaderSource[];
  readonly #scanMs: number;
  readonly #retryMs: number;
  readonly #scanTimeoutMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #picked = new Set<string>();
  readonly #listeners: { [K in keyof ManagerEventMap]: Set<Listener<K>> } = {
    changed: new Set(),
    card: new Set(),
    fault: new Set(),
  };
  #problems: ReadersSnapshot['problems'] = [];
  #scanning: Promise<void> | undefined;
  #scanned = false;
  #timer: NodeJS.Timeout | undefined;
  #watching = false;
  #closed = false;
  #lastSignature = '';

  constructor(options: ReaderManagerOptions) {
    this.#sources = options.sources;
    this.#scanMs = options.scanMs ?? 1000;
    this.#retryMs = options.retryMs ?? 5000;
    this.#scanTimeoutMs = options.scanTimeoutMs ?? 5000;
  }

  on<K extends keyof ManagerEventMap>(event: K, listener: Listener<K>): () => void {
    (this.#listeners[event] as Set<Listener<K>>).add(listener);
    return () => (this.#listeners[event] as Set<Listener<K>>).delete(listener);
  }

  /** The source of one kind, for settings only it has (a serial port's baud rate). */
  source<S extends ReaderSource>(kind: ReaderSource['kind']): S | undefined {
    return this.#sources.find((s) => s.kind === kind) as S | undefined;
  }

  /** Starts following hot-plug: a scan now, then one every scanMs until close(). */
  watch(): void {
    if (this.#watching || this.#closed) return;
    this.#watching = true;
    const tick = () => {
      void this.scan().finally(() => {
        if (!this.#closed) {
          this.#timer = setTimeout(tick, this.#scanMs);
          this.#timer.unref();
        }
      });
    };
    tick();
  }

  /** The list as of the last scan; scans first if there has been none. */
  async list(): Promise<ReadersSnapshot> {
    if (!this.#scanned) await this.scan();
    return this.snapshot();
  }

  snapshot(): ReadersSnapshot {
    const readers: ReaderView[] = [...this.#entries.values()]
      .map((e) => this.#view(e))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
    return { readers, problems: this.#problems.map((p) => ({ ...p, params: { ...p.params } })) };
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** One scan of every source; scans asked for while one runs share it. */
  scan(): Promise<void> {
    this.#scanning ??= this.#scanOnce().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  /**
   * Opens exactly these readers (closing the ones picked before and not now) and resolves once each has
   * opened or failed. Unknown ids are refused by the caller with has(); here they wait for a scan.
   */
  async pick(ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids);
    const dropped = [...this.#picked].filter((id) => !wanted.has(id));
    this.#picked.clear();
    for (const id of wanted) this.#picked.add(id);
    const closing = dropped.map((id) => this.#closeEntry(id));
    const opening = [...wanted].map((id) => {
      const entry = this.#entries.get(id);
      if (!entry || entry.state === 'open' || entry.state === 'opening') return Promise.resolve();
      entry.failedAt = 0;
      return this.#open(entry);
    });
    await Promise.all([...closing, ...opening]);
    this.#changed();
  }

  get picked(): string[] {
    return [...this.#picked];
  }

  /** Reopens a reader whose settings changed (a serial port's baud rate), if it is open. */
  async reopen(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry?.state !== 'open') return;
    await this.#closeEntry(id);
    if (this.#picked.has(id)) await this.#open(entry);
    this.#changed();
  }

  /** Stops scanning, closes every open reader and the sources. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#scanning?.catch(() => {});
    this.#picked.clear();
    await Promise.all([...this.#entries.keys()].map((id) => this.#closeEntry(id)));
    await Promise.all(this.#sources.map((s) => s.close().catch(() => {})));
    for (const set of Object.values(this.#listeners)) set.clear();
  }

  async #scanOnce(): Promise<void> {
    if (this.#closed) return;
    const results = await Promise.all(
      this.#sources.map(async (source) => {
        try {
          return { source, scan: await withTimeout(source.scan(), this.#scanTimeoutMs) };
        } catch (error) {
          // A source that throws or hangs breaks its contract; the others are listed all the same.
          const detail = error instanceof Error ? error.message : String(error);
          const kind = kindNames[source.kind];
          const problem: ReaderError = { code: 'READER_SCAN_FAILED', reader: '', params: { kind, detail } };
          return { source, scan: undefined, problem };
        }
      }),
    );
    if (this.#closed) return;
    this.#scanned = true;
    const problems: ReadersSnapshot['problems'] = [];
    const seen = new Set<string>();
    const failedSources = new Set<ReaderSource>();
    const reopen: Entry[] = [];
    for (const result of results) {
      const problem = result.scan?.problem ?? result.problem;
      if (problem) problems.push({ kind: result.source.kind, code: problem.code, params: problem.params });
      if (!result.scan) {
        failedSources.add(result.source);
        continue;
      }
      for (const info of result.scan.readers) {
        seen.add(info.id);
        const entry = this.#entries.get(info.id);
        if (!entry) {
          this.#entries.set(info.id, this.#entry(info, result.source));
          continue;
        }
        const back = !entry.present;
        entry.info = info;
        entry.source = result.source;
        entry.present = true;
        if (back && this.#picked.has(info.id) && entry.state === 'error') {
          entry.failedAt = 0; // plugged in again: try at once
          reopen.push(entry);
        }
      }
    }
    const now = Date.now();
    for (const [id, entry] of this.#entries) {
      if (failedSources.has(entry.source)) continue; // no news is not "unplugged"
      if (!seen.has(id)) {
        entry.present = false;
        if (!this.#picked.has(id)) {
          await this.#closeEntry(id);
          this.#entries.delete(id);
        } else if (entry.state !== 'error') {
          await this.#closeEntry(id);
          entry.state = 'error';
          entry.error = {
            code: 'READER_UNPLUGGED',
            reader: id,
            params: { path: entry.info.label, detail: '' },
          };
          entry.failedAt = now;
        }
        continue;
      }
      const due =
        entry.state === 'error' &&
        !lasting.has(entry.error?.code ?? '') &&
        now - entry.failedAt >= this.#retryMs;
      if (this.#picked.has(id) && (entry.state === 'available' || due) && !reopen.includes(entry))
        reopen.push(entry);
    }
    this.#problems = problems;
    await Promise.all(reopen.map((entry) => this.#open(entry)));
    this.#changed();
  }

  #entry(info: ReaderInfo, source: ReaderSource): Entry {
    return {
      info,
      source,
      present: true,
      offs: [],
      state: info.fault ? 'error' : 'available',
      error: info.fault,
      failedAt: 0,
    };
  }

  async #open(entry: Entry): Promise<void> {
    if (this.#closed || !entry.present) return;
    if (entry.info.fault) {
      entry.state = 'error';
      entry.error = entry.info.fault;
      return;
    }
    entry.state = 'opening';
    entry.error = undefined;
    const reader = entry.source.create(entry.info);
    entry.reader = reader;
    const id = entry.info.id;
    entry.offs = [
      reader.on('card', (event) => this.#emit('card', { ...event, reader: id })),
      reader.on('error', (error) => {
        if (entry.state === 'open') this.#emit('fault', { ...error, reader: id });
      }),
      reader.on('gone', (error) => {
        if (entry.reader !== reader) return;
        this.#detach(entry);
        entry.state = 'error';
        entry.error = { ...error, reader: id };
        entry.failedAt = Date.now();
        this.#changed();
      }),
    ];
    try {
      await reader.open();
    } catch (error) {
      if (entry.reader !== reader) return;
      this.#detach(entry);
      entry.state = 'error';
      entry.error = { ...fault(error, entry), reader: id };
      entry.failedAt = Date.now();
      return;
    }
    if (entry.reader !== reader) return; // closed while opening
    if (!this.#picked.has(id) || this.#closed) {
      this.#detach(entry);
      await reader.close().catch(() => {});
      entry.state = 'available';
      return;
    }
    entry.state = 'open';
  }

  async #closeEntry(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const reader = entry.reader;
    this.#detach(entry);
    if (entry.info.fault) entry.state = 'error';
    else if (entry.state !== 'error' || !this.#picked.has(id)) {
      entry.state = 'available';
      entry.error = entry.info.fault;
    }
    if (reader) await reader.close().catch(() => {});
  }

  #detach(entry: Entry): void {
    for (const off of entry.offs) off();
    entry.offs = [];
    entry.reader = undefined;
  }

  #view(entry: Entry): ReaderView {
    const state = entry.state === 'opening' ? 'available' : entry.state;
    const view: ReaderView = { id: entry.info.id, kind: entry.info.kind, label: entry.info.label, state };
    if (state === 'error' && entry.error)
      view.error = { code: entry.error.code, params: { ...entry.error.params } };
    if (entry.info.unverified) view.unverified = true;
    return view;
  }

  #changed(): void {
    const snapshot = this.snapshot();
    const signature = JSON.stringify(snapshot);
    if (signature === this.#lastSignature) return;
    this.#lastSignature = signature;
    this.#emit('changed', snapshot);
  }

  #emit<K extends keyof ManagerEventMap>(event: K, value: ManagerEventMap[K]): void {
    for (const listener of [...(this.#listeners[event] as Set<Listener<K>>)]) {
      try {
        listener(value);
      } catch {
        // One listener's failure must not keep the event from the others.
      }
    }
  }
}
