// The "valid until" of an imported card as people and tools write it: 2026-12-31, 31.12.2026 (German
// Excel), or an ISO date-time as SteVe and OCPI export it. Stored as an ISO date-time in UTC. A bare date
// means the end of that day where the cards are used: the machine's time zone (sites have none yet), on
// every path (CSV import, `--valid-until`, the app), so "31.12.2027" and 2027-12-31 are the same instant.

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// Making an Intl.DateTimeFormat costs ~60 µs, using one ~2 µs: a 50,000-row import reads a zone per date.
let machineZone: { tz: string | undefined; zone: string } | undefined;
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The time zone a bare date is read in: the machine's (an IANA name such as Europe/Berlin). */
export function expiryTimeZone(): string {
  // Node reads the zone again when TZ is set at run time: so does this.
  const tz = process.env.TZ;
  if (!machineZone || machineZone.tz !== tz) {
    machineZone = { tz, zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
  }
  return machineZone.zone;
}

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone, format);
  }
  return format;
}

/** How far the wall clock of timeZone is ahead of UTC at that instant, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = wallClock(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * An instant as the wall time of timeZone with its offset ("2027-12-31T23:59:59+01:00"): how a person's
 * export states which day a validity ends on, and still the same instant for any tool that reads it.
 */
export function localIso(iso: string, timeZone = expiryTimeZone()): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return iso;
  const offset = zoneOffsetMs(instant, timeZone);
  const wall = new Date(Math.floor(instant / 1000) * 1000 + offset).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}

/**
 * The end of that day (23:59:59) in timeZone, as an ISO instant in UTC: a card "valid until 31.12.2026"
 * still works on the evening of the 31st where it is used. Null for no real date or one out of range.
 */
export function endOfDay(
  year: number,
  month: number,
  day: number,
  timeZone = expiryTimeZone(),
): string | null {
  if (year < 2000 || year > 2199 || !isRealDate(year, month, day)) return null;
  const wall = Date.UTC(year, month - 1, day, 23, 59, 59);
  // Two passes find the offset in force at that wall time (it differs from the guess across a DST change).
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

/** An ISO date-time string in UTC, or null when the text is no date the tool can be sure of. */
export function parseExpiry(text: string): string | null {
  const value = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return endOfDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  if (m) return endOfDay(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value,
  );
  if (m) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m?.[i] ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
    if (year < 2000 || year > 2199) return null;
    // Without a zone the time is read as UTC, as OCPP's dateTime fields are.
    const zone = m[7] ?? 'Z';
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
    const parsed = new Date(iso);
    return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
  }
  return null;
}
