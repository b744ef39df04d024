// Serves the built renderer from one folder: no path may leave it, every answer carries the same
// strict Content-Security-Policy the desktop window uses, and index.html is never cached.
import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { securityHeaders } from './security-headers.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

export interface StaticFile {
  file: string;
  size: number;
  type: string;
  cacheControl: string;
}

/** The file under root that urlPath names, or null: outside the folder, a NUL, a folder or nothing there.
 *  Shared by the browser shell (HTTP) and the desktop window (app://, electron/main.ts). */
export function resolveStaticFile(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\u0000')) return null;
  const relative = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative);
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  if (!inside) return null;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return null;
    return {
      file,
      size: stat.size,
      type: types[extname(file)] ?? 'application/octet-stream',
      cacheControl: relative === 'index.html' ? 'no-store' : 'max-age=3600',
    };
  } catch {
    return null;
  }
}

export function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  const found = resolveStaticFile(root, urlPath);
  if (!found) {
    res.writeHead(404, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': found.type,
    'content-length': found.size,
    'cache-control': found.cacheControl,
  });
  createReadStream(found.file).pipe(res);
}
