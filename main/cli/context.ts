// What every CLI command shares: its context (words, options, output, language), opening the core,
// calling the api through the router, and printing for people or as JSON for scripts.
import { fileURLToPath } from 'node:url';
import { type Language, translate } from '../../locales/translate.ts';
import type { MethodName, ParamsOf, ResultOf } from '../api/contract.ts';
import { AppError } from '../api/errors.ts';
import { ApiCallError } from '../api/wire.ts';
import { type Core, openCore } from '../core.ts';
import { resolveDataDir } from '../store/paths.ts';
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
    watch?: boolean | undefined;
    yes?: boolean | undefined;
    'create-groups'?: boolean | undefined;
    'keep-on-failure'?: boolean | undefined;
    shape?: string | undefined;
    country?: string | undefined;
    party?: string | undefined;
    site?: string | undefined;
    uid?: string[] | undefined;
    'uid-format'?: string | undefined;
    clear?: boolean | undefined;
  };
  output: Output;
  language: Language;
}

export interface Command {
  name: string;
  usage: string;
  summaryKey: string;
  run(ctx: CliContext): Promise<number>;
}

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export function openCliCore(ctx: CliContext): Core {
  return openCore({
    dataDir: resolveDataDir({ flag: ctx.options['data-dir'] }),
    defaultLanguage: ctx.language,
  });
}

export async function call<M extends MethodName>(
  core: Core,
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
  try {
    await fn(core);
    return 0;
  } catch (error) {
    if (error instanceof ApiCallError) {
      printError(ctx.output, error.error);
      return 1;
    }
    throw error;
  } finally {
    await core.close();
  }
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
