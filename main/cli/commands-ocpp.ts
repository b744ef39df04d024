// The CLI's OCPP commands: run the local CSMS, read and change a box's configuration, export the
// trace. A box is reached by starting the local CSMS and waiting for it to connect, as on site.
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { AppError, type ErrorCode } from '../api/errors.ts';
import { loadTemplateFile } from '../commissioning/template.ts';
import type { RunDetail, RunSummary } from '../commissioning/types.ts';
import type { Core } from '../core.ts';
import { listenAddresses } from '../ocpp/local-csms.ts';
import { csmsTls } from '../ocpp/tls.ts';
import type { BoxInfo, CsmsStatus } from '../ocpp/types.ts';
import { type CliContext, type Command, call, print, t, usage, withCore } from './context.ts';
import { printTable } from './output.ts';

/** The local CSMS's basic-auth password: from --password-file (never the command line, where `ps`
 *  shows it), else WBC_CSMS_PASSWORD; one trailing line break of the file is not part of it. */
function csmsPassword(ctx: CliContext): string | undefined {
  const file = ctx.options['password-file'];
  if (file === undefined) return process.env.WBC_CSMS_PASSWORD || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const detail = (error as { code?: string }).code ?? String(error);
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.csms.passwordFile', { file, detail }) });
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '')
    throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.csms.passwordFile.empty', { file }) });
  return password;
}

export async function csmsOptions(ctx: CliContext, core: Core, expected: string[]) {
  const port = ctx.options.port === undefined ? 9220 : Number(ctx.options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(ctx, 'csms listen --port 1..65535');
  const password = csmsPassword(ctx);
  const host = ctx.options.host ?? '0.0.0.0';
  const tls = ctx.options.tls
    ? await csmsTls(
        { store: core.store, vault: core.vault, actor: core.context('cli').actor },
        listenAddresses(host),
      )
    : undefined;
  return {
    host,
    port,
    expected,
    admitUnexpected: ctx.options['admit-all'] === true || expected.length === 0,
    ...(password ? { password: () => password } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** On stderr or stdout: the CA a box must trust before it dials wss://, with its fingerprint. */
function printTls(ctx: CliContext, status: CsmsStatus, write: (line: string) => void): void {
  if (!status.tls) return;
  write(t(ctx, 'cli.csms.tls.ca', { fingerprint: status.tls.caFingerprint }));
  write(status.tls.caCertificate);
  write(t(ctx, 'cli.csms.tls.names', { names: status.tls.serverNames.join(', ') }));
}

function describeBox(ctx: CliContext, box: BoxInfo): string {
  if (box.state === 'offline') return t(ctx, 'cli.csms.offline', { identity: box.identity });
  if (!box.admitted) return t(ctx, 'cli.csms.lobby', { identity: box.identity });
  if (box.boot) {
    return t(ctx, 'cli.csms.booted', {
      identity: box.identity,
      vendor: `${box.boot.vendor} ${box.boot.model}`.trim(),
      firmware: box.boot.firmwareVersion ?? '?',
      version: box.ocppVersion,
    });
  }
  return t(ctx, 'cli.csms.connected', {
    identity: box.identity,
    version: box.ocppVersion,
    address: box.remoteAddress ?? '?',
  });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Starts the local CSMS for one box, waits until it connects (or the timeout), runs fn on it. */
export async function withBox(
  ctx: CliContext,
  core: Core,
  fn: (identity: string) => Promise<void>,
): Promise<void> {
  const identity = ctx.options.identity;
  if (!identity) usage(ctx, 'config get|set --identity ID');
  const id = identity as string;
  const status = await core.ocpp.start(await csmsOptions(ctx, core, [id]));
  // On stderr, so stdout carries only the result: scripts read the addresses from the JSON line.
  if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'waiting', identity: id, urls: status.urls }));
  else {
    printTls(ctx, status, (line) => ctx.output.err(line));
    ctx.output.err(t(ctx, 'cli.csms.waiting', { identity: id }));
    for (const url of status.urls) ctx.output.err(`  ${url}`);
  }
  const timeoutS = ctx.options.timeout === undefined ? 300 : Number(ctx.options.timeout);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    await core.ocpp.csms.waitFor(id, { timeoutMs: timeoutS * 1000, signal: abort.signal });
    await fn(id);
  } finally {
    process.off('SIGINT', onSignal);
    await core.ocpp.stop();
  }
}

export const ocppCommands: Command[] = [
  {
    name: 'csms',
    usage:
      'csms listen [--port P] [--expect ID,ID] [--admit-all] [--tls] [--password-file F] | csms ca [--out F]',
    summaryKey: 'cli.csms.summary',
    run: (ctx) =>
      withCore(ctx, async (core) => {
        const full =
          'csms listen [--host H] [--port P] [--expect ID,ID] [--admit-all] [--tls] [--password-file F] | csms ca [--out F]';
        if (ctx.args[0] === 'ca') {
          // The CA to install into boxes before the CSMS ever runs (made now if it does not exist yet).
          const ca = await call(core, 'csms.certificate', {});
          const out = ctx.options.out;
          if (out) writeFileSync(out, `${ca.caCertificate}\n`);
          print(ctx, ca, () => {
            if (out)
              ctx.output.out(t(ctx, 'cli.csms.ca.written', { file: out, fingerprint: ca.caFingerprint }));
            else ctx.output.out(ca.caCertificate);
          });
          return;
        }
        if (ctx.args[0] !== 'listen') usage(ctx, full);
        const expected = (ctx.options.expect ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const { password: _password, tls: _tls, ...options } = await csmsOptions(ctx, core, expected);
        const password = csmsPassword(ctx);
        // The password goes through the vault, as from the app: the api only takes its id.
        const secret = password
          ? await call(core, 'secrets.put', {
              purpose: 'csms-basic-auth',
              label: 'local-csms',
              value: password,
            })
          : undefined;
        const status = await call(core, 'csms.start', {
          ...options,
          tls: ctx.options.tls === true,
          ...(secret ? { passwordSecretId: secret.id } : {}),
        });
        // With --json every event is one line (JSON lines), the box events that follow too.
        if (ctx.output.json) {
          ctx.output.out(
            JSON.stringify({ event: 'listening', urls: status.urls, port: status.port, tls: status.tls }),
          );
        } else {
          printTls(ctx, status, (line) => ctx.output.out(line));
          ctx.output.out(t(ctx, 'cli.csms.listening'));
          for (const url of status.urls) ctx.output.out(`  ${url}/<identity>`);
        }
        const off = core.router.subscribe((event, payload) => {
          if (event !== 'boxes.changed') return;
          const box = payload as BoxInfo;
          if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'box', box }));
          else ctx.output.out(describeBox(ctx, box));
        });
        await untilSignal();
        off();
        await core.ocpp.stop();
      }),
  },
  {
    name: 'config',
    usage: 'config get|set --identity ID [KEY=VALUE ...]',
    summaryKey: 'cli.config.summary',
    run: (ctx) =>
      withCore(ctx, async (core) => {
        const [action, ...pairs] = ctx.args;
        if (action === 'get') {
          await withBox(ctx, core, async (identity) => {
            const snapshot = await call(core, 'config.read', { identity });
            print(ctx, snapshot, () =>
              printTable(
                ctx.output,
                snapshot.entries.map((e) => ({
                  ...e,
                  value: e.writeOnly ? t(ctx, 'cli.config.writeOnly') : e.value,
                })),
                ['key', 'value', 'readonly'],
              ),
            );
          });
        } else if (action === 'set') {
          const changes = pairs.map((pair) => {
            const at = pair.indexOf('=');
            if (at <= 0) throw new AppError('BAD_REQUEST', { detail: t(ctx, 'cli.config.pair', { pair }) });
            return { key: pair.slice(0, at), value: pair.slice(at + 1) };
          });
          if (changes.length === 0) usage(ctx, 'config set --identity ID KEY=VALUE [KEY=VALUE ...]');
          let refused = false;
          await withBox(ctx, core, async (identity) => {
            const results = await call(core, 'config.set', { identity, changes });
            refused = results.some((r) => r.status !== 'Accepted' && r.status !== 'RebootRequired');
            print(ctx, results, () => printTable(ctx.output, results, ['key', 'status']));
          });
          if (refused)
            throw new AppError('BOX_CALL_FAILED', {
              identity: ctx.options.identity ?? '',
              action: 'ChangeConfiguration',
              reason: 'see the table',
            });
        } else {
          usage(ctx, 'config get|set --identity ID [KEY=VALUE ...]');
        }
      }),
  },
  {
    name: 'trace',
    usage: 'trace export [--identity ID] [--out FILE]',
    summaryKey: 'cli.trace.summary',
    run: (ctx) =>
      withCore(ctx, async (core) => {
        if (ctx.args[0] !== 'export') usage(ctx, 'trace export [--identity ID] [--out FILE]');
        const lines = core.ocpp.trace.exportJsonLines(ctx.options.identity);
        if (!ctx.options.out) {
          for (const line of lines) ctx.output.out(line);
          return;
        }
        const file = createWriteStream(ctx.options.out, { mode: 0o600 });
        let count = 0;
        for (const line of lines) {
          if (!file.write(`${line}\n`))
            await new Promise<void>((resolve) => file.once('drain', () => resolve()));
          count++;
        }
        await new Promise<void>((resolve, reject) => {
          file.once('error', reject);
          file.end(() => resolve());
        });
        ctx.output.err(t(ctx, 'cli.trace.written', { count, file: ctx.options.out }));
      }),
  },
];

/** Exit code of a run that left the laptop but that no CSMS confirmed: not a success, not a failure. */
export const EXIT_LEFT_NOT_CONFIRMED = 3;

/** What a failed run put back (or kept) and what the box does with what it holds at its next reboot. */
function printRollback(ctx: CliContext, run: RunDetail): void {
  const rollback = run.state.rollback;
  if (!rollback) return;
  ctx.output.out(t(ctx, rollback.mode === 'kept' ? 'cli.commission.kept' : 'cli.commission.putBack'));
  for (const entry of rollback.entries) {
    const value = entry.outcome === 'restored' ? (entry.from ?? '') : entry.secret ? '***' : entry.to;
    ctx.output.out(`  ${t(ctx, `rollback.${entry.outcome}`, { key: entry.key, value })}`);
  }
  ctx.output.out(t(ctx, `rollback.next.${rollback.nextReboot}`));
}

/** `wbc commission`: waits for the box, runs the template on it, prints each step and the outcome.
 *  Exit 0: confirmed by the company CSMS; 3: left, not confirmed; 1: failed or cancelled (Ctrl+C). */
export const commissionCommand: Command = {
  name: 'commission',
  usage: 'commission --identity ID --template FILE [--keep-on-failure]',
  summaryKey: 'cli.commission.summary',
  run: async (ctx) => {
    let exit = 0;
    const code = await withCore(ctx, async (core) => {
      const identity = ctx.options.identity;
      const file = ctx.options.template;
      if (!identity || !file)
        usage(ctx, 'commission --identity ID --template FILE [--port P] [--timeout S] [--keep-on-failure]');
      const template = loadTemplateFile(file as string);
      const id = identity as string;
      await withBox(ctx, core, async () => {
        const off = core.router.subscribe((event, payload) => {
          if (event !== 'commissioning.changed') return;
          const run = payload as RunSummary;
          if (run.identity !== id) return;
          if (ctx.output.json)
            ctx.output.err(JSON.stringify({ event: 'run', status: run.status, step: run.step }));
          else
            ctx.output.err(
              t(ctx, 'cli.commission.step', {
                identity: id,
                step: t(ctx, `run.step.${run.step}`),
                status: t(ctx, `run.status.${run.status}`),
              }),
            );
        });
        const started = await call(core, 'commissioning.start', {
          identity: id,
          template,
          approval: 'auto',
          keepOnFailure: ctx.options['keep-on-failure'] === true,
        });
        // Ctrl+C (or SIGTERM) cancels the run wherever it stands, waiting for its box included.
        const cancel = () => void core.commissioning.cancel('cli', started.id);
        process.on('SIGINT', cancel);
        process.on('SIGTERM', cancel);
        let run: RunDetail;
        try {
          run = await core.commissioning.settled(started.id);
        } finally {
          process.off('SIGINT', cancel);
          process.off('SIGTERM', cancel);
          off();
        }
        print(ctx, run, () => {
          if (run.status === 'confirmed')
            ctx.output.out(
              t(ctx, 'cli.commission.confirmed', { identity: id, by: run.state.verify?.confirmedBy ?? '?' }),
            );
          else if (run.status === 'left-not-confirmed') {
            ctx.output.out(
              t(ctx, 'cli.commission.left', { identity: id, seconds: run.state.verify?.windowS ?? 0 }),
            );
            ctx.output.out(t(ctx, 'cli.commission.leftCheck', { identity: id }));
          } else
            ctx.output.out(
              t(ctx, 'cli.commission.ended', { identity: id, status: t(ctx, `run.status.${run.status}`) }),
            );
          for (const [key, status] of Object.entries(run.state.results))
            ctx.output.out(`  ${key.padEnd(44)} ${status}`);
          printRollback(ctx, run);
        });
        if (run.error) throw new AppError(run.error.code as ErrorCode, run.error.params);
        if (run.status === 'left-not-confirmed') exit = EXIT_LEFT_NOT_CONFIRMED;
      });
    });
    return code === 0 ? exit : code;
  },
};
