// The company CSMS's address as the proxy dials it for one box: the identity appended exactly once, and
// the address as it may be shown (never a user or password someone typed into the URL).
import { AppError } from '../../api/errors.ts';

/** Checks the address the user gave; throws PROXY_UPSTREAM_INVALID with the reason. */
export function parseUpstream(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new AppError('PROXY_UPSTREAM_INVALID', { url: shown(text), reason: 'not an address' });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new AppError('PROXY_UPSTREAM_INVALID', {
      url: displayUpstream(url),
      reason: 'not ws:// or wss://',
    });
  if (url.username !== '' || url.password !== '')
    throw new AppError('PROXY_UPSTREAM_INVALID', {
      url: displayUpstream(url),
      reason: "a user or password in the address (the box's own basic auth is passed on)",
    });
  if (url.search !== '' || url.hash !== '')
    throw new AppError('PROXY_UPSTREAM_INVALID', {
      url: displayUpstream(url),
      reason: 'a query or fragment cannot be followed by the identity',
    });
  return url;
}

/** The URL a box's connection is relayed to: the base plus "/" + the encoded identity, unless the base
 *  already ends with that identity (a URL copied from the box's own setting). */
export function upstreamFor(base: URL, identity: string): string {
  const encoded = encodeURIComponent(identity);
  const url = new URL(base.href);
  const path = url.pathname.replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  let same = false;
  try {
    same = decodeURIComponent(last) === identity;
  } catch {
    same = false;
  }
  url.pathname = same ? path : `${path}/${encoded}`;
  return url.href;
}

/** For the terminal, the trace and the log: scheme, host, port and path only. */
export function displayUpstream(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** What an unparsable address may be shown as: everything before an '@' (a password) is left out. */
function shown(text: string): string {
  const at = text.lastIndexOf('@');
  return (at >= 0 ? text.slice(at + 1) : text).slice(0, 200);
}
