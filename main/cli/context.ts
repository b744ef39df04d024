// What every CLI command shares: its context (words, options, output, language), opening the core,
// calling the api through the router, and printing for people or as JSON for scripts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Language, translate } from '../../locales/translate.ts';
import type { MethodName, ParamsOf, ResultOf } from '../api/contract.ts';
import { AppError } from '../api/errors.ts';
import type { CallContext } from '../api/router.ts';
import type { Face } from '../api/types.ts';
import { ApiCallError } from '../api/wire.ts';
import { type Core, openCore } from '../core.ts';
import { connectLocalChannel } from '../server/local-channel-client.ts';
import { resolveDataDir } from '../store/paths.ts';
import { keyFilePath, sealedKeyFilePath } from '../store/vault-key.ts';
import type { HelpSpec } from './help.ts';
import { type Output, printError } from './output.ts';

export interface CliContext {
  args: string[];
  options: {
    'data-dir'?: string | undefined;
    json: boolean;
    host?: string | undefined;
    port?: string | undefined;
    address?: string | undefined;
    tag?: string | undefined;
    limit?: string | undefined;
    entity?: string | undefined;
    identity?: string | undefined;
    expect?: string | undefined;
    'admit-all'?: boolean | undefined;
    out?: string | undefined;
    timeout?: string | undefined;
    ocpp?: string | undefined;
    url?: string | undefined;
    count?: string | undefined;
    password?: string | undefined;
    template?: string | undefined;
    group?: string | undefined;
    tls?: boolean | undefined;
    'password-file'?: string | undefined;
    reader?: string[] | undefined;
    label?: string | undefined;
    roster?: string | undefined;
    owner?: string | undefined;
    'valid-until'?: string | undefined;
    baud?: string | undefined;
    format?: string | undefined;
    serial?: string | undefined;
    driver?: string | undefined;
    http?: string | undefined;
    rapi?: boolean | undefined;
    watch?: boolean | undefined;
    yes?: boolean | undefined;
    'move-to'?: string | undefined;
    'create-groups'?: boolean | undefined;
    'keep-on-failure'?: boolean | undefined;
    shape?: string | undefined;
    country?: string | undefined;
    party?: string | undefined;
    site?: string | undefined;
    uid?: string[] | undefined;
    'uid-format'?: string | undefined;
    clear?: boolean | undefined;
    renew?: boolean | undefined;
    'allow-remote'?: boolean | undefined;
    expected?: boolean | undefined;
    concurrency?: string | undefined;
    kind?: string | undefined;
    'csms-url'?: string | undefined;
    user?: string | undefined;
    'secret-file'?: string | undefined;
    'in-flight'?: string | undefined;
    wait?: string | undefined;
    'graphql-url'?: string | undefined;
    'ca-file'?: string | undefined;
    'keep-ours'?: boolean | undefined;
    'take-theirs'?: boolean | undefined;
    upstream?: string | undefined;
    ca?: string | undefined;
    run?: string | undefined;
    fleet?: string | undefined;
    // backup, diff, swap (h-swap)
    from?: string | undefined;
    to?: string | undefined;
    'from-file'?: string | undefined;
    'new-password'?: boolean | undefined;
    against?: string | undefined;
    'verify-window'?: string | undefined;
    // modbus, identify/commission of mapped drivers (h-modbus)
    'modbus-tcp'?: string | undefined;
    map?: string | undefined;
    id?: string | undefined;
    profile?: string | undefined;
  };
  output: Output;
  language: Language;
}

/** One `wbc` command: its help (usage, summary, options, subcommands: see help.ts) and what it does. */
export interface Command extends HelpSpec {
  run(ctx: CliContext): Promise<number>;
}

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export function openCliCore(ctx: CliContext): Core {
  const dataDir = resolveDataDir({ flag: ctx.options['data-dir'] });
  // The desktop sealed this folder's key with the OS key store: only the running app can open it.
  if (existsSync(sealedKeyFilePath(dataDir)) && !existsSync(keyFilePath(dataDir)))
    throw new AppError('VAULT_KEY_SEALED', { dataDir });
  return openCore({ dataDir, defaultLanguage: ctx.language });
}

/** What a command needs to call the api: a core in this process or the running one's channel. */
export type ApiHost = Pick<Core, 'router' | 'context'>;

/**
 * The core as a command sees it: calls and events, and `local` when it runs in this process. When a
 * core already runs on the data folder (desktop, `wbc serve`, `wbc csms listen`), calls go through its
 * local channel and `local` is null: its CSMS, its boxes and its runs are the ones the command uses.
 */
export interface CliCore extends ApiHost {
  readonly dataDir: string;
  readonly local: Core | null;
  /** Through a channel: settles when it closes (the running core stopped); null for a core in this process. */
  readonly gone: Promise<void> | null;
}

export function cliCoreOf(core: Core | CliCore): CliCore {
  if ('local' in core) return core;
  return {
    dataDir: core.dataDir,
    router: core.router,
    context: (face) => core.context(face),
    local: core,
    gone: null,
  };
}

/** The running core's channel on this data folder as a CliCore, or null when none runs. */
export async function remoteCore(ctx: CliContext): Promise<(CliCore & { close(): Promise<void> }) | null> {
  const dataDir = resolveDataDir({ flag: ctx.options['data-dir'] });
  const channel = await connectLocalChannel(dataDir, ctx.language);
  if (!channel) return null;
  const context = (face: Face): CallContext => ({ face, actor: `${face}` });
  return {
    dataDir,
    local: null,
    gone: channel.closed,
    context,
    router: {
      call: (method, params) => channel.call(method, params),
      subscribe: (listener) => channel.subscribe(listener),
      emit: () => undefined,
    },
    close: () => channel.close(),
  };
}

/**
 * Like withCore, but through the core already running on the data folder when there is one (its
 * channel), else with a core opened in this process; closed cleanly either way.
 */
export async function withApi(ctx: CliContext, fn: (core: CliCore) => Promise<void>): Promise<number> {
  const remote = await remoteCore(ctx);
  if (!remote) return withCore(ctx, (core) => fn(cliCoreOf(core)));
  return printingApiErrors(
    ctx,
    () => fn(remote),
    () => remote.close(),
  );
}

/** Runs fn: 0 when it ends, 1 with an api error printed the way a technician reads it; always closes. */
async function printingApiErrors(
  ctx: CliContext,
  fn: () => Promise<void>,
  close: () => Promise<void>,
): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (error) {
    if (error instanceof ApiCallError) {
      printError(ctx.output, error.error);
      return 1;
    }
    throw error;
  } finally {
    await close();
  }
}

export async function call<M extends MethodName>(
  core: ApiHost,
  method: M,
  params: ParamsOf<M>,
): Promise<ResultOf<M>> {
  const reply = await core.router.call(method, params, core.context('cli'));
  if (!reply.ok) throw new ApiCallError(reply.error);
  return reply.result as ResultOf<M>;
}

/** Opens the core, runs fn, prints an api error the way a technician reads it, always closes. */
export async function withCore(ctx: CliContext, fn: (core: Core) => Promise<void>): Promise<number> {
  const core = openCliCore(ctx);
  return printingApiErrors(
    ctx,
    () => fn(core),
    () => core.close(),
  );
}

export function print(ctx: CliContext, value: unknown, text: () => void): void {
  if (ctx.output.json) ctx.output.out(JSON.stringify(value, null, 2));
  else text();
}

/** Numbers typed on the command line go to the router as numbers; the schema judges them. */
export function numberArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && value.trim() !== '' ? n : (value as unknown as number);
}

export function usage(ctx: CliContext, command: string): number {
  throw new AppError('BAD_REQUEST', { detail: translate(ctx.language, 'cli.usageOf', { usage: command }) });
}

export const t = (ctx: CliContext, key: string, params?: Record<string, string | number>) =>
  translate(ctx.language, key, params);
