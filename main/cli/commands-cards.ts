// The CLI's card commands: `wbc readers` (what is plugged in and what blocks it) and `wbc cards` with
// its subcommands (enroll from readers, push to a box) kept as a small table that others extend.
import { fstatSync } from 'node:fs';
import { errorText } from '../../locales/translate.ts';
import { AppError } from '../api/errors.ts';
import type { ReadersSnapshot, ReaderView, TapOutcome } from '../api/types.ts';
import { expiryTimeZone, parseExpiry } from '../cards/expiry-date.ts';
import type { Core } from '../core.ts';
import { kindNames } from '../rfid/reader-manager.ts';
import { cardEditSubcommands } from './commands-card-edit.ts';
import { cardsIoSubcommands, pushSite, readCardFile } from './commands-cards-io.ts';
import { learnSubcommands } from './commands-learn.ts';
import { withBox } from './commands-ocpp.ts';
import {
  type CliContext,
  type Command,
  call,
  cliCoreOf,
  print,
  remoteCore,
  t,
  usage,
  withCore,
} from './context.ts';
import { groupNamed } from './find-named.ts';

/** One `wbc cards <name>`; runs with the core open and returns the exit code's reason by throwing. */
export interface CardsSubcommand {
  name: string;
  usage: string;
  /** Its help (main/cli/help.ts): what it does and the options it reads. */
  summaryKey: string;
  options: readonly string[];
  run(ctx: CliContext, core: Core): Promise<void>;
}

function message(ctx: CliContext, code: string, params: Record<string, string | number>) {
  return errorText(ctx.language, code, params);
}

function stateText(ctx: CliContext, reader: ReaderView): string {
  return t(ctx, `cli.readers.state.${reader.state}`);
}

function printReaders(ctx: CliContext, snapshot: ReadersSnapshot): void {
  if (snapshot.readers.length === 0) {
    ctx.output.out(t(ctx, 'cli.readers.none'));
    // Every service answered and none has a reader: what to check is the reader itself, its cable, its driver.
    if (snapshot.problems.length === 0) ctx.output.out(`  ${t(ctx, 'cli.readers.noneHint')}`);
  }
  const width = Math.max(4, ...snapshot.readers.map((r) => r.id.length));
  for (const reader of snapshot.readers) {
    const unverified = reader.unverified ? ` ${t(ctx, 'cli.readers.unverified')}` : '';
    ctx.output.out(
      `${reader.id.padEnd(width)}  ${reader.kind.padEnd(6)}  ${stateText(ctx, reader).padEnd(12)}  ${reader.label}${unverified}`,
    );
    if (reader.error) {
      const text = message(ctx, reader.error.code, reader.error.params);
      ctx.output.out(`  ${text.message}`);
      ctx.output.out(`  ${text.remedy}`);
    }
  }
  for (const problem of snapshot.problems) {
    const text = message(ctx, problem.code, problem.params);
    ctx.output.out(t(ctx, 'cli.readers.problem', { kind: kindNames[problem.kind], message: text.message }));
    ctx.output.out(`  ${text.remedy}`);
  }
}

export const readersCommand: Command = {
  name: 'readers',
  usage: 'readers [--watch]',
  summaryKey: 'cli.readers.summary',
  options: ['watch'],
  run: (ctx) =>
    withCore(ctx, async (core) => {
      const snapshot = await call(core, 'readers.list', {});
      print(ctx, snapshot, () => printReaders(ctx, snapshot));
      if (!ctx.options.watch) return;
      // Follows hot-plug until Ctrl+C: each change is the whole list again (one JSON line with --json).
      const off = core.router.subscribe((event, payload) => {
        if (event !== 'readers.changed') return;
        if (ctx.output.json) ctx.output.out(JSON.stringify(payload));
        else {
          ctx.output.out('');
          printReaders(ctx, payload as ReadersSnapshot);
        }
      });
      await untilEnd({ stdin: false });
      off();
    }),
};

/**
 * True when standard input is /dev/null (a job started with `&` or by a service manager): its end comes
 * at once and says nothing about the user, so it must not end a batch that is waiting for taps.
 */
function stdinIsNull(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isCharacterDevice() && !process.stdin.isTTY;
  } catch {
    return true;
  }
}

/**
 * Resolves on Ctrl+C, SIGTERM or (when asked) the end of standard input (a terminal or a pipe), and on
 * nothing else: a ref'd timer holds the process while it waits, so a reader that closes (the smart-card
 * service restarted) or readers that were never opened cannot let Node end the wait unsettled (exit 13).
 */
function untilEnd(options: { stdin: boolean; onLine?: (line: string) => void }): Promise<void> {
  return new Promise((resolve) => {
    let buffered = '';
    const hold = setInterval(() => {}, 60_000);
    const done = () => {
      clearInterval(hold);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      process.stdin.off('data', data);
      process.stdin.off('end', done);
      process.stdin.pause();
      resolve();
    };
    const data = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.onLine?.(line.trim());
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (options.stdin && !stdinIsNull()) {
      process.stdin.on('data', data);
      process.stdin.once('end', done);
      process.stdin.resume();
    }
  });
}

/**
 * A date (2026-12-31 or 31.12.2026: the end of that day, read as a CSV import reads it) or a full ISO
 * time, as the api takes it; anything else goes on as typed for the api's schema to refuse.
 */
export function validUntilArg(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return parseExpiry(value) ?? value.trim();
}

/** Makes sure every --reader is known: serial:PATH and hid:PATH|VID:PID are added when not listed. */
async function prepareReaders(ctx: CliContext, core: Core, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const listed = await call(core, 'readers.list', {});
  const baudRate = ctx.options.baud === undefined ? undefined : Number(ctx.options.baud);
  const format = ctx.options.format as 'lines' | 'rdm6300' | undefined;
  const resolved: string[] = [];
  for (const id of ids) {
    const known = listed.readers.some((r) => r.id === id);
    if (id.startsWith('serial:') && (!known || baudRate !== undefined || format !== undefined)) {
      const reader = await call(core, 'readers.addSerial', {
        path: id.slice('serial:'.length),
        ...(baudRate !== undefined ? { baudRate } : {}),
        ...(format !== undefined ? { format } : {}),
      });
      resolved.push(reader.id);
    } else if (id.startsWith('hid:') && !known) {
      resolved.push((await call(core, 'readers.addHid', { device: id.slice('hid:'.length) })).id);
    } else resolved.push(id);
  }
  return resolved;
}

function printTap(ctx: CliContext, outcome: TapOutcome): void {
  if (ctx.output.json) {
    const extra = outcome.ok ? {} : message(ctx, outcome.error.code, outcome.error.params);
    ctx.output.out(JSON.stringify({ event: 'tap', ...outcome, ...extra }));
    return;
  }
  if (!outcome.ok) {
    const text = message(ctx, outcome.error.code, outcome.error.params);
    ctx.output.err(t(ctx, 'cli.cards.enroll.refused', { reader: outcome.reader, message: text.message }));
    ctx.output.err(`  ${text.remedy}`);
    return;
  }
  const params = {
    label: outcome.card.label ?? t(ctx, 'cli.cards.enroll.noLabel'),
    uid: outcome.card.uidHex,
    reader: outcome.reader,
  };
  ctx.output.out(
    t(ctx, outcome.duplicate ? 'cli.cards.enroll.duplicate' : 'cli.cards.enroll.enrolled', params),
  );
  for (const flag of outcome.flags) ctx.output.out(`  ! ${t(ctx, `cards.flag.${flag.code}`, flag.params)}`);
}

/** Tells about a reader of the session when its state changes (opened, unplugged, refused). */
function readerWatcher(ctx: CliContext, ids: string[]) {
  const last = new Map<string, string>();
  return (snapshot: ReadersSnapshot) => {
    for (const id of ids) {
      const reader = snapshot.readers.find((r) => r.id === id);
      const state = reader ? `${reader.state}:${reader.error?.code ?? ''}` : 'missing';
      if (last.get(id) === state) continue;
      last.set(id, state);
      if (ctx.output.json) {
        ctx.output.err(JSON.stringify({ event: 'reader', id, reader: reader ?? null }));
      } else if (reader?.state === 'open') {
        ctx.output.err(t(ctx, 'cli.cards.enroll.readerOpen', { label: reader.label }));
      } else if (reader?.error) {
        const text = message(ctx, reader.error.code, reader.error.params);
        ctx.output.err(t(ctx, 'cli.cards.enroll.readerDown', { label: reader.label, message: text.message }));
        ctx.output.err(`  ${text.remedy}`);
      }
    }
  };
}

const enrollUsage =
  'cards enroll --group NAME [--reader ID ...] [--label Fleet-### | --roster FILE] [--owner X] [--valid-until DATE] [--baud N] [--format lines|rdm6300]';

const enroll: CardsSubcommand = {
  name: 'enroll',
  usage: enrollUsage,
  summaryKey: 'cli.help.cards.enroll',
  options: ['group', 'reader', 'label', 'roster', 'owner', 'valid-until', 'baud', 'format'],
  async run(ctx, core) {
    const group = ctx.options.group;
    if (!group) usage(ctx, enrollUsage);
    const { id: groupId, name: groupName } = await groupNamed(core, group as string);
    const roster = ctx.options.roster
      ? readCardFile(ctx.options.roster)
          .toString('utf8')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean)
      : undefined;
    const readers = await prepareReaders(ctx, core, ctx.options.reader ?? []);
    // No reader and standard input on /dev/null: no tap can ever arrive, so say so instead of waiting.
    if (readers.length === 0 && stdinIsNull()) throw new AppError('CARDS_ENROLL_NO_INPUT', {});
    const watch = readerWatcher(ctx, readers);
    const off = core.router.subscribe((event, payload) => {
      if (event === 'cards.tapped') printTap(ctx, payload as TapOutcome);
      else if (event === 'readers.changed') watch(payload as ReadersSnapshot);
    });
    try {
      const status = await call(core, 'enrollment.start', {
        readers,
        groupId,
        ...(ctx.options.label !== undefined ? { label: ctx.options.label } : {}),
        ...(roster !== undefined ? { roster } : {}),
        ...(ctx.options.owner !== undefined ? { owner: ctx.options.owner } : {}),
        ...(ctx.options['valid-until'] !== undefined
          ? { validUntil: validUntilArg(ctx.options['valid-until']) }
          : {}),
      });
      watch(core.readers.snapshot());
      const readerLabels = readers.length > 0 ? readers.join(', ') : t(ctx, 'cli.cards.enroll.typing');
      if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'started', ...status }));
      else {
        ctx.output.err(t(ctx, 'cli.cards.enroll.started', { group: groupName, readers: readerLabels }));
        if (status.settings.validUntil !== undefined) {
          ctx.output.err(t(ctx, 'cards.io.validUntilZone', { zone: expiryTimeZone() }));
        }
      }
      // A keyboard reader typing into this terminal, or a person typing: each line is a tap.
      const source = readers.some((id) => id.startsWith('hid:')) ? 'hid' : 'typed';
      const pending = new Set<Promise<unknown>>();
      await untilEnd({
        stdin: true,
        onLine: (uid) => {
          const tap = call(core, 'enrollment.tap', {
            uid,
            source,
            reader: source === 'hid' ? 'window' : 'typed',
          })
            .catch((error: unknown) => {
              // Only an argument the schema refuses ends here; bad UIDs come back as tap outcomes.
              if (error instanceof Error) ctx.output.err(error.message);
            })
            .finally(() => pending.delete(tap));
          pending.add(tap);
        },
      });
      // Every line typed before the end is a tap with its own line and count in the summary.
      await Promise.all([...pending]);
    } finally {
      off();
    }
    const status = await call(core, 'enrollment.stop', {});
    // With --json the summary is one more line of the stream, like each tap.
    if (ctx.output.json) ctx.output.out(JSON.stringify({ event: 'summary', ...status }));
    else {
      const { taps, enrolled, duplicates, failed } = status;
      ctx.output.out(t(ctx, 'cli.cards.enroll.summary', { taps, enrolled, duplicates, failed }));
    }
    // A refused or failed tap is a card the user thinks is stored and is not: the batch did not succeed.
    if (status.failed > 0)
      throw new AppError('CARDS_ENROLL_REFUSED_TAPS', { failed: status.failed, taps: status.taps });
  },
};

const pushUsage = 'cards push --identity ID --group NAME[,NAME] | cards push --site NAME [--timeout S]';

/** The cards of some groups to one box as its local list, the version read back. */
const push: CardsSubcommand = {
  name: 'push',
  usage: pushUsage,
  summaryKey: 'cli.help.cards.push',
  options: ['identity', 'group', 'site', 'timeout', 'host', 'port', 'tls', 'password-file'],
  async run(ctx, core) {
    if (ctx.options.site) return pushSite(ctx, core);
    const groups = (ctx.options.group ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (groups.length === 0) usage(ctx, pushUsage);
    // The box is at the CSMS of the core running this folder, if one runs: the push goes through it there.
    const remote = await remoteCore(ctx);
    const api = remote ?? cliCoreOf(core);
    try {
      await withBox(ctx, api, async (identity) => {
        const outcome = await call(api, 'cards.push', { identity, groups });
        print(ctx, outcome, () =>
          ctx.output.out(
            t(ctx, 'cli.cards.pushed', {
              identity,
              count: outcome.entries,
              version: outcome.version,
              parts: outcome.parts,
            }),
          ),
        );
      });
    } finally {
      await remote?.close();
    }
  },
};

const listUsage = 'cards list [--group NAME] [--json]';

/** The stored cards (of one group with --group): one line each, or the cards as JSON. */
const list: CardsSubcommand = {
  name: 'list',
  usage: listUsage,
  summaryKey: 'cli.help.cards.list',
  options: ['group'],
  async run(ctx, core) {
    if (ctx.args.length > 0) usage(ctx, listUsage);
    const group = ctx.options.group ? await groupNamed(core, ctx.options.group) : undefined;
    const cards = await call(core, 'cards.list', group ? { groupId: group.id } : {});
    if (ctx.output.json) {
      ctx.output.out(JSON.stringify(cards, null, 2));
      return;
    }
    if (cards.length === 0) {
      ctx.output.out(t(ctx, 'cli.cards.list.none'));
      return;
    }
    const names = new Map((await call(core, 'groups.list', {})).map((g) => [g.id, g.name]));
    ctx.output.out(t(ctx, 'cli.cards.list.header'));
    for (const card of cards) {
      const cells = [
        card.uidHex.padEnd(20),
        (card.label ?? '–').padEnd(16),
        (card.owner ?? '–').padEnd(20),
        ((card.groupId === null ? undefined : names.get(card.groupId)) ?? '–').padEnd(12),
        card.validUntil ?? '–',
        card.blockedAt ? t(ctx, 'cli.cards.list.blocked') : '',
      ];
      ctx.output.out(cells.join('  ').trimEnd());
    }
    ctx.output.out(t(ctx, 'cli.cards.list.count', { count: cards.length }));
  },
};

/** `wbc cards <subcommand>`: add a subcommand by adding it here. */
export const cardsSubcommands: CardsSubcommand[] = [
  list,
  enroll,
  push,
  ...learnSubcommands,
  ...cardsIoSubcommands,
  ...cardEditSubcommands,
];

export const cardsCommand: Command = {
  name: 'cards',
  usage: `cards ${cardsSubcommands.map((s) => s.name).join('|')} ...`,
  summaryKey: 'cli.cards.summary',
  subcommands: cardsSubcommands,
  run: (ctx) =>
    withCore(ctx, async (core) => {
      const [name, ...rest] = ctx.args;
      const sub = cardsSubcommands.find((s) => s.name === name);
      if (!sub) {
        usage(ctx, cardsSubcommands.map((s) => s.usage).join('\n       wbc '));
        return;
      }
      await sub.run({ ...ctx, args: rest }, core);
    }),
};
