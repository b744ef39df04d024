// The `wbc` command line: the same contract as the desktop and the browser shell, called in-process
// through the router. Later capabilities add their commands to the table in commands.ts.
import { parseArgs } from 'node:util';
import { type Language, languageFromLocale, translate } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import { toWireError, wireError } from '../api/router.ts';
import { commands } from './commands.ts';
import { filesCliOptions } from './commands-files.ts';
import { modbusCliOptions } from './commands-modbus.ts';
import type { CliContext } from './context.ts';
import { commandHelp, findHelp } from './help.ts';
import { consoleOutput, printError } from './output.ts';

const globalOptions = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  host: { type: 'string' },
  port: { type: 'string' },
  address: { type: 'string' },
  tag: { type: 'string' },
  limit: { type: 'string' },
  entity: { type: 'string' },
  identity: { type: 'string' },
  expect: { type: 'string' },
  'admit-all': { type: 'boolean', default: false },
  out: { type: 'string' },
  timeout: { type: 'string' },
  ocpp: { type: 'string' },
  url: { type: 'string' },
  count: { type: 'string' },
  password: { type: 'string' },
  template: { type: 'string' },
  group: { type: 'string' },
  // csms listen: wss:// with the tool's CA, basic auth from a file (never on the command line)
  tls: { type: 'boolean', default: false },
  'password-file': { type: 'string' },
  // cards enroll, readers
  reader: { type: 'string', multiple: true },
  label: { type: 'string' },
  roster: { type: 'string' },
  owner: { type: 'string' },
  'valid-until': { type: 'string' },
  baud: { type: 'string' },
  format: { type: 'string' },
  // serial list/term, identify, commission --serial, simulate openevse (h-serial)
  serial: { type: 'string' },
  driver: { type: 'string' },
  http: { type: 'string' },
  rapi: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  // cards import / export / push --site
  yes: { type: 'boolean', short: 'y', default: false },
  // sites delete
  'move-to': { type: 'string' },
  'create-groups': { type: 'boolean', default: false },
  shape: { type: 'string' },
  country: { type: 'string' },
  party: { type: 'string' },
  site: { type: 'string' },
  // cards learn / cards format, simulate
  uid: { type: 'string', multiple: true },
  'uid-format': { type: 'string' },
  clear: { type: 'boolean', default: false },
  // csms ca --renew (with --yes), serve --allow-remote
  renew: { type: 'boolean', default: false },
  'allow-remote': { type: 'boolean', default: false },
  // commission: a fleet (h-fleet)
  expected: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  // commission (h-run)
  'keep-on-failure': { type: 'boolean', default: false },
  // sync (h-sync)
  kind: { type: 'string' },
  'csms-url': { type: 'string' },
  user: { type: 'string' },
  'secret-file': { type: 'string' },
  'in-flight': { type: 'string' },
  wait: { type: 'string' },
  'graphql-url': { type: 'string' },
  'ca-file': { type: 'string' },
  'keep-ours': { type: 'boolean', default: false },
  'take-theirs': { type: 'boolean', default: false },
  // proxy (h-proxy)
  upstream: { type: 'string' },
  ca: { type: 'string' },
  // report (h-report)
  run: { type: 'string' },
  // report --fleet ID (h-fleet)
  fleet: { type: 'string' },
  // backup, diff, swap (h-swap)
  from: { type: 'string' },
  to: { type: 'string' },
  against: { type: 'string' },
  'verify-window': { type: 'string' },
  'from-file': { type: 'string' },
  'new-password': { type: 'boolean', default: false },
  // modbus (h-modbus)
  ...modbusCliOptions,
  // firmware update, logs fetch (h-files)
  ...filesCliOptions,
} as const;

function helpText(language: Language): string {
  const t = (key: string) => translate(language, key);
  const lines = [t('cli.usage'), '', t('cli.commands')];
  for (const command of commands) {
    const usage =
      command.usage.length > 46 ? `${command.usage}\n  ${''.padEnd(46)}` : command.usage.padEnd(46);
    lines.push(`  ${usage} ${t(command.summaryKey)}`);
  }
  lines.push('', t('cli.options'));
  lines.push(`  ${'--data-dir DIR'.padEnd(46)} ${t('cli.option.dataDir')}`);
  lines.push(`  ${'--json'.padEnd(46)} ${t('cli.option.json')}`);
  lines.push(`  ${'--lang en|de'.padEnd(46)} ${t('cli.option.lang')}`);
  lines.push(`  ${'--help, -h'.padEnd(46)} ${t('cli.opt.help')}`);
  lines.push('', t('cli.help.more.general'));
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof globalOptions; allowPositionals: true }>>;
  const envLanguage = languageFromLocale(process.env.LC_ALL || process.env.LANG);
  try {
    parsed = parseArgs({ args: argv, options: globalOptions, allowPositionals: true, strict: true });
  } catch (error) {
    const output = consoleOutput(argv.includes('--json'));
    const detail = error instanceof Error ? error.message : String(error);
    printError(output, wireError('BAD_REQUEST', { detail }, envLanguage));
    output.err(helpText(envLanguage));
    return 2;
  }
  const { values, positionals } = parsed;
  const language = languageFromLocale(values.lang ?? (process.env.LC_ALL || process.env.LANG));
  const output = consoleOutput(values.json);
  const [name, ...rest] = positionals;

  // Help is answered here, before any command runs: nothing is opened, started or written.
  const helpWords = name === 'help' ? rest : values.help ? positionals : undefined;
  if (!name || (helpWords && helpWords.length === 0)) {
    output.out(helpText(language));
    return 0;
  }
  if (helpWords) {
    const found = findHelp(commands, helpWords);
    if (!found) {
      printError(output, wireError('UNKNOWN_METHOD', { method: String(helpWords[0]) }, language));
      output.err(helpText(language));
      return 2;
    }
    output.out(commandHelp(language, found.path, found.spec));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    printError(output, wireError('UNKNOWN_METHOD', { method: name }, language));
    output.err(helpText(language));
    return 2;
  }
  const ctx: CliContext = { args: rest, options: values, output, language };
  try {
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof AppError) {
      printError(output, toWireError(error, language));
      return 1;
    }
    printError(output, wireError('INTERNAL', { method: name, incident: 'cli' }, language));
    return 1;
  }
}
