// `wbc cards learn` and `wbc cards format`: teach the tool how one box writes cards (tap a card read on
// the desktop at the box), or show, choose and forget that format by hand.
import { AppError } from '../api/errors.ts';
import type { LearnOutcome, LearnProgress, UidFormatProfile } from '../api/types.ts';
import type { Core } from '../core.ts';
import type { UidFormat } from '../rfid/uid-format.ts';
import type { CardsSubcommand } from './commands-cards.ts';
import { withBox } from './commands-ocpp.ts';
import { type CliContext, call, print, t, usage } from './context.ts';

const learnUsage = 'cards learn --identity ID --uid HEX [--uid HEX] [--timeout S] [--port P]';
const formatUsage = 'cards format --identity ID [--uid-format PRESET | --clear]';

/** A format in words: its preset's name, or what it does (reversed bytes, decimal, ...). */
export function describeFormat(ctx: CliContext, format: UidFormat, preset: string | null): string {
  if (preset) return preset;
  const parts = [t(ctx, `uidFormat.${format.notation}`), t(ctx, `uidFormat.${format.byteOrder}`)];
  if (format.notation === 'hex') {
    parts.push(t(ctx, `uidFormat.${format.letterCase}`));
    if (format.separator !== '') parts.push(t(ctx, 'uidFormat.separator', { separator: format.separator }));
  }
  if (format.padding === 'none') parts.push(t(ctx, 'uidFormat.unpadded'));
  else if (typeof format.padding === 'number')
    parts.push(t(ctx, 'uidFormat.padded', { digits: format.padding }));
  if (format.firstBytes !== null) parts.push(t(ctx, 'uidFormat.firstBytes', { bytes: format.firstBytes }));
  if (format.prefix !== '') parts.push(t(ctx, 'uidFormat.prefix', { text: format.prefix }));
  if (format.suffix !== '') parts.push(t(ctx, 'uidFormat.suffix', { text: format.suffix }));
  return parts.join(', ');
}

function printProfile(ctx: CliContext, identity: string, profile: UidFormatProfile | null): void {
  if (!profile) {
    ctx.output.out(t(ctx, 'cli.format.none', { identity }));
    return;
  }
  ctx.output.out(
    t(ctx, `cli.format.${profile.source}`, {
      identity,
      format: describeFormat(ctx, profile.format, profile.preset),
      at: profile.learnedAt,
    }),
  );
  for (const e of profile.evidence) ctx.output.out(`  ${t(ctx, 'cli.format.evidence', { ...e })}`);
}

function progressLine(ctx: CliContext, progress: LearnProgress, uid: string | undefined, seconds: number) {
  const identity = progress.identity;
  switch (progress.stage) {
    case 'booting':
      return t(ctx, 'cli.learn.booting', { identity });
    case 'waiting-for-tap':
      return uid
        ? t(ctx, 'cli.learn.tapNow', { identity, uid, seconds })
        : t(ctx, 'cli.learn.tapDesktop', { identity, seconds });
    case 'heard':
      return t(ctx, 'cli.learn.heard', { identity, idTag: progress.idTag ?? '' });
    default:
      return null;
  }
}

async function learnOnce(
  ctx: CliContext,
  core: Core,
  identity: string,
  uid: string | undefined,
  previous: LearnOutcome['evidence'],
  seconds: number,
): Promise<LearnOutcome> {
  const off = core.router.subscribe((event, payload) => {
    if (event !== 'formats.learn') return;
    const progress = payload as LearnProgress;
    if (progress.identity !== identity) return;
    if (ctx.output.json) ctx.output.err(JSON.stringify({ event: 'learn', ...progress }));
    else {
      const line = progressLine(ctx, progress, uid, seconds);
      if (line) ctx.output.err(line);
    }
  });
  try {
    return await call(core, 'formats.learn', {
      identity,
      ...(uid === undefined ? {} : { uidHex: uid }),
      timeoutSeconds: seconds,
      previous,
    });
  } finally {
    off();
  }
}

/** Reads one card on the desktop (--uid), waits for the box's Authorize; a second --uid if the first leaves it open. */
const learn: CardsSubcommand = {
  name: 'learn',
  usage: learnUsage,
  summaryKey: 'cli.help.cards.learn',
  options: ['identity', 'uid', 'timeout', 'host', 'port'],
  async run(ctx, core) {
    const uids = ctx.options.uid ?? [];
    if (!ctx.options.identity) usage(ctx, learnUsage);
    const seconds = ctx.options.timeout === undefined ? 120 : Number(ctx.options.timeout);
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 600) usage(ctx, learnUsage);
    await withBox(ctx, core, async (identity) => {
      let outcome = await learnOnce(ctx, core, identity, uids[0], [], seconds);
      for (let i = 1; outcome.needsAnotherCard && i < uids.length; i++) {
        ctx.output.err(t(ctx, 'cli.learn.another', { identity, uid: uids[i] ?? '' }));
        outcome = await learnOnce(ctx, core, identity, uids[i], outcome.evidence, seconds);
      }
      const alternatives = outcome.alternatives
        .map((a) => `${describeFormat(ctx, a.format, a.preset)} (${a.sampleUid} → ${a.example})`)
        .join('; ');
      if (outcome.needsAnotherCard) {
        throw new AppError('FORMAT_LEARN_FAILED', {
          identity,
          uid: outcome.heard.uidHex,
          idTag: outcome.heard.idTag,
          reason: 'AMBIGUOUS',
          closest: alternatives,
        });
      }
      print(ctx, outcome, () => {
        ctx.output.out(
          t(ctx, 'cli.learn.learned', {
            identity,
            format: describeFormat(ctx, outcome.format, outcome.preset),
            sample: outcome.sampleUid,
            example: outcome.example,
          }),
        );
        if (alternatives) ctx.output.out(t(ctx, 'cli.learn.alternatives', { list: alternatives }));
      });
    });
  },
};

/** Shows the box's format; --uid-format PRESET chooses one by hand, --clear forgets it. No box needed. */
const format: CardsSubcommand = {
  name: 'format',
  usage: formatUsage,
  summaryKey: 'cli.help.cards.format',
  options: ['identity', 'uid-format', 'clear'],
  async run(ctx, core) {
    const identity = ctx.options.identity;
    if (!identity) return void usage(ctx, formatUsage);
    const preset = ctx.options['uid-format'];
    if (preset !== undefined && ctx.options.clear) usage(ctx, formatUsage);
    if (ctx.options.clear) {
      const result = await call(core, 'formats.clear', { identity });
      print(ctx, result, () =>
        ctx.output.out(t(ctx, result.cleared ? 'cli.format.cleared' : 'cli.format.none', { identity })),
      );
      return;
    }
    const profile =
      preset === undefined
        ? await call(core, 'formats.get', { identity })
        : // The schema names the presets when the name is not one of them.
          await call(core, 'formats.save', { identity, format: preset as 'hex-msb-upper' });
    print(ctx, profile, () => printProfile(ctx, identity, profile));
  },
};

export const learnSubcommands: CardsSubcommand[] = [learn, format];
