// The proxy api (proxy.*) as a map of handlers merged into main/api/handlers.ts: start and stop relaying,
// the relayed boxes, and support's read-only calls into a relayed session.
import type { Handlers } from '../../api/router.ts';
import { listenAddresses } from '../local-csms.ts';
import { csmsTls, type TlsDeps } from '../tls.ts';
import type { ProxyService } from './service.ts';

export type ProxyMethod = 'proxy.status' | 'proxy.start' | 'proxy.stop' | 'proxy.call';

export function proxyHandlers(
  proxy: ProxyService,
  tlsDeps: Omit<TlsDeps, 'actor'>,
): Pick<Handlers, ProxyMethod> {
  return {
    'proxy.status': () => proxy.status(),
    'proxy.start': async (p, ctx) => {
      // The same certificates as the local CSMS's wss://, covering the addresses the proxy shows.
      const tls = p.tls
        ? await csmsTls({ ...tlsDeps, actor: ctx.actor }, listenAddresses(p.host))
        : undefined;
      return proxy.start({ upstream: p.upstream, host: p.host, port: p.port, ca: p.caCertificate, tls });
    },
    'proxy.stop': () => proxy.stop(),
    'proxy.call': (p) => proxy.call(p.identity, p.action, p.payload, p.timeoutS * 1000),
  };
}
