// `--help` for every command and subcommand, from what the command table declares (usage, summary,
// options): the parser answers it before a command runs, so no command can forget it or act on it.
import { type Language, translate } from '../../locales/translate.ts';

/** What a command or a subcommand declares about itself; `options` are long option names (no --). */
export interface HelpSpec {
  name: string;
  usage: string;
  summaryKey: string;
  options?: readonly string[];
  subcommands?: readonly HelpSpec[];
}

/** The value an option takes, shown after its flag; options without one are switches. */
const optionValues: Record<string, string> = {
  'data-dir': 'DIR',
  lang: 'en|de',
  host: 'H',
  port: 'P',
  address: 'TEXT',
  tag: 'TAG',
  limit: 'N',
  entity: 'E',
  identity: 'ID',
  expect: 'ID,ID',
  out: 'FILE',
  timeout: 'S',
  ocpp: '1.6|2.0.1',
  url: 'URL',
  count: 'N',
  password: 'P',
  template: 'FILE',
  group: 'NAME',
  'password-file': 'FILE',
  reader: 'ID',
  label: 'PATTERN',
  roster: 'FILE',
  owner: 'TEXT',
  'valid-until': 'DATE',
  baud: 'N',
  format: 'F',
  // modbus, identify/commission of mapped drivers (h-modbus)
  tcp: 'HOST[:PORT]',
  'modbus-tcp': 'HOST[:PORT]',
  map: 'NAME|FILE',
  profile: 'NAME|FILE',
  id: 'N',
  ids: '1-247',
  register: 'N',
  function: 'holding|input|coil|discrete',
  setting: 'NAME',
  value: 'V',
  parity: 'none|even|odd',
  serial: 'PATH',
  driver: 'NAME',
  http: 'ADDRESS',
  shape: 'plain|steve|ocpi',
  country: 'CC',
  party: 'PID',
  site: 'NAME',
  uid: 'HEX',
  'uid-format': 'PRESET',
  concurrency: 'N',
  kind: 'steve|citrineos|ocpi|maeve|file',
  'csms-url': 'URL',
  user: 'NAME',
  'secret-file': 'FILE',
  'in-flight': 'N',
  wait: 'S',
  'graphql-url': 'URL',
  'ca-file': 'FILE',
  run: 'ID',
  fleet: 'ID',
  upstream: 'URL',
  ca: 'FILE',
  // firmware update, logs fetch (h-files)
  file: 'FILE',
  signature: 'BASE64',
  'signing-cert': 'FILE',
  type: 'diagnostics|security',
  protocol: 'http|ftp',
  // backup, diff, swap (h-swap)
  from: 'ID',
  to: 'ID',
  against: 'ID',
  'verify-window': 'S',
};

/** Options every command takes. */
export const commonOptions = ['data-dir', 'json', 'lang', 'help'] as const;

export function optionFlag(name: string): string {
  const value = optionValues[name];
  return value ? `--${name} ${value}` : `--${name}`;
}

export function optionKey(name: string): string {
  return `cli.opt.${name}`;
}

const column = 30;

function row(left: string, right: string): string {
  return left.length >= column
    ? `  ${left}\n  ${''.padEnd(column)} ${right}`
    : `  ${left.padEnd(column)} ${right}`;
}

/** The help of one command (`path` = ['cards']) or subcommand (['cards', 'export']). */
export function commandHelp(language: Language, path: readonly string[], spec: HelpSpec): string {
  const t = (key: string) => translate(language, key);
  const lines = [translate(language, 'cli.usageOf', { usage: spec.usage }), '', t(spec.summaryKey)];
  if (spec.subcommands && spec.subcommands.length > 0) {
    lines.push('', t('cli.help.subcommands'));
    for (const sub of spec.subcommands) lines.push(row(sub.name, t(sub.summaryKey)));
    lines.push('', translate(language, 'cli.help.more', { command: path.join(' ') }));
  }
  const own = new Set([...(spec.options ?? []), ...(spec.subcommands ?? []).flatMap((s) => s.options ?? [])]);
  lines.push('', t('cli.options'));
  for (const name of [...own, ...commonOptions.filter((o) => !own.has(o))])
    lines.push(row(optionFlag(name), t(optionKey(name))));
  return lines.join('\n');
}

/**
 * The help asked for by `wbc CMD [SUB] --help` or `wbc help CMD [SUB]`: the deepest spec the words
 * name (an unknown subcommand word shows its command's help), or undefined for an unknown command.
 */
export function findHelp(
  specs: readonly HelpSpec[],
  words: readonly string[],
): { path: string[]; spec: HelpSpec } | undefined {
  const [first, second] = words;
  const command = specs.find((s) => s.name === first);
  if (!command) return undefined;
  const sub = command.subcommands?.find((s) => s.name === second);
  return sub ? { path: [command.name, sub.name], spec: sub } : { path: [command.name], spec: command };
}
