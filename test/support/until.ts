// Waits for a condition a test cannot be told about directly (a frame in the trace, a box shown
// offline): polls every 10 ms, fails with a clear message after a generous limit. Not a timing test.

export function until<T>(fn: () => T | undefined | false, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = fn();
      if (value) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error('condition not reached'));
      setTimeout(tick, 10);
    };
    tick();
  });
}
