// Slows down password guessing at the local CSMS: after a few failed logins from one address or for
// one identity, further attempts are refused unchecked (429) for a time that doubles with each failure.

export interface AuthThrottleOptions {
  /** Failed attempts allowed before the backoff starts. */
  freeFailures?: number;
  /** The first wait after the free attempts; doubles with every further failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How many addresses and identities are remembered at most (oldest forgotten first). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class AuthThrottle {
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Keys are 'addr:<address>' and 'id:<identity>'; a Map keeps insertion order for forgetting. */
  readonly #entries = new Map<string, Entry>();

  constructor(options: AuthThrottleOptions = {}) {
    this.#free = options.freeFailures ?? 5;
    this.#base = options.baseDelayMs ?? 1000;
    this.#max = options.maxDelayMs ?? 5 * 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until this address or identity may try again; 0 when it may try now. */
  waitMs(address: string | null, identity: string | null): number {
    const now = this.#now();
    let wait = 0;
    for (const key of this.#keys(address, identity)) {
      const entry = this.#entries.get(key);
      if (entry) wait = Math.max(wait, entry.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  failed(address: string | null, identity: string | null): void {
    const now = this.#now();
    for (const key of this.#keys(address, identity)) {
      const entry = this.#entries.get(key) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
      // A quiet hour forgives: a box that was mistyped yesterday starts afresh.
      if (now - entry.lastFailure > 60 * 60_000) entry.failures = 0;
      entry.failures += 1;
      entry.lastFailure = now;
      const over = entry.failures - this.#free;
      if (over > 0) entry.blockedUntil = now + Math.min(this.#max, this.#base * 2 ** Math.min(over - 1, 30));
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** A box that got in: its identity starts afresh (its address stays counted for others' failures). */
  succeeded(identity: string): void {
    this.#entries.delete(`id:${identity}`);
  }

  #keys(address: string | null, identity: string | null): string[] {
    const keys: string[] = [];
    if (address) keys.push(`addr:${address}`);
    if (identity) keys.push(`id:${identity}`);
    return keys;
  }
}
