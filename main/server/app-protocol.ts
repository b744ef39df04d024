// The desktop window's own origin: the built renderer served as app://wbc/ (a privileged, standard,
// secure scheme registered in electron/main.ts) instead of file://, with the browser shell's headers.
import { readFileSync } from 'node:fs';
import { securityHeaders } from './security-headers.ts';
import { resolveStaticFile } from './static-files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'wbc';
/** The page the window loads; the only page allowed to call the api over IPC. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Whether url is a page of the app's own origin (Node's URL gives no origin for a custom scheme). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '';
  } catch {
    return false;
  }
}

/** Whether url is the app's index page (any hash or query the renderer adds). */
export function isAppIndex(url: string): boolean {
  if (!isAppUrl(url)) return false;
  const path = new URL(url).pathname;
  return path === '/' || path === '/index.html';
}

/** The answer to one app:// request: a file of the renderer folder, or 404 for anything else
 *  (another host, a path outside the folder, a method other than GET/HEAD). */
export function appProtocolResponse(root: string, request: { url: string; method: string }): Response {
  const notFound = () =>
    new Response('Not found', {
      status: 404,
      headers: { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' },
    });
  if (!isAppUrl(request.url) || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
  const found = resolveStaticFile(root, new URL(request.url).pathname);
  if (!found) return notFound();
  const headers = {
    ...securityHeaders,
    'content-type': found.type,
    'content-length': String(found.size),
    'cache-control': found.cacheControl,
  };
  return new Response(request.method === 'HEAD' ? null : readFileSync(found.file), { status: 200, headers });
}
