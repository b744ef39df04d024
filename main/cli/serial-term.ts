// `wbc serial term PATH`: lines typed on stdin go out (with CR; `--rapi` adds the ^XK checksum), lines in are
// shown with their hex. The port is the core's terminal, so every line lands in its trace; a data folder the
// CLI cannot open (a key sealed by the desktop app) still gets a terminal, said to be unrecorded.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorText } from '../../locales/translate.ts';
import { AppError, type ErrorCode } from '../api/errors.ts';
import { ApiCallError } from '../api/wire.ts';
import { type TerminalInfo, TerminalSessions } from '../drivers/serial/terminal-session.ts';
import { terminalLine } from '../drivers/serial/terminal-trace.ts';
import type { TraceFrame } from '../ocpp/types.ts';
import { type CliContext, call, t, usage, withApi } from './context.ts';

/** What the terminal needs from a core: its session api and its trace frames as they come. */
interface TerminalHost {
  open(path: string, baudRate: number): Promise<TerminalInfo>;
  send(session: string, text: string, rapi: boolean): Promise<unknown>;
  close(session: string): Promise<unknown>;
  frames(listener: (frame: TraceFrame) => void): () => void;
}

/** Sessions in this process whose frames go only to the screen (nothing is stored). */
function unrecordedHost(): TerminalHost {
  const listeners = new Set<(frame: TraceFrame) => void>();
  const emit = (frame: Omit<TraceFrame, 'at' | 'action' | 'messageId'>) => {
    for (const l of listeners) l({ ...frame, at: new Date().toISOString(), action: null, messageId: null });
  };
  const sessions = new TerminalSessions({
    record: (identity, direction, kind, details) =>
      emit({ identity, direction, kind, frame: JSON.stringify(details) }),
    event: (identity, kind, details = {}) =>
      emit({ identity, direction: 'event', kind, frame: JSON.stringify(details) }),
  });
  return {
    open: (path, baudRate) => sessions.open({ path, baudRate }),
    send: (session, text, rapi) => sessions.get(session).send({ text, lineEnding: 'cr', rapi }),
    close: (session) => sessions.close(session),
    frames: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function runTerminal(ctx: CliContext, path: string, baudRate: number, host: TerminalHost) {
  const recorded: string[] = [];
  const info = await host.open(path, baudRate);
  ctx.output.err(t(ctx, 'cli.serial.term.open', { path, baud: baudRate }));
  const say = (error: unknown) => {
    const wire = error instanceof ApiCallError ? error.error : error instanceof AppError ? error : null;
    if (wire) ctx.output.err(errorText(ctx.language, wire.code as ErrorCode, wire.params).message);
  };
  const input = createInterface({ input: process.stdin });
  const exit = await new Promise<number>((resolve) => {
    const off = host.frames((frame) => {
      if (frame.identity !== info.identity) return;
      if (frame.kind === 'serial' && frame.direction !== 'event') {
        const text = terminalLine(frame.direction, JSON.parse(frame.frame) as { text: string; hex: string });
        recorded.push(`${frame.at} ${text}`);
        ctx.output.out(text);
      } else if (frame.kind === 'serial-gone') {
        off();
        ctx.output.err(errorText(ctx.language, 'SERIAL_PORT_GONE', { path }).message);
        resolve(1);
      } else if (frame.kind === 'serial-dropped') {
        const dropped = JSON.parse(frame.frame) as { frames: number };
        ctx.output.err(t(ctx, 'serial.cli.dropped', { frames: dropped.frames }));
      }
    });
    // One line after the other, in the order typed.
    let sending = Promise.resolve();
    input.on('line', (typed) => {
      const rapi = ctx.options.rapi === true && typed.trim().startsWith('$');
      sending = sending.then(() => host.send(info.session, typed, rapi).then(() => undefined, say));
    });
    input.on('close', () => {
      off();
      void sending.then(() => resolve(0));
    });
  });
  input.close();
  await host.close(info.session);
  if (ctx.options.out) writeFileSync(ctx.options.out, `${recorded.join('\n')}\n`, { mode: 0o600 });
  return exit;
}

/** A data folder the CLI cannot open by itself: the terminal still works, unrecorded. */
const unopenable = (error: unknown) => error instanceof AppError && /^(VAULT_KEY_|STORE_)/.test(error.code);

export async function serialTerminal(ctx: CliContext, path: string): Promise<number> {
  const baudRate = ctx.options.baud === undefined ? 115_200 : Number(ctx.options.baud);
  if (!Number.isInteger(baudRate) || baudRate < 300) return usage(ctx, 'serial term PATH [--baud N]');
  let exit = 0;
  try {
    const code = await withApi(ctx, async (core) => {
      exit = await runTerminal(ctx, path, baudRate, {
        open: async (p, baud) => {
          const info = await call(core, 'serial.open', { path: p, baudRate: baud });
          ctx.output.err(t(ctx, 'serial.cli.traced', { identity: info.identity }));
          return info;
        },
        send: (session, text, rapi) => call(core, 'serial.send', { session, text, lineEnding: 'cr', rapi }),
        close: (session) => call(core, 'serial.close', { session }),
        frames: (listener) =>
          core.router.subscribe(
            (event, payload) => event === 'trace.frame' && listener(payload as TraceFrame),
          ),
      });
    });
    return code === 0 ? exit : code;
  } catch (error) {
    if (!unopenable(error)) throw error;
    const reason = error as AppError;
    ctx.output.err(
      t(ctx, 'serial.cli.notTraced', {
        reason: errorText(ctx.language, reason.code as ErrorCode, reason.params).message,
      }),
    );
    return runTerminal(ctx, path, baudRate, unrecordedHost());
  }
}
