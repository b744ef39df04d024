// A contactless card for vpcd (vsmartcard's virtual reader driver in pcscd), written here so tests and
// benchmarks tap cards on a real PC/SC stack: connecting to the slot's port is the tap, closing is removal.
//
// vpcd's wire: every message is a 2-byte big-endian length and its payload. A 1-byte payload is a
// control code (0 power off, 1 power on, 2 reset, 4 ATR request; only 4 is answered), anything longer is
// an APDU to answer. pcscd asks for the ATR on every presence poll (about every 400 ms), so a card that
// stops answering counts as removed. No node:test import: bench/ uses this module too.
//
// Run the cards in another thread (VirtualCardHost) whenever PC/SC is called from this one: pcscd talks
// to the card while it serves some client calls, and the binding makes some of them (disconnect, list)
// synchronously, so a card on the caller's own event loop can never answer and both sides hang.
import { connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** ATR of a MIFARE Classic 1K as a PC/SC part-3 contactless reader (ACR122U and others) reports it. */
export const MIFARE_CLASSIC_ATR = Uint8Array.from([
  0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x6a,
]);

const CTRL_OFF = 0;
const CTRL_ON = 1;
const CTRL_RESET = 2;
const CTRL_ATR = 4;

export type CardMisbehaviour =
  /** Answers GET DATA (UID) correctly. */
  | 'none'
  /** Leaves the reader while the UID is being read: the GET DATA APDU gets no answer, the link closes. */
  | 'vanish-on-get-data'
  /** Answers GET DATA with an error status word (default 6A 81, "function not supported"). */
  | 'error-status'
  /** Answers GET DATA correctly, but only after lateMs (a slow card, or one at the edge of the field). */
  | 'late-answer';

export interface VirtualCardOptions {
  /** The vpcd slot's TCP port on 127.0.0.1. */
  port: number;
  /** The UID the card reports to FF CA 00 00 00. */
  uid: Uint8Array;
  atr?: Uint8Array;
  misbehave?: CardMisbehaviour;
  /** The status word for 'error-status'. Default [0x6a, 0x81]. */
  errorStatus?: readonly [number, number];
  /** How late 'late-answer' answers. Default 2000 ms. */
  lateMs?: number;
  /** Bounded wait for the TCP connection. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Called as soon as GET DATA (UID) arrives, after it was answered (or not). */
  onGetData?: (record: GetDataRecord) => void;
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable between threads. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** One GET DATA (UID) APDU as the card saw it, and when it arrived (preciseNow()). */
export interface GetDataRecord {
  at: number;
  answered: boolean;
}

export class VirtualCard {
  readonly uid: Uint8Array;
  readonly atr: Uint8Array;
  readonly misbehave: CardMisbehaviour;
  /** preciseNow() when the TCP connection was made: the moment of the tap. */
  readonly tappedAt: number;
  /** Every APDU received (not control codes), in order. */
  readonly apdus: Uint8Array[] = [];
  readonly getData: GetDataRecord[] = [];
  /** Control codes received (0 off, 1 on, 2 reset, 4 ATR), in order. */
  readonly controls: number[] = [];
  readonly #socket: Socket;
  readonly #errorStatus: readonly [number, number];
  readonly #lateMs: number;
  readonly #onGetData: ((record: GetDataRecord) => void) | undefined;
  #buffer = Buffer.alloc(0);
  #powered = false;
  readonly #closed: Promise<void>;

  private constructor(socket: Socket, options: VirtualCardOptions, tappedAt: number) {
    this.#socket = socket;
    this.uid = Uint8Array.from(options.uid);
    this.atr = Uint8Array.from(options.atr ?? MIFARE_CLASSIC_ATR);
    this.misbehave = options.misbehave ?? 'none';
    this.#errorStatus = options.errorStatus ?? [0x6a, 0x81];
    this.#lateMs = options.lateMs ?? 2000;
    this.#onGetData = options.onGetData;
    this.tappedAt = tappedAt;
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    // A reset by pcscd (it went away) is a removal like any other: nothing to report here.
    socket.on('error', () => {});
  }

  /** Puts a card on the reader: connects to vpcd's slot on 127.0.0.1. */
  static tap(options: VirtualCardOptions): Promise<VirtualCard> {
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: options.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`vpcd on 127.0.0.1:${options.port} did not accept the card in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new VirtualCard(socket, options, preciseNow()));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get present(): boolean {
    return !this.#socket.destroyed;
  }

  get powered(): boolean {
    return this.#powered;
  }

  /** Takes the card off the reader; resolves when the connection is closed. */
  async remove(): Promise<void> {
    this.#socket.end();
    this.#socket.destroy();
    await this.#closed;
  }

  /** Resolves when the card is off the reader, whoever closed the link. */
  get removed(): Promise<void> {
    return this.#closed;
  }

  #data(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 2) {
      const length = this.#buffer.readUInt16BE(0);
      if (this.#buffer.length < 2 + length) return;
      const payload = this.#buffer.subarray(2, 2 + length);
      this.#buffer = this.#buffer.subarray(2 + length);
      if (length === 1) this.#control(payload[0] ?? -1);
      else if (length > 1) this.#apdu(Uint8Array.from(payload));
      if (this.#socket.destroyed) return;
    }
  }

  #control(code: number): void {
    this.controls.push(code);
    if (code === CTRL_ON || code === CTRL_RESET) this.#powered = true;
    else if (code === CTRL_OFF) this.#powered = false;
    else if (code === CTRL_ATR) this.#send(this.atr);
  }

  #apdu(apdu: Uint8Array): void {
    this.apdus.push(apdu);
    if (isGetUid(apdu)) {
      const record: GetDataRecord = { at: preciseNow(), answered: false };
      this.getData.push(record);
      if (this.misbehave === 'vanish-on-get-data') {
        this.#socket.destroy();
      } else if (this.misbehave === 'late-answer') {
        record.answered = true;
        const answer = Uint8Array.from([...this.uid, 0x90, 0x00]);
        setTimeout(() => {
          if (!this.#socket.destroyed) this.#send(answer);
        }, this.#lateMs);
      } else if (this.misbehave === 'error-status') {
        record.answered = true;
        this.#send(Uint8Array.from(this.#errorStatus));
      } else {
        record.answered = true;
        this.#send(Uint8Array.from([...this.uid, 0x90, 0x00]));
      }
      this.#onGetData?.({ ...record });
    } else {
      this.#send(Uint8Array.from([0x6d, 0x00])); // instruction not supported
    }
  }

  #send(payload: Uint8Array): void {
    const frame = Buffer.alloc(2 + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, 2);
    this.#socket.write(frame);
  }
}

/** PC/SC part 3 GET DATA for the UID: FF CA 00 00 with Le 00 (or Le absent). */
export function isGetUid(apdu: Uint8Array): boolean {
  return (
    apdu[0] === 0xff &&
    apdu[1] === 0xca &&
    apdu[2] === 0x00 &&
    apdu[3] === 0x00 &&
    (apdu.length === 4 || (apdu.length === 5 && apdu[4] === 0x00))
  );
}

// ---------------------------------------------------------------------------------------------------
// Cards on their own thread

type HostRequest =
  | { op: 'tap'; id: number; options: VirtualCardOptions }
  | { op: 'remove'; id: number }
  | { op: 'report'; id: number };

/** What the host thread tells about one card. */
type HostEvent =
  | { id: number; kind: 'tapped'; at: number }
  | { id: number; kind: 'tap-failed'; message: string }
  | { id: number; kind: 'get-data'; record: GetDataRecord }
  | { id: number; kind: 'removed' }
  | { id: number; kind: 'report'; report: CardReport };

/** What a card saw while it lay on the reader. */
export interface CardReport {
  apdus: number[][];
  controls: number[];
  getData: GetDataRecord[];
}

const HOST_FLAG = 'wbcVirtualCardHost';

/** A card on the host thread, as the test sees it. */
export class HostedCard {
  readonly id: number;
  readonly uid: Uint8Array;
  /** preciseNow() of the tap, taken on the host thread. */
  tappedAt = 0;
  readonly getData: GetDataRecord[] = [];
  readonly #host: VirtualCardHost;
  #present = true;
  readonly #waiters = new Set<() => void>();
  readonly removed: Promise<void>;
  #resolveRemoved: () => void = () => {};

  constructor(host: VirtualCardHost, id: number, uid: Uint8Array) {
    this.#host = host;
    this.id = id;
    this.uid = uid;
    this.removed = new Promise((resolve) => {
      this.#resolveRemoved = resolve;
    });
  }

  get present(): boolean {
    return this.#present;
  }

  /** Resolves once the UID has been asked for (answered or not) or the card left; true if answered. */
  uidRead(timeoutMs = 10_000): Promise<boolean> {
    return this.#until(() => this.getData.length > 0 || !this.#present, timeoutMs, 'the UID to be read').then(
      () => this.getData.some((record) => record.answered),
    );
  }

  /** Takes the card off the reader; resolves when the connection is closed. */
  async remove(): Promise<void> {
    if (this.#present) this.#host.send({ op: 'remove', id: this.id });
    await this.removed;
  }

  /** Everything the card received so far. */
  report(): Promise<CardReport> {
    return this.#host.request(this.id);
  }

  /** @internal */
  event(event: HostEvent): void {
    if (event.kind === 'get-data') this.getData.push(event.record);
    else if (event.kind === 'removed') {
      this.#present = false;
      this.#resolveRemoved();
    }
    for (const waiter of [...this.#waiters]) waiter();
  }

  #until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`virtual card ${this.id}: waited ${timeoutMs} ms for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }
}

/**
 * Virtual cards served from a worker thread, so this thread may block in PC/SC calls while pcscd talks
 * to the card. One host serves any number of cards on any vpcd ports; close() ends the thread.
 */
export class VirtualCardHost {
  readonly #worker: Worker;
  readonly #cards = new Map<number, HostedCard>();
  readonly #taps = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  readonly #reports = new Map<number, (report: CardReport) => void>();
  #nextId = 1;
  #closed = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (event: HostEvent) => this.#event(event));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', () => this.#fail(new Error('the virtual card thread ended')));
  }

  static async start(): Promise<VirtualCardHost> {
    // The worker loads this very file through tsx, which a worker does not inherit from --import.
    const tsx = import.meta.resolve('tsx/esm/api');
    const source = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const worker = new Worker(source, { eval: true, workerData: { [HOST_FLAG]: true } });
    await new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    });
    // 'online' comes before the module has loaded; a report round trip proves the listener is there.
    const host = new VirtualCardHost(worker);
    await host.request(0);
    return host;
  }

  /** Puts a card on the reader (connects to vpcd on 127.0.0.1:port); resolves once connected. */
  async tap(options: VirtualCardOptions): Promise<HostedCard> {
    if (this.#closed) throw new Error('the virtual card host is closed');
    const id = this.#nextId++;
    const card = new HostedCard(this, id, Uint8Array.from(options.uid));
    this.#cards.set(id, card);
    const tapped = new Promise<void>((resolve, reject) => this.#taps.set(id, { resolve, reject }));
    this.send({ op: 'tap', id, options: { ...options, uid: Uint8Array.from(options.uid) } });
    await tapped;
    return card;
  }

  /** One whole tap: on the reader, held until the UID was read (or the card vanished), taken off. */
  async tapAndRemove(options: VirtualCardOptions, holdTimeoutMs = 10_000): Promise<HostedCard> {
    const card = await this.tap(options);
    try {
      await card.uidRead(holdTimeoutMs);
    } finally {
      await card.remove();
    }
    return card;
  }

  /** Removes every card still on a reader and ends the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#cards.values()].map((card) => card.remove()));
    this.#closed = true;
    await this.#worker.terminate();
  }

  /** @internal */
  send(request: HostRequest): void {
    this.#worker.postMessage(request);
  }

  /** @internal */
  request(id: number): Promise<CardReport> {
    return new Promise((resolve) => {
      this.#reports.set(id, resolve);
      this.send({ op: 'report', id });
    });
  }

  #event(event: HostEvent): void {
    if (event.kind === 'report') {
      this.#reports.get(event.id)?.(event.report);
      this.#reports.delete(event.id);
      return;
    }
    const card = this.#cards.get(event.id);
    if (event.kind === 'tapped' && card) card.tappedAt = event.at;
    if (event.kind === 'tapped' || event.kind === 'tap-failed') {
      const waiter = this.#taps.get(event.id);
      this.#taps.delete(event.id);
      if (event.kind === 'tapped') waiter?.resolve();
      else {
        this.#cards.delete(event.id);
        waiter?.reject(new Error(event.message));
      }
      return;
    }
    card?.event(event);
    if (event.kind === 'removed') this.#cards.delete(event.id);
  }

  #fail(err: Error): void {
    for (const waiter of this.#taps.values()) waiter.reject(err);
    this.#taps.clear();
    for (const card of this.#cards.values()) card.event({ id: card.id, kind: 'removed' });
    this.#cards.clear();
  }
}

/** The host thread's side: plain VirtualCards, their events posted back. */
function serveCards(): void {
  const port = parentPort;
  if (!port) return;
  const cards = new Map<number, VirtualCard>();
  const post = (event: HostEvent) => port.postMessage(event);
  port.on('message', (request: HostRequest) => {
    if (request.op === 'tap') {
      VirtualCard.tap({
        ...request.options,
        onGetData: (record) => post({ id: request.id, kind: 'get-data', record }),
      })
        .then((card) => {
          cards.set(request.id, card);
          post({ id: request.id, kind: 'tapped', at: card.tappedAt });
          void card.removed.then(() => {
            cards.delete(request.id);
            post({ id: request.id, kind: 'removed' });
          });
        })
        .catch((err: Error) => post({ id: request.id, kind: 'tap-failed', message: err.message }));
    } else if (request.op === 'remove') {
      void cards.get(request.id)?.remove();
    } else {
      const card = cards.get(request.id);
      post({
        id: request.id,
        kind: 'report',
        report: {
          apdus: card?.apdus.map((apdu) => [...apdu]) ?? [],
          controls: [...(card?.controls ?? [])],
          getData: [...(card?.getData ?? [])],
        },
      });
    }
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[HOST_FLAG] === true) serveCards();
