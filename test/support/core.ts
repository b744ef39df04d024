// A real core (SQLite file, key file, router) in a temporary folder, closed when the test ends.
// Tests call it through the router exactly as a face would.
import type { TestContext } from 'node:test';
import type { MethodName, ParamsOf, ResultOf } from '../../main/api/contract.ts';
import type { Reply } from '../../main/api/wire.ts';
import { type Core, type CoreOptions, openCore } from '../../main/core.ts';
import { tempDir } from './temp.ts';

export function testCore(t: TestContext, options: Partial<CoreOptions> = {}): Core {
  const core = openCore({ dataDir: options.dataDir ?? tempDir(t), defaultLanguage: 'en', ...options });
  t.after(() => core.close());
  return core;
}

export async function callOk<M extends MethodName>(
  core: Core,
  method: M,
  params: ParamsOf<M>,
): Promise<ResultOf<M>> {
  const reply = await core.router.call(method, params, core.context('cli'));
  if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as ResultOf<M>;
}

export function callRaw(core: Core, method: string, params: unknown): Promise<Reply> {
  return core.router.call(method, params, core.context('cli'));
}
