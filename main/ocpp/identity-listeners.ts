// Listeners of one box's events, kept by its identity: a car park of runs, each waiting on its own box,
// adds one entry per run to a map instead of a listener to an emitter that every box's event walks in full.
export type Unsubscribe = () => void;

export class IdentityListeners<E> {
  readonly #byIdentity = new Map<string, Set<(event: E) => void>>();

  /** Calls listener with each event of this box, until the returned function is called. */
  on(identity: string, listener: (event: E) => void): Unsubscribe {
    let listeners = this.#byIdentity.get(identity);
    if (!listeners) {
      listeners = new Set();
      this.#byIdentity.set(identity, listeners);
    }
    // One entry per subscription, as an emitter keeps one per on(): the same function twice is two.
    const entry = (event: E) => listener(event);
    listeners.add(entry);
    return () => {
      const current = this.#byIdentity.get(identity);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#byIdentity.delete(identity);
    };
  }

  /** Calls the box's listeners as they were when the event came, as an emitter does. */
  emit(identity: string, event: E): void {
    const listeners = this.#byIdentity.get(identity);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(event);
  }

  /** Subscriptions held now, over every box (for tests and leak checks). */
  get size(): number {
    let count = 0;
    for (const listeners of this.#byIdentity.values()) count += listeners.size;
    return count;
  }
}
