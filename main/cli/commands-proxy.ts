// `wbc proxy`: relays boxes to their company CSMS and prints every relayed frame, one line each, as the
// trace holds it (credentials masked). Ctrl+C stops it: boxes and CSMS connections are closed with 1001.
import { readFileSync } from 'node:fs';
import { AppError } from '../api/errors.ts';
import type { TraceFrame } from '../ocpp/types.ts';
import { untilSignal } from './commands-ocpp.ts';
import { type CliContext, type Command, call, numberArg, t, usage, withApi } from './context.ts';

const proxyUsage = 'proxy --upstream URL [--port N] [--host H] [--ca FILE] [--tls]';

/** A CA certificate file (PEM) given on the command line, read and checked. */
export function caFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('PROXY_CA_UNREADABLE', { file });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('PROXY_CA_UNREADABLE', { file });
  return pem;
}

/** One relayed frame or connection event as a line: time, box, who sent it, and the (masked) frame. */
export function proxyLine(ctx: CliContext, frame: TraceFrame): string {
  const time = frame.at.slice(11, 23);
  const details = (): Record<string, unknown> => {
    try {
      return JSON.parse(frame.frame) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  if (frame.direction !== 'event') {
    const side = t(ctx, `proxy.side.${frame.side ?? 'box'}`);
    const arrow = frame.direction === 'in' ? '→' : '←';
    return `${time} ${frame.identity} [${side}] ${arrow} ${frame.frame}`;
  }
  const d = details();
  const code = typeof d.code === 'number' ? d.code : 0;
  const text: Record<string, () => string> = {
    'proxy-connected': () =>
      t(ctx, 'proxy.cli.connected', { identity: frame.identity, protocol: String(d.protocol ?? '—') }),
    refused: () =>
      t(ctx, 'proxy.cli.refused', {
        identity: frame.identity,
        reason: String(d.reason ?? '?'),
        status: Number(d.status ?? 0),
      }),
    'box-closed': () => t(ctx, 'proxy.cli.dropped.box', { identity: frame.identity, code }),
    'csms-closed': () => t(ctx, 'proxy.cli.dropped.csms', { identity: frame.identity, code }),
    'csms-reconnected': () => t(ctx, 'proxy.cli.reconnected', { identity: frame.identity }),
    'csms-gave-up': () => t(ctx, 'proxy.cli.gaveUp', { identity: frame.identity }),
  };
  return `${time} ${text[frame.kind]?.() ?? `${frame.identity} ${frame.kind} ${frame.frame}`}`;
}

export const proxyCommand: Command = {
  name: 'proxy',
  usage: proxyUsage,
  summaryKey: 'proxy.cli.summary',
  options: ['upstream', 'port', 'host', 'ca', 'tls'],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const upstream = ctx.options.upstream;
      if (!upstream || ctx.args.length > 0) usage(ctx, proxyUsage);
      const caCertificate = caFile(ctx.options.ca);
      // Ctrl+C and SIGTERM are ours from here on: one that comes while the proxy starts still stops it.
      const stopped = untilSignal();
      const status = await call(core, 'proxy.start', {
        upstream: upstream ?? '',
        ...(ctx.options.host === undefined ? {} : { host: ctx.options.host }),
        ...(ctx.options.port === undefined ? {} : { port: numberArg(ctx.options.port) }),
        ...(caCertificate === undefined ? {} : { caCertificate }),
        tls: ctx.options.tls === true,
      });
      if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'relaying', ...status }));
      else {
        ctx.output.out(t(ctx, 'proxy.cli.listening', { upstream: status.upstream ?? '' }));
        if (status.tls) ctx.output.out(t(ctx, 'proxy.cli.tls', { fingerprint: status.tls.caFingerprint }));
        for (const url of status.urls) ctx.output.out(`  ${url}/<identity>`);
      }
      const off = core.router.subscribe((event, payload) => {
        if (event !== 'trace.frame') return;
        const frame = payload as TraceFrame;
        if (frame.side === undefined) return; // the local CSMS's own frames
        if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'frame', ...frame }));
        else ctx.output.out(proxyLine(ctx, frame));
      });
      try {
        await stopped;
      } finally {
        off();
        await call(core, 'proxy.stop', {});
      }
      if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'stopped' }));
      else ctx.output.out(t(ctx, 'proxy.cli.stopped'));
    }),
};
