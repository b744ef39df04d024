// `wbc simulate openevse`: a trainee's OpenEVSE on the desk: the controller answering RAPI on a serial
// port (one end of `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`) and its WiFi HTTP API on loopback.
import { createInterface } from 'node:readline';
import { OpenEvseHttpSimulator } from '../simulator/openevse-http.ts';
import { RapiSimulator } from '../simulator/openevse-rapi.ts';
import { type CliContext, t, usage } from './context.ts';

export async function simulateOpenEvse(ctx: CliContext): Promise<number> {
  const path = ctx.options.serial;
  const port = ctx.options.port === undefined ? 0 : Number(ctx.options.port);
  if (!path || !Number.isInteger(port) || port < 0 || port > 65_535)
    return usage(ctx, 'simulate openevse --serial PATH [--port P]');
  const rapi = new RapiSimulator();
  const http = new OpenEvseHttpSimulator();
  const { serialOpenError } = await import('../drivers/serial/open-errors.ts');
  try {
    await rapi.open(path);
  } catch (error) {
    throw serialOpenError(path, error);
  }
  const url = await http.listen(port);
  ctx.output.err(t(ctx, 'cli.simulate.openevse.ready', { path, url }));
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [word, value] = line.trim().split(/\s+/);
    const state = Number(value);
    if (word === 'state' && Number.isInteger(state)) void rapi.setState(state);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  lines.close();
  await Promise.all([rapi.close(), http.close()]);
  return 0;
}
