// Talks RAPI over any byte line: one command at a time, each with its own sequence id, answered within a
// timeout (retried on silence or a garbled answer), and unsolicited $AT / $AB frames handed to listeners.
import { AppError } from '../../api/errors.ts';
import type { ByteLine } from '../serial/serial-line.ts';
import { encodeRapi, parseRapiLine, type RapiFrame } from './rapi-frame.ts';

export interface RapiAnswer {
  ok: boolean;
  args: string[];
}

export interface RapiRequestOptions {
  timeoutMs?: number;
  /** Further attempts after a timeout or a garbled answer (not after $NK, which is an answer). */
  retries?: number;
}

export interface RapiClientOptions {
  timeoutMs?: number;
  retries?: number;
  /** Every frame in and out as text, for the trace (the caller masks what it must). */
  onTrace?: (direction: 'in' | 'out', text: string) => void;
}

interface Pending {
  command: string;
  sequence: number;
  resolve: (answer: RapiAnswer) => void;
  /** A garbled answer arrived: resend now instead of waiting for the timeout. */
  garbled: () => void;
  /** $NK without a sequence id. */
  bareNk: () => void;
}

const MAX_LINE = 256;

export class RapiClient {
  readonly #line: ByteLine;
  readonly #options: Required<Omit<RapiClientOptions, 'onTrace'>> & Pick<RapiClientOptions, 'onTrace'>;
  readonly #async = new Set<(frame: RapiFrame) => void>();
  readonly #unsubscribe: Array<() => void> = [];
  #buffer = '';
  #sequence = 0;
  #pending: Pending | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #gone: AppError | null = null;
  #goneWaiters = new Set<(error: AppError) => void>();
  /** Counters for the trace and tests: line noise dropped, frames with a wrong checksum, stale answers. */
  readonly stats = { noise: 0, badChecksum: 0, stale: 0, retries: 0 };

  constructor(line: ByteLine, options: RapiClientOptions = {}) {
    this.#line = line;
    this.#options = {
      timeoutMs: options.timeoutMs ?? 1000,
      retries: options.retries ?? 2,
      onTrace: options.onTrace,
    };
    this.#unsubscribe.push(line.onData((chunk) => this.#receive(chunk)));
    this.#unsubscribe.push(
      line.onGone((error) => {
        this.#gone = error;
        for (const waiter of this.#goneWaiters) waiter(error);
      }),
    );
  }

  get address(): string {
    return this.#line.address;
  }

  /** Unsolicited frames ($AT state change, $AB boot, $AN button, $WF wifi mode). */
  onAsync(listener: (frame: RapiFrame) => void): () => void {
    this.#async.add(listener);
    return () => this.#async.delete(listener);
  }

  /** Sends `$command args` and resolves with the box's $OK / $NK answer; one command at a time. */
  request(
    command: string,
    args: readonly string[] = [],
    options: RapiRequestOptions = {},
  ): Promise<RapiAnswer> {
    const run = () => this.#send(command, args, options);
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** As request(), but $NK becomes RAPI_NK. */
  async ok(
    command: string,
    args: readonly string[] = [],
    options: RapiRequestOptions = {},
  ): Promise<string[]> {
    const answer = await this.request(command, args, options);
    if (!answer.ok)
      throw new AppError('RAPI_NK', { command: `$${command}${args.length ? ` ${args.join(' ')}` : ''}` });
    return answer.args;
  }

  close(): void {
    for (const off of this.#unsubscribe) off();
  }

  #nextSequence(): number {
    this.#sequence = (this.#sequence % 0xfe) + 1;
    return this.#sequence;
  }

  async #send(command: string, args: readonly string[], options: RapiRequestOptions): Promise<RapiAnswer> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const retries = options.retries ?? this.#options.retries;
    for (let attempt = 0; ; attempt++) {
      if (this.#gone) throw this.#gone;
      const sequence = this.#nextSequence();
      const text = encodeRapi(command, args, sequence);
      const outcome = await new Promise<RapiAnswer | 'retry' | 'bare-nk' | AppError>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (value: RapiAnswer | 'retry' | 'bare-nk' | AppError) => {
          if (timer) clearTimeout(timer);
          this.#goneWaiters.delete(onGone);
          if (this.#pending?.sequence === sequence) this.#pending = null;
          resolve(value);
        };
        const onGone = (error: AppError) => finish(error);
        this.#goneWaiters.add(onGone);
        this.#pending = {
          command,
          sequence,
          resolve: (answer) => finish(answer),
          garbled: () => finish('retry'),
          bareNk: () => finish('bare-nk'),
        };
        this.#options.onTrace?.('out', text.trimEnd());
        // Not drained: the answer's timeout covers the bytes still in the adapter; a pulled cable ends it anyway.
        this.#line.write(Buffer.from(text, 'latin1'), { drain: false }).then(
          () => {
            timer = setTimeout(() => finish('retry'), timeoutMs);
          },
          (error: unknown) =>
            finish(
              error instanceof AppError ? error : new AppError('SERIAL_PORT_GONE', { path: this.address }),
            ),
        );
      });
      if (outcome instanceof AppError) throw outcome;
      if (outcome !== 'retry' && outcome !== 'bare-nk') return outcome;
      if (attempt >= retries) {
        if (outcome === 'bare-nk') return { ok: false, args: [] };
        throw new AppError('DRIVER_NO_ANSWER', { driver: 'openevse-rapi', address: this.address, timeoutMs });
      }
      this.stats.retries++;
    }
  }

  #receive(chunk: Buffer): void {
    this.#buffer += chunk.toString('latin1');
    for (;;) {
      const end = this.#buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      if (line.trim() !== '') this.#frame(line);
    }
    // A line that never ends is noise: keep only its tail, where the next '$' may start.
    if (this.#buffer.length > MAX_LINE) {
      const start = this.#buffer.lastIndexOf('$');
      this.#buffer = start > 0 && this.#buffer.length - start <= MAX_LINE ? this.#buffer.slice(start) : '';
      this.stats.noise++;
    }
  }

  #frame(line: string): void {
    const frame = parseRapiLine(line);
    if (!frame) {
      this.stats.noise++;
      return;
    }
    if (frame.raw.length !== line.trimEnd().length) this.stats.noise++;
    this.#options.onTrace?.('in', frame.raw);
    if (frame.checksumOk === false) {
      this.stats.badChecksum++;
      if (this.#pending && (frame.kind === 'OK' || frame.kind === 'NK')) this.#pending.garbled();
      return;
    }
    if (frame.kind === 'OK' || frame.kind === 'NK') {
      const pending = this.#pending;
      // An answer for an earlier attempt (arrived after its timeout) or nobody's: not ours to take.
      if (!pending || (frame.sequence !== null && frame.sequence !== pending.sequence)) {
        this.stats.stale++;
        return;
      }
      // $NK without our sequence id: the box could not read the command (garbled on the way): send again.
      if (frame.kind === 'NK' && frame.sequence === null) {
        pending.bareNk();
        return;
      }
      pending.resolve({ ok: frame.kind === 'OK', args: frame.args });
      return;
    }
    for (const listener of this.#async) listener(frame);
  }
}
