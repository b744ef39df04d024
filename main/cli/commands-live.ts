// `wbc live IDENTITY`: a box live in the terminal (connectors, errors, heartbeat, transaction and meter
// values) and the notices as they happen; it uses the CSMS or proxy already running, else listens itself.

import { connectorText, errorCodeText, noticeText, statusText } from '../ocpp/live/live-text.ts';
import type { LiveBox, LiveNotice } from '../ocpp/live/live-types.ts';
import { untilSignal } from './commands-ocpp.ts';
import { type CliContext, type Command, call, numberArg, t, usage, withApi } from './context.ts';
import { terminalSafe } from './terminal-text.ts';

const liveUsage = 'live IDENTITY [--host H] [--port P]';
const clock = (iso: string) => iso.slice(11, 19);
const bootStatuses = new Set(['Accepted', 'Pending', 'Rejected']);

/** The state as lines; only lines not printed before are printed again, so a change reads as one line. */
export function liveLines(ctx: CliContext, box: LiveBox): string[] {
  const tr = (key: string, params?: Record<string, string | number>) => t(ctx, key, params);
  const lines: string[] = [
    box.connected
      ? `${tr('live.connected')}${box.protocol ? `, ${tr('live.protocol', { version: box.protocol })}` : ''}`
      : tr('live.offline'),
  ];
  const boot = box.boot;
  if (boot)
    lines.push(
      tr('live.cli.booted', {
        time: clock(boot.at),
        box: [boot.vendor, boot.model].filter(Boolean).join(' ') || '?',
        firmware: boot.firmwareVersion ?? '?',
        status: bootStatuses.has(boot.status ?? '') ? tr(`live.boot.${boot.status}`) : (boot.status ?? '?'),
      }),
    );
  for (const c of box.connectors)
    lines.push(`${connectorText(tr, c)}: ${statusText(tr, c.status)} (${clock(c.at)})`);
  for (const e of box.errors) {
    const extra = [e.vendorErrorCode && `${tr('live.vendorCode')} ${e.vendorErrorCode}`, e.info]
      .filter(Boolean)
      .join(', ');
    const cleared = e.cleared ? ` — ${tr('live.errorCleared')}` : '';
    lines.push(
      `${tr('live.errors')}: ${errorCodeText(tr, e.errorCode)}${extra ? ` (${extra})` : ''} ${clock(e.at)}${cleared}`,
    );
  }
  const hb = box.heartbeat;
  lines.push(
    `${tr('live.heartbeat')}: ${hb.last ? tr('live.heartbeat.last', { time: clock(hb.last) }) : tr('live.heartbeat.never')}, ${
      hb.intervalS
        ? tr('live.heartbeat.interval', { seconds: hb.intervalS })
        : tr('live.heartbeat.intervalUnknown')
    }${hb.late ? ` — ${tr('live.heartbeat.late')}` : ''}`,
  );
  for (const tx of box.transactions) {
    const state = tx.stoppedAt
      ? tr('live.tx.stopped', { time: clock(tx.stoppedAt), reason: tx.stopReason ?? '—' })
      : tr('live.tx.open', { time: clock(tx.startedAt) });
    lines.push(`${tr('live.transaction', { id: tx.id })}: ${state}`);
    for (const p of tx.points) {
      const parts = [
        p.energyWh !== null && tr('live.tx.energy', { kwh: (p.energyWh / 1000).toFixed(2) }),
        p.powerW !== null && tr('live.tx.power', { kw: (p.powerW / 1000).toFixed(2) }),
        p.currentOfferedA !== null && tr('live.tx.offered', { amps: p.currentOfferedA }),
      ].filter(Boolean);
      if (parts.length > 0)
        lines.push(`  ${clock(p.at)} ${tr('live.transaction', { id: tx.id })} ${parts.join(', ')}`);
    }
  }
  return lines.map(terminalSafe);
}

export const liveCommand: Command = {
  name: 'live',
  usage: liveUsage,
  summaryKey: 'live.cli.summary',
  options: ['host', 'port'],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const identity = ctx.args[0] ?? '';
      if (!identity || ctx.args.length > 1) usage(ctx, liveUsage);
      const stopped = untilSignal();
      const tr = (key: string, params?: Record<string, string | number>) => t(ctx, key, params);
      const printed = new Set<string>();
      const show = (box: LiveBox | null) => {
        if (!box) return;
        if (ctx.output.json) return ctx.output.out(JSON.stringify({ event: 'live', ...box }));
        for (const line of liveLines(ctx, box)) {
          if (printed.has(line)) continue;
          printed.add(line);
          ctx.output.out(line);
        }
      };
      const off = core.router.subscribe((event, payload) => {
        if (event === 'live.changed' && (payload as LiveBox).identity === identity) show(payload as LiveBox);
        if (event === 'live.notice' && (payload as LiveNotice).identity === identity) {
          const notice = payload as LiveNotice;
          if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'notice', ...notice }));
          else ctx.output.out(`! ${terminalSafe(noticeText(tr, notice, clock))}`);
        }
      });
      // Through whatever already listens on this data folder (a CSMS, a proxy); else the local CSMS here.
      const [csms, proxy] = await Promise.all([
        call(core, 'csms.status', {}),
        call(core, 'proxy.status', {}),
      ]);
      let startedHere = false;
      try {
        if (!csms.running && !proxy.running) {
          const status = await call(core, 'csms.start', {
            expected: [identity],
            ...(ctx.options.host === undefined ? {} : { host: ctx.options.host }),
            ...(ctx.options.port === undefined ? {} : { port: numberArg(ctx.options.port) }),
          });
          startedHere = true;
          if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'listening', urls: status.urls }));
          else {
            ctx.output.out(
              tr('live.cli.listening', { identity: terminalSafe(identity), port: status.port ?? 0 }),
            );
            for (const url of status.urls) ctx.output.out(`  ${url}/${terminalSafe(identity)}`);
          }
        }
        const now = await call(core, 'live.get', { identity });
        if (now) show(now);
        else if (!ctx.output.json) ctx.output.out(tr('live.nothing', { identity: terminalSafe(identity) }));
        await stopped;
      } finally {
        off();
        if (startedHere) await call(core, 'csms.stop', {});
      }
      if (!ctx.output.json) ctx.output.out(tr('live.cli.stopped'));
    }),
};
