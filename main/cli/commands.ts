// The CLI's general commands (version, info, serve, sites, groups, audit): each parses its words, calls
// the api through the router and prints for people or, with --json, for scripts.
import { existsSync } from 'node:fs';
import { AppError } from '../api/errors.ts';
import { appName, appVersion } from '../core.ts';
import { isLoopbackHost } from '../server/access.ts';
import { type LocalChannel, openLocalChannel } from '../server/local-channel.ts';
import { startShellServer } from '../server/shell-server.ts';
import { boxesCommand, runsCommand } from './commands-boxes.ts';
import { cardsCommand, readersCommand } from './commands-cards.ts';
import { firmwareCommand, logsCommand } from './commands-files.ts';
import { liveCommand } from './commands-live.ts';
import { modbusCommand } from './commands-modbus.ts';
import { commissionCommand, ocppCommands } from './commands-ocpp.ts';
import { preflightCommand } from './commands-preflight.ts';
import { proxyCommand } from './commands-proxy.ts';
import { bundleCommand, reportCommand } from './commands-report.ts';
import { serialCommands } from './commands-serial.ts';
import { simulateCommand } from './commands-simulate.ts';
import { groupsCommand, sitesCommand } from './commands-sites.ts';
import { backupCommand, diffCommand, swapCommand } from './commands-swap.ts';
import { syncCommand } from './commands-sync.ts';
import { vaultCommand } from './commands-vault.ts';
import {
  type Command,
  call,
  numberArg,
  openCliCore,
  print,
  rendererDir,
  t,
  usage,
  withApi,
} from './context.ts';
import { printError, printTable } from './output.ts';

const generalCommands: Command[] = [
  {
    name: 'version',
    usage: 'version',
    summaryKey: 'cli.version.summary',
    async run(ctx) {
      const value = { name: appName, version: appVersion, node: process.versions.node };
      print(ctx, value, () => ctx.output.out(`${appName} ${appVersion} (Node ${process.versions.node})`));
      return 0;
    },
  },
  {
    name: 'info',
    usage: 'info',
    summaryKey: 'cli.info.summary',
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const info = await call(core, 'app.info', {});
        print(ctx, info, () => {
          for (const [key, value] of Object.entries(info)) ctx.output.out(`${key.padEnd(14)} ${value}`);
        });
      }),
  },
  {
    name: 'serve',
    usage: 'serve [--host H] [--port P] [--allow-remote]',
    summaryKey: 'cli.serve.summary',
    options: ['host', 'port', 'allow-remote'],
    async run(ctx) {
      const host = ctx.options.host ?? '127.0.0.1';
      // Plain HTTP with the token in the URL: beyond this computer only when asked, and said loudly.
      if (!isLoopbackHost(host) && !ctx.options['allow-remote']) {
        throw new AppError('SHELL_HOST_NOT_LOOPBACK', { host });
      }
      if (!existsSync(rendererDir)) {
        printError(ctx.output, {
          code: 'NOT_FOUND',
          params: {},
          message: t(ctx, 'cli.serve.notBuilt'),
          remedy: t(ctx, 'cli.serve.notBuiltRemedy'),
          fields: [],
        });
        return 1;
      }
      const port = ctx.options.port === undefined ? 0 : Number(ctx.options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(ctx, 'serve --port 0..65535');
      const core = openCliCore(ctx);
      // The core of this data folder for every later `wbc` command (or refused: one runs already).
      let channel: LocalChannel;
      try {
        channel = await openLocalChannel(core);
      } catch (error) {
        await core.close();
        throw error;
      }
      // The folder's core: the company-CSMS outbox goes out by itself while it runs.
      core.startAutoSync();
      const server = await startShellServer({
        core,
        staticDir: rendererDir,
        host,
        port,
        allowRemote: ctx.options['allow-remote'] === true,
      });
      if (!isLoopbackHost(host)) ctx.output.err(t(ctx, 'cli.serve.remoteWarning', { host }));
      // Listened for before the address is printed: a signal right after it still stops cleanly.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      print(ctx, { url: server.url, port: server.port, dataDir: core.dataDir }, () => {
        ctx.output.out(t(ctx, 'cli.serve.ready', { url: server.url }));
        ctx.output.out(t(ctx, 'cli.serve.stop'));
      });
      await stopped;
      await server.close();
      await channel.close();
      await core.close();
      return 0;
    },
  },
  sitesCommand,
  groupsCommand,
  {
    name: 'audit',
    usage: 'audit [--limit N] [--entity E]',
    summaryKey: 'cli.audit.summary',
    options: ['limit', 'entity'],
    run: (ctx) =>
      withApi(ctx, async (core) => {
        const entries = await call(core, 'audit.list', {
          limit: numberArg(ctx.options.limit) ?? 50,
          entity: ctx.options.entity,
        });
        print(ctx, entries, () =>
          printTable(
            ctx.output,
            entries.map((e) => ({ ...e, after: e.after === null ? '' : JSON.stringify(e.after) })),
            ['at', 'actor', 'action', 'entity', 'entityId', 'after'],
          ),
        );
      }),
  },
];

export const commands: Command[] = [
  ...generalCommands,
  ...ocppCommands,
  commissionCommand,
  ...serialCommands,
  boxesCommand,
  runsCommand,
  cardsCommand,
  readersCommand,
  simulateCommand,
  syncCommand,
  vaultCommand,
  proxyCommand,
  liveCommand,
  reportCommand,
  bundleCommand,
  preflightCommand,
  modbusCommand,
  firmwareCommand,
  logsCommand,
  backupCommand,
  diffCommand,
  swapCommand,
];
