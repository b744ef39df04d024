// Following the window's address from React: the current page and what on it, and moving to another.
// The address format itself lives in address.ts (plain functions, tested without a browser).
import { useEffect, useState } from 'react';
import { href, parseRoute, type Route } from './address.ts';

export { href, parseRoute, type Route };

export function navigate(page: string, ...rest: string[]): void {
  window.location.hash = href(page, ...rest);
}

/** The current route, following the address as it changes (links, Back, Alt+N). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}
