// The clock as ISO text, made once per millisecond: the local CSMS stamps every frame a box sends (its
// last-seen time), and a car park sends thousands within one millisecond's reach of each other.
let madeAtMs = Number.NaN;
let madeText = '';

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== madeAtMs) {
    madeAtMs = ms;
    madeText = new Date(ms).toISOString();
  }
  return madeText;
}
