// The app's address inside the window: `#/page/rest...`, so a box or a site has a page of its own
// (`#/boxes/WB-0001`, `#/sites/Garage%20Nord`) that survives a reload and can be linked from anywhere.

export interface Route {
  /** The page, the first segment (`commission`, `boxes`, ...); '' when the address names none. */
  page: string;
  /** The segments after the page, decoded (`['WB-0001']` for `#/boxes/WB-0001`). */
  rest: string[];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseRoute(hash: string): Route {
  const segments = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  return { page: segments[0] ?? '', rest: segments.slice(1) };
}

/** The address of a page and its segments, each escaped (identities and site names may hold anything). */
export function href(page: string, ...rest: string[]): string {
  return `#/${[page, ...rest].map((s) => encodeURIComponent(s)).join('/')}`;
}
