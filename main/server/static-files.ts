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

export function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    decoded = '\u0000';
  }
  const relative = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative);
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  let size = -1;
  if (inside && !decoded.includes('\u0000')) {
    try {
      const stat = statSync(file);
      if (stat.isFile()) size = stat.size;
    } catch {
      size = -1;
    }
  }
  if (size < 0) {
    res.writeHead(404, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  const type = types[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': type,
    'content-length': size,
    'cache-control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
  });
  createReadStream(file).pipe(res);
}
