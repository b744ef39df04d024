// A box whose firmware download broke off asks again for the rest (HTTP Range, FTP REST) instead of
// starting over on a slow site link; this reads what part it asks for, by the rules of RFC 9110 §14.

/** The part of a file to send: bytes start..end, both included. */
export interface BytePart {
  start: number;
  end: number;
}

/**
 * What to send for a Range header on a file of `size` bytes: a part, 'whole' (no header, a form this
 * server does not serve such as several ranges, or an If-Range that no longer matches), or 'unsatisfiable'
 * (a single range wholly past the end: 416).
 */
export function requestedPart(
  header: string | undefined,
  size: number,
  ifRange?: { given: string | undefined; etag: string; lastModified: string },
): BytePart | 'whole' | 'unsatisfiable' {
  if (header === undefined) return 'whole';
  if (
    ifRange?.given !== undefined &&
    ifRange.given !== ifRange.etag &&
    ifRange.given !== ifRange.lastModified
  )
    return 'whole';
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return 'whole'; // several ranges or another unit: the whole file is a correct answer
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'whole';
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix) || suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return 'unsatisfiable';
  if (last !== '') {
    const end = Number(last);
    if (!Number.isSafeInteger(end) || end < start) return 'whole'; // an invalid range is ignored
    if (start >= size) return 'unsatisfiable';
    return { start, end: Math.min(end, size - 1) };
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end: size - 1 };
}

/** FTP REST's argument: the byte to start the next RETR at, or null when it is not a plain offset. */
export function restartOffset(arg: string): number | null {
  if (!/^\d{1,15}$/.test(arg.trim())) return null;
  return Number(arg.trim());
}
