// The clock as ISO text, made once per millisecond: the local CSMS and the trace stamp every frame (a box's
// last-seen time, a relayed frame), and a car park or a busy relay sends thousands within one millisecond.
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
