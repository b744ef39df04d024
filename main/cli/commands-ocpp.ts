// The CLI's OCPP commands: run the local CSMS, read and change a box's configuration, export the
// trace. A box is reached by starting the local CSMS and waiting for it to connect, as on site.
import { readFileSync, writeFileSync } from 'node:fs';
import { errorText } from '../../locales/translate.ts';
import { AppError, type ErrorCode } from '../api/errors.ts';
import { rollbackLine } from '../commissioning/rollback-text.ts';
import { loadTemplateFile, type Template } from '../commissioning/template.ts';
import type { RunDetail, RunSummary } from '../commissioning/types.ts';
import type { Core } from '../core.ts';
import { boxPasswords, checkCsmsPassword } from '../ocpp/box-passwords.ts';
import { type CsmsRefusal, listenAddresses } from '../ocpp/local-csms.ts';
import { pickSettings } from '../ocpp/setting-names.ts';
import { csmsTls, renewCsmsCa } from '../ocpp/tls.ts';
import type { BoxInfo, CsmsStatus } from '../ocpp/types.ts';
import { channelAnswers, channelPaths, openLocalChannel } from '../server/local-channel.ts';
import { createPrivateWriteStream } from '../store/private-files.ts';
import { storedCaFingerprint } from '../store/vault-reset.ts';
import {
  COMMISSION_USAGE,
  commissionTargets,
  fleetConcurrency,
  followable,
  runFleet,
  runOutcomeLine,
} from './commission-fleet.ts';
import {
  type ApiHost,
  type CliContext,
  type CliCore,
  type Command,
  call,
  cliCoreOf,
  print,
  t,
  usage,
  withApi,
  withCore,
} from './context.ts';
import { printTable } from './output.ts';
import { runsSettled } from './run-settled.ts';
import { terminalSafe } from './terminal-text.ts';

/** A password from the file --password-file names (never the command line, where `ps` shows it), else
 *  from the environment variable; one trailing line break of the file is not part of it. */
export function passwordFromFileOrEnv(ctx: CliContext, envName: string): string | undefined {
  const file = ctx.options['password-file'];
  if (file === undefined) return process.env[envName] || undefined;
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

/** The local CSMS's basic-auth password (--password-file or WBC_CSMS_PASSWORD), refused when weak. */
function csmsPassword(ctx: CliContext): string | undefined {
  const password = passwordFromFileOrEnv(ctx, 'WBC_CSMS_PASSWORD');
  if (password !== undefined) checkCsmsPassword(password);
  return password;
}

/** The local CSMS's settings from the options; with a core, the TLS certificates made ready too. */
export async function csmsOptions(ctx: CliContext, core: Core | null, expected: string[]) {
  const port = ctx.options.port === undefined ? 9220 : Number(ctx.options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(ctx, 'csms listen --port 1..65535');
  const password = csmsPassword(ctx);
  const host = ctx.options.host ?? '0.0.0.0';
  const tls =
    ctx.options.tls && core
      ? await csmsTls(
          { store: core.store, vault: core.vault, actor: core.context('cli').actor },
          listenAddresses(host),
        )
      : undefined;
  return {
    host,
    port,
    expected,
    // Anyone on the site's LAN can dial in: a box the user did not name waits in the lobby (no station row,
    // nothing sent to it) until a command names it or the app admits it; --admit-all lets every box in.
    admitUnexpected: ctx.options['admit-all'] === true,
    // Each box's own password from the vault (set by a commissioning run), else the shared one.
    // (Without a core here the password goes through the api, which does the same: main/api/handlers.ts.)
    ...(password && core ? { password: boxPasswords(core.vault, password) } : {}),
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
  // Everything here came from the box: escaped before it reaches the terminal.
  const identity = terminalSafe(box.identity);
  if (box.state === 'offline') return t(ctx, 'cli.csms.offline', { identity });
  if (!box.admitted) return t(ctx, 'cli.csms.lobby', { identity });
  if (box.boot) {
    return t(ctx, 'cli.csms.booted', {
      identity,
      vendor: terminalSafe(`${box.boot.vendor} ${box.boot.model}`.trim()),
      firmware: terminalSafe(box.boot.firmwareVersion ?? '?'),
      version: box.ocppVersion,
    });
  }
  return t(ctx, 'cli.csms.connected', {
    identity,
    version: box.ocppVersion,
    address: box.remoteAddress ?? '?',
  });
}

/** A refused handshake as `csms listen` says it (the log and the trace have it too). */
function describeRefusal(ctx: CliContext, refusal: CsmsRefusal): string {
  return t(ctx, 'cli.csms.refused', {
    identity:
      refusal.identity === null
        ? ''
        : t(ctx, 'cli.csms.refused.identity', { identity: terminalSafe(refusal.identity) }),
    address: refusal.remoteAddress ?? '?',
    reason: t(ctx, `cli.csms.refusal.${refusal.reason}`),
  });
}

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The local CSMS's password as the api takes it: sealed in the vault, only its id travels. */
async function passwordSecret(ctx: CliContext, core: ApiHost): Promise<number | undefined> {
  const password = csmsPassword(ctx);
  if (!password) return undefined;
  const secret = await call(core, 'secrets.put', {
    purpose: 'csms-basic-auth',
    label: 'local-csms',
    value: password,
  });
  return secret.id;
}

/** On stderr (stdout carries only the result): where the boxes should dial in, and on a shared CSMS that
 *  the running core's is used. With --json one line that scripts read the addresses from. */
function printWaiting(
  ctx: CliContext,
  status: CsmsStatus,
  who: { identity: string } | { identities: string[] },
  shared: string | null,
): void {
  if (ctx.output.json) {
    ctx.output.err(
      JSON.stringify({ event: 'waiting', ...who, urls: status.urls, ...(shared ? { shared: true } : {}) }),
    );
    return;
  }
  printTls(ctx, status, (line) => ctx.output.err(line));
  if (shared) {
    ctx.output.err(t(ctx, 'cli.channel.using', { dataDir: shared }));
    const asked = ctx.options.port;
    if (asked !== undefined && status.port !== null && Number(asked) !== status.port)
      ctx.output.err(t(ctx, 'cli.channel.portIgnored', { port: status.port, asked }));
  }
  const identity = 'identity' in who ? who.identity : who.identities.join(', ');
  ctx.output.err(t(ctx, 'cli.csms.waiting', { identity }));
  for (const url of status.urls) ctx.output.err(`  ${url}`);
}

/** The boxes a command names are let in from the lobby of the running core's CSMS: those waiting there now
 *  and each one that connects while the command runs. Returns the end of that. */
function admitNamed(core: CliCore, identities: string[]): () => void {
  const named = new Set(identities);
  const asking = new Set<string>();
  const look = (box: BoxInfo) => {
    if (!named.has(box.identity) || box.admitted || box.state === 'offline' || asking.has(box.identity))
      return;
    asking.add(box.identity);
    // A box gone offline meanwhile is let in when it connects again (its next event).
    void call(core, 'boxes.admit', { identity: box.identity })
      .catch(() => undefined)
      .finally(() => asking.delete(box.identity));
  };
  const off = core.router.subscribe((event, payload) => {
    if (event === 'boxes.changed') look(payload as BoxInfo);
  });
  // Read after listening: a box that connects in between is seen either way.
  void call(core, 'csms.status', {})
    .then((status) => {
      for (const box of status.boxes) look(box);
    })
    .catch(() => undefined);
  return off;
}

/**
 * Runs fn for boxes on the CSMS of the core running elsewhere on this data folder: started by this command
 * when it was not listening (and stopped again after), else the one that runs, with the named boxes let in
 * from its lobby. The boxes stay connected to that CSMS afterwards: the next command finds them there.
 */
async function onSharedCsms<T>(
  ctx: CliContext,
  core: CliCore,
  who: { identity: string } | { identities: string[] },
  fn: () => Promise<T>,
): Promise<T> {
  const identities = 'identity' in who ? [who.identity] : who.identities;
  let status = await call(core, 'csms.status', {});
  let startedHere = false;
  if (!status.running) {
    const { password: _password, tls: _tls, ...options } = await csmsOptions(ctx, null, identities);
    const passwordSecretId = await passwordSecret(ctx, core);
    status = await call(core, 'csms.start', {
      ...options,
      tls: ctx.options.tls === true,
      ...(passwordSecretId ? { passwordSecretId } : {}),
    });
    startedHere = true;
  }
  printWaiting(ctx, status, who, core.dataDir);
  const stopAdmitting = admitNamed(core, identities);
  try {
    return await fn();
  } finally {
    stopAdmitting();
    if (startedHere) await call(core, 'csms.stop', {});
  }
}

/** Waits until the box is connected and let in on the running core's CSMS, or --timeout, or Ctrl+C. */
async function remoteBoxReady(ctx: CliContext, core: CliCore, id: string): Promise<void> {
  const timeoutS = ctx.options.timeout === undefined ? 300 : Number(ctx.options.timeout);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  let off = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AppError('BOX_OFFLINE', { identity: id })), timeoutS * 1000);
      const settle = (error?: unknown) => {
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve();
      };
      abort.signal.addEventListener('abort', () => settle(new AppError('CANCELLED')));
      const look = (box: BoxInfo | undefined) => {
        if (box?.identity === id && box.state !== 'offline' && box.admitted) settle();
      };
      off = core.router.subscribe((event, payload) => {
        if (event === 'boxes.changed') look(payload as BoxInfo);
      });
      call(core, 'csms.status', {}).then(
        (status) => look(status.boxes.find((b) => b.identity === id)),
        settle,
      );
      void core.gone?.then(() => settle(new AppError('CORE_UNREACHABLE')));
    });
  } finally {
    off();
    process.off('SIGINT', onSignal);
  }
}

/**
 * Waits for the box on the local CSMS (the running core's, through its channel, or one started here
 * for this command), until it connects or the timeout, and runs fn on it.
 */
export async function withBox(
  ctx: CliContext,
  target: Core | CliCore,
  fn: (identity: string) => Promise<void>,
): Promise<void> {
  const identity = ctx.options.identity;
  if (!identity) usage(ctx, 'config get|set --identity ID');
  const id = identity as string;
  const cli = cliCoreOf(target);
  if (!cli.local)
    return onSharedCsms(ctx, cli, { identity: id }, async () => {
      await remoteBoxReady(ctx, cli, id);
      await fn(id);
    });
  const core = cli.local;
  // A caller holding its own core (wbc cards) while another runs the folder's CSMS: its box is there.
  if (await channelAnswers(channelPaths(core.dataDir).address))
    throw new AppError('CORE_BUSY_ELSEWHERE', { dataDir: core.dataDir });
  const status = await core.ocpp.start(await csmsOptions(ctx, core, [id]));
  printWaiting(ctx, status, { identity: id }, null);
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

/**
 * `wbc csms listen`: runs the core and its CSMS until Ctrl+C and opens the data folder's local channel,
 * so later `wbc` commands use this CSMS and its boxes; refused when a core already runs on the folder.
 */
function listen(ctx: CliContext): Promise<number> {
  return withCore(ctx, async (core) => {
    const channel = await openLocalChannel(core);
    // Ctrl+C and SIGTERM are ours from here on: one that comes while the CSMS starts still stops it cleanly.
    const stopped = untilSignal();
    // The folder's core: the company-CSMS outbox goes out by itself while it runs.
    core.startAutoSync();
    try {
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
        if (ctx.options['admit-all'] !== true) ctx.output.out(t(ctx, 'cli.csms.lobbyHint'));
      }
      const off = core.router.subscribe((event, payload) => {
        if (event !== 'boxes.changed') return;
        const box = payload as BoxInfo;
        if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'box', box }));
        else ctx.output.out(describeBox(ctx, box));
      });
      // Refusals (wrong password, bad identity, throttled, ...) are said here, not only in the trace.
      const onRefused = (refusal: CsmsRefusal) => {
        if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'refused', ...refusal }));
        else ctx.output.out(describeRefusal(ctx, refusal));
      };
      core.ocpp.on('refused', onRefused);
      const offTrace = core.ocpp.trace.subscribe((frame) => {
        if (frame.kind !== 'pruned') return;
        const details = JSON.parse(frame.frame) as { frames?: number; reason?: string };
        if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'trace-pruned', ...details }));
        else
          ctx.output.out(
            t(ctx, 'cli.csms.tracePruned', {
              frames: details.frames ?? 0,
              reason: t(ctx, `cli.csms.pruneReason.${details.reason ?? 'total'}`),
            }),
          );
      });
      await stopped;
      core.ocpp.off('refused', onRefused);
      offTrace();
      off();
      const connected = core.ocpp.status().boxes.filter((b) => b.state !== 'offline').length;
      await core.ocpp.stop();
      if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'stopped', connected }));
      else ctx.output.out(t(ctx, 'cli.csms.stopped', { count: connected }));
    } finally {
      await channel.close();
    }
  });
}

/** The options of every command that waits for a box on the local CSMS. */
export const boxOptions = ['identity', 'host', 'port', 'timeout', 'tls', 'password-file', 'admit-all'];

export const ocppCommands: Command[] = [
  {
    name: 'csms',
    usage:
      'csms listen [--port P] [--expect ID,ID] [--admit-all] [--tls] [--password-file F] | csms ca [--out F]',
    summaryKey: 'cli.csms.summary',
    subcommands: [
      {
        name: 'listen',
        usage: 'csms listen [--host H] [--port P] [--expect ID,ID] [--admit-all] [--tls] [--password-file F]',
        summaryKey: 'cli.help.csms.listen',
        options: ['host', 'port', 'expect', 'admit-all', 'tls', 'password-file'],
      },
      {
        name: 'ca',
        usage: 'csms ca [--out FILE] [--renew --yes]',
        summaryKey: 'cli.help.csms.ca',
        options: ['out', 'renew', 'yes'],
      },
      { name: 'status', usage: 'csms status', summaryKey: 'cli.help.csms.status' },
    ],
    run: async (ctx) => {
      if (ctx.args[0] === 'listen') return listen(ctx);
      return withApi(ctx, async (core) => {
        if (ctx.args[0] === 'status') {
          // The CSMS of the core running on this data folder, with its boxes (none runs: not running).
          const status = await call(core, 'csms.status', {});
          print(ctx, status, () => {
            ctx.output.out(t(ctx, status.running ? 'cli.csms.listening' : 'cli.csms.notRunning'));
            for (const url of status.urls) ctx.output.out(`  ${url}/<identity>`);
            for (const box of status.boxes) ctx.output.out(describeBox(ctx, box));
          });
          return;
        }
        if (ctx.args[0] === 'ca') {
          // The CA to install into boxes before the CSMS ever runs (made now if it does not exist yet);
          // --renew --yes replaces it, and only then (boxes that trust the old one need the new one).
          // Renewing changes what a running CSMS serves: only with the folder's core in this process.
          const local = core.local;
          if (ctx.options.renew && !local)
            throw new AppError('CORE_BUSY_ELSEWHERE', { dataDir: core.dataDir });
          const old = ctx.options.renew && local ? storedCaFingerprint(local.store) : null;
          if (ctx.options.renew && old && !ctx.options.yes) {
            throw new AppError('CSMS_CA_RENEW_NOT_CONFIRMED', { fingerprint: old });
          }
          const ca =
            ctx.options.renew && local
              ? await renewCsmsCa({
                  store: local.store,
                  vault: local.vault,
                  actor: local.context('cli').actor,
                })
              : await call(core, 'csms.certificate', {});
          if (old) ctx.output.err(t(ctx, 'cli.csms.ca.renewed', { fingerprint: ca.caFingerprint, old }));
          const out = ctx.options.out;
          if (out) writeFileSync(out, `${ca.caCertificate}\n`);
          print(ctx, ca, () => {
            if (out)
              ctx.output.out(t(ctx, 'cli.csms.ca.written', { file: out, fingerprint: ca.caFingerprint }));
            else ctx.output.out(ca.caCertificate);
          });
          return;
        }
        usage(
          ctx,
          'csms listen [--host H] [--port P] [--expect ID,ID] [--admit-all] [--tls] [--password-file F] | csms ca [--out F] | csms status',
        );
      });
    },
  },
  {
    name: 'config',
    usage: 'config get|set --identity ID [NAME ... | KEY=VALUE ...]',
    summaryKey: 'cli.config.summary',
    subcommands: [
      {
        name: 'get',
        usage: 'config get --identity ID [NAME ...] [--port P] [--timeout S]',
        summaryKey: 'cli.help.config.get',
        options: boxOptions,
      },
      {
        name: 'set',
        usage: 'config set --identity ID KEY=VALUE [KEY=VALUE ...] [--port P] [--timeout S]',
        summaryKey: 'cli.help.config.set',
        options: boxOptions,
      },
    ],
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const [action, ...pairs] = ctx.args;
        if (action === 'get') {
          // Names asked for: one that cannot be (or is not) the box's is answered now, before waiting.
          if (pairs.length > 0 && ctx.options.identity && core.local)
            core.local.ocpp.checkSettingNames(
              ctx.options.identity,
              pairs.map((key) => ({ key })),
              { strict: true, reading: true },
            );
          await withBox(ctx, core, async (identity) => {
            const read = await call(core, 'config.read', { identity });
            // How the box was read (a 2.0.1 box that withholds its report is read with GetVariables).
            if (!ctx.output.json && read.readVia) ctx.output.err(t(ctx, `session.readVia.${read.readVia}`));
            const asked =
              pairs.length > 0
                ? pickSettings(identity, read.ocppVersion === '2.0.1' ? '2.0.1' : '1.6', read.entries, pairs)
                : null;
            const snapshot = asked ? { ...read, entries: asked.entries } : read;
            for (const m of asked?.mapped ?? [])
              if (!ctx.output.json)
                ctx.output.err(
                  t(ctx, 'session.names.mappedRead', { from: m.from, to: m.to, version: read.ocppVersion }),
                );
            print(ctx, snapshot, () =>
              printTable(
                ctx.output,
                snapshot.entries.map((e) => ({
                  ...e,
                  key: terminalSafe(e.key),
                  value: e.writeOnly
                    ? t(ctx, 'cli.config.writeOnly')
                    : e.value === null
                      ? null
                      : terminalSafe(e.value),
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
          // A name that cannot be (or is not) the box's is answered now, not after waiting for the box.
          // (Through a running core's channel, that core checks them when the call arrives.)
          if (ctx.options.identity && core.local)
            core.local.ocpp.checkSettingNames(ctx.options.identity, changes, { strict: true });
          let refused = false;
          await withBox(ctx, core, async (identity) => {
            const results = await call(core, 'config.set', { identity, changes });
            refused = results.some((r) => r.status !== 'Accepted' && r.status !== 'RebootRequired');
            for (const r of results) {
              if (r.requestedKey && !ctx.output.json) {
                // A 2.0.1 name is Component.Variable: the name it was mapped to tells the box's version.
                const version = r.key.includes('.') ? '2.0.1' : '1.6';
                ctx.output.err(t(ctx, 'session.names.mapped', { from: r.requestedKey, to: r.key, version }));
              }
            }
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
    subcommands: [
      {
        name: 'export',
        usage: 'trace export [--identity ID] [--out FILE]',
        summaryKey: 'cli.trace.summary',
        options: ['identity', 'out'],
      },
    ],
    run: (ctx) =>
      withApi(ctx, async (core) => {
        if (ctx.args[0] !== 'export') usage(ctx, 'trace export [--identity ID] [--out FILE]');
        const lines = traceLines(core, ctx.options.identity);
        if (!ctx.options.out) {
          for await (const line of lines) ctx.output.out(line);
          return;
        }
        const file = createPrivateWriteStream(ctx.options.out);
        let count = 0;
        for await (const line of lines) {
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

/** The trace as JSON lines (each frame's JSON unpacked), read page by page through the api. */
async function* traceLines(core: ApiHost, identity: string | undefined): AsyncGenerator<string> {
  let afterId = 0;
  for (;;) {
    const page = await call(core, 'trace.list', { ...(identity ? { identity } : {}), afterId, limit: 1000 });
    if (page.length === 0) return;
    for (const frame of page) {
      yield JSON.stringify({ ...frame, frame: JSON.parse(frame.frame) as unknown });
      afterId = frame.id ?? afterId;
    }
  }
}

/** The CSMS for a fleet's boxes (one started here, or the running core's through its channel), where they
 *  should connect, and the fleet run on it: the same calls, lines and exit code either way. */
async function commissionMany(
  ctx: CliContext,
  core: CliCore,
  identities: string[],
  template: Template,
): Promise<number> {
  const concurrency = fleetConcurrency(ctx);
  const timeoutS = ctx.options.timeout === undefined ? 300 : Number(ctx.options.timeout);
  // A timeout that is no number would cancel every box that has not connected yet at once.
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) usage(ctx, COMMISSION_USAGE);
  // Asked before this command starts a CSMS of its own, which takes the runs under way up.
  const underWay = await followable(core, identities, template);
  const fleet = () => runFleet(ctx, core, { identities, template, concurrency, timeoutS, underWay });
  const local = core.local;
  if (!local) return onSharedCsms(ctx, core, { identities }, fleet);
  const status = await local.ocpp.start(await csmsOptions(ctx, local, identities));
  printWaiting(ctx, status, { identities }, null);
  try {
    return await fleet();
  } finally {
    await local.ocpp.stop();
  }
}

/** Exit code of a run that left the laptop but that no CSMS confirmed: not a success, not a failure. */
export const EXIT_LEFT_NOT_CONFIRMED = 3;

/** Where the box stands at each company CSMS set up here, as the run left it before the reset. */
function printRegistration(ctx: CliContext, run: RunDetail): void {
  for (const entry of run.state.registration ?? []) {
    const reason = entry.error
      ? errorText(ctx.language, entry.error.code as ErrorCode, entry.error.params).message
      : '';
    ctx.output.out(`  ${t(ctx, `cli.commission.registration.${entry.state}`, { csms: entry.csms, reason })}`);
  }
}

/** What a failed run put back (or kept) and what the box does with what it holds at its next reboot. */
function printRollback(ctx: CliContext, run: RunDetail): void {
  const rollback = run.state.rollback;
  if (!rollback) return;
  ctx.output.out(t(ctx, rollback.mode === 'kept' ? 'cli.commission.kept' : 'cli.commission.putBack'));
  for (const entry of rollback.entries) {
    const line = rollbackLine(entry);
    ctx.output.out(`  ${t(ctx, line.key, line.params)}`);
  }
  ctx.output.out(t(ctx, `rollback.next.${rollback.nextReboot}`));
}

/**
 * Starts a run on a box and follows it to its end: each step on stderr, Ctrl+C (or SIGTERM) cancels the run
 * wherever it stands, waiting for its box included. Shared by `wbc commission` and `wbc swap`.
 */
export async function followRun(
  ctx: CliContext,
  core: CliCore,
  identity: string,
  start: () => Promise<RunSummary>,
): Promise<RunDetail> {
  const off = core.router.subscribe((event, payload) => {
    if (event !== 'commissioning.changed') return;
    const run = payload as RunSummary;
    if (run.identity !== identity) return;
    if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'run', status: run.status, step: run.step }));
    else
      ctx.output.err(
        t(ctx, 'cli.commission.step', {
          identity,
          step: t(ctx, `run.step.${run.step}`),
          status: t(ctx, `run.status.${run.status}`),
        }),
      );
  });
  let cancel: () => void = () => undefined;
  try {
    const started = await start();
    cancel = () => void call(core, 'commissioning.cancel', { id: started.id }).catch(() => undefined);
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    const [run] = await runsSettled(core, [started.id]);
    return run as RunDetail;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    off();
  }
}

/** The run's outcome, its answers, what was put back and where the box stands at each company CSMS; a failed
 *  run throws its error (exit 1), one left not confirmed returns EXIT_LEFT_NOT_CONFIRMED, a confirmed one 0. */
export function printRunOutcome(ctx: CliContext, run: RunDetail, identity: string): number {
  print(ctx, run, () => {
    ctx.output.out(runOutcomeLine(ctx, run));
    if (run.status === 'left-not-confirmed') ctx.output.out(t(ctx, 'cli.commission.leftCheck', { identity }));
    for (const [key, status] of Object.entries(run.state.results))
      ctx.output.out(`  ${key.padEnd(44)} ${status}`);
    printRollback(ctx, run);
    printRegistration(ctx, run);
    printPreflight(ctx, run);
  });
  if (run.error) throw new AppError(run.error.code as ErrorCode, run.error.params);
  return run.status === 'left-not-confirmed' ? EXIT_LEFT_NOT_CONFIRMED : 0;
}

/** The pre-flight checks that ran by themselves after the reset, each with what it saw (and its remedy). */
function printPreflight(ctx: CliContext, run: RunDetail): void {
  const lines = run.state.preflight ?? [];
  if (lines.length === 0) return;
  ctx.output.out(t(ctx, 'run.preflight.title'));
  for (const line of lines) {
    const status = t(ctx, `preflight.status.${line.status}`);
    ctx.output.out(`  ${t(ctx, 'cli.preflight.line', { status, name: line.check, detail: line.detail })}`);
  }
}

/** `wbc commission`: waits for the box (or each box of a fleet), runs the template on it, prints the outcome.
 *  Exit 0: confirmed by the company CSMS; 3: left, not confirmed; 1: failed or cancelled (Ctrl+C). */
export const commissionCommand: Command = {
  name: 'commission',
  usage: COMMISSION_USAGE,
  summaryKey: 'cli.commission.summary',
  options: [
    'template',
    'site',
    'expected',
    'expect',
    'concurrency',
    'keep-on-failure',
    ...boxOptions,
    'serial',
    'http',
    'driver',
  ],
  run: async (ctx) => {
    // A box on a USB cable or its own HTTP API: the driver-backed run (commands-serial.ts).
    if (ctx.options.serial || ctx.options.http || ctx.options['modbus-tcp']) {
      const { commissionOverDriver } = await import('./commands-serial.ts');
      return commissionOverDriver(ctx);
    }
    let exit = 0;
    const code = await withApi(ctx, async (core) => {
      const targets = await commissionTargets(ctx, core);
      const template = loadTemplateFile(ctx.options.template as string);
      if (targets.fleet) {
        // Beside a running core (csms listen, serve, the app) the fleet runs there, on its CSMS and boxes.
        exit = await commissionMany(ctx, core, targets.identities, template);
        return;
      }
      const id = targets.identities[0] as string;
      const one: CliContext = { ...ctx, options: { ...ctx.options, identity: id } };
      await withBox(one, core, async () => {
        const run = await followRun(ctx, core, id, () =>
          call(core, 'commissioning.start', {
            identity: id,
            template,
            approval: 'auto',
            keepOnFailure: ctx.options['keep-on-failure'] === true,
          }),
        );
        exit = printRunOutcome(ctx, run, id);
      });
    });
    return code === 0 ? exit : code;
  },
};
