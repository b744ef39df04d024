// At most so many log lines a minute for one kind of event a stranger can cause (refused handshakes):
// a flood from the LAN must not fill the disk through the log. The trace still has every one.

export class LineBudget {
  readonly #perMinute: number;
  #minute = 0;
  #lines = 0;
  #suppressed = 0;

  constructor(perMinute = 100) {
    this.#perMinute = perMinute;
  }

  /** Whether a line may be written now; when a new minute begins, `skipped` hears how many were not. */
  take(skipped: (count: number) => void): boolean {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.#minute) {
      if (this.#suppressed > 0) skipped(this.#suppressed);
      this.#minute = minute;
      this.#lines = 0;
      this.#suppressed = 0;
    }
    if (this.#lines < this.#perMinute) {
      this.#lines += 1;
      return true;
    }
    this.#suppressed += 1;
    return false;
  }
}
