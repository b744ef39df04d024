// Who may talk to the browser shell: a request must name this server as Host (no DNS rebinding),
// come from its own origin (no other web page), and carry the per-run token. Pure checks, tested alone.
import { timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

export interface AccessPolicy {
  token: string;
  /** host:port values this server answers to, e.g. 127.0.0.1:5123 and localhost:5123. */
  hosts: ReadonlySet<string>;
}

export type AccessVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** Whether binding to host keeps the server on this computer (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice(7));
  return isIPv4(bare) && bare.startsWith('127.');
}

export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  names.add(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
}

export function tokenMatches(expected: string, offered: string | null | undefined): boolean {
  if (!offered) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkHost(policy: AccessPolicy, host: string | undefined): AccessVerdict {
  if (!host || !policy.hosts.has(host.toLowerCase())) return { ok: false, status: 403, reason: 'host' };
  return { ok: true };
}

/** For the api socket: Host, then Origin (browsers always send one), then the token. */
export function checkApiAccess(
  policy: AccessPolicy,
  request: { host: string | undefined; origin: string | undefined; token: string | null },
): AccessVerdict {
  const host = checkHost(policy, request.host);
  if (!host.ok) return host;
  if (request.origin !== undefined) {
    let originHost: string;
    try {
      const url = new URL(request.origin);
      originHost = url.protocol === 'http:' ? url.host.toLowerCase() : '';
    } catch {
      originHost = '';
    }
    if (!policy.hosts.has(originHost)) return { ok: false, status: 403, reason: 'origin' };
  }
  if (!tokenMatches(policy.token, request.token)) return { ok: false, status: 401, reason: 'token' };
  return { ok: true };
}
