// A small seeded generator for tests that try many random inputs: a failure names an input that can be
// made again from the same seed.
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
