// `wbc cards edit|block|unblock|delete`: a card named by its UID, its label or its number, changed through
// the api like any face does; deleting asks for --yes and says that blocking keeps the card.
import type { ResultOf } from '../api/contract.ts';
import { AppError } from '../api/errors.ts';
import { parseExpiry } from '../cards/expiry-date.ts';
import type { CardsSubcommand } from './commands-cards.ts';
import { type ApiHost, type CliContext, call, print, t, usage } from './context.ts';
import { groupNamed } from './find-named.ts';

type Card = ResultOf<'cards.list'>[number];

/** The card a word names: its UID (any case, spaces or colons ignored), its label, then its number. */
export async function cardNamed(core: ApiHost, word: string): Promise<Card> {
  const cards = await call(core, 'cards.list', {});
  const hex = word.replace(/[\s:-]/g, '').toUpperCase();
  const found =
    cards.find((c) => c.uidHex === hex) ??
    cards.find((c) => c.label === word) ??
    cards.find((c) => c.label?.toLowerCase() === word.toLowerCase()) ??
    (/^\d+$/.test(word) ? cards.find((c) => c.id === Number(word)) : undefined);
  if (!found) throw new AppError('NOT_FOUND', { entity: 'card', id: word });
  return found;
}

function cardLine(ctx: CliContext, card: Card, key: string): void {
  print(ctx, card, () =>
    ctx.output.out(t(ctx, key, { uid: card.uidHex, label: card.label ?? '–', owner: card.owner ?? '–' })),
  );
}

/** A word a user types to clear a field: "" or "none" (group), "never" (validity). */
const cleared = (value: string, word: string) => value.trim() === '' || value.trim().toLowerCase() === word;

const editUsage =
  'cards edit CARD [--label TEXT] [--owner TEXT] [--valid-until DATE|never] [--group NAME|none]';
const edit: CardsSubcommand = {
  name: 'edit',
  usage: editUsage,
  summaryKey: 'cli.help.cards.edit',
  options: ['label', 'owner', 'valid-until', 'group'],
  async run(ctx, core) {
    const [word, ...extra] = ctx.args;
    if (word === undefined || extra.length > 0) usage(ctx, editUsage);
    const card = await cardNamed(core, word as string);
    const { label, owner, group } = ctx.options;
    const validUntil = ctx.options['valid-until'];
    if ([label, owner, group, validUntil].every((v) => v === undefined)) usage(ctx, editUsage);
    const groupId =
      group === undefined ? undefined : cleared(group, 'none') ? null : (await groupNamed(core, group)).id;
    const updated = await call(core, 'cards.update', {
      id: card.id,
      ...(label !== undefined ? { label } : {}),
      ...(owner !== undefined ? { owner } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
      ...(validUntil !== undefined
        ? { validUntil: cleared(validUntil, 'never') ? null : (parseExpiry(validUntil) ?? validUntil.trim()) }
        : {}),
    });
    cardLine(ctx, updated, 'cli.cards.edit.done');
  },
};

/** `wbc cards block CARD` or `wbc cards unblock CARD`: the same words, the opposite change. */
function blocking(name: 'block' | 'unblock'): CardsSubcommand {
  const text = `cards ${name} CARD`;
  return {
    name,
    usage: text,
    summaryKey: `cli.help.cards.${name}`,
    options: [],
    async run(ctx, core) {
      if (ctx.args.length !== 1) usage(ctx, text);
      const card = await cardNamed(core, ctx.args[0] as string);
      cardLine(ctx, await call(core, `cards.${name}`, { id: card.id }), `cli.cards.${name}.done`);
    },
  };
}

const deleteUsage = 'cards delete CARD --yes';
const remove: CardsSubcommand = {
  name: 'delete',
  usage: deleteUsage,
  summaryKey: 'cli.help.cards.delete',
  options: ['yes'],
  async run(ctx, core) {
    if (ctx.args.length !== 1) usage(ctx, deleteUsage);
    const card = await cardNamed(core, ctx.args[0] as string);
    if (ctx.options.yes !== true) {
      throw new AppError('DELETE_NOT_CONFIRMED', { what: `${card.uidHex} (${card.label ?? '–'})` });
    }
    const result = await call(core, 'cards.delete', { id: card.id });
    print(ctx, { ...result, card }, () =>
      ctx.output.out(t(ctx, 'cli.cards.delete.done', { uid: card.uidHex, label: card.label ?? '–' })),
    );
  },
};

export const cardEditSubcommands: CardsSubcommand[] = [edit, blocking('block'), blocking('unblock'), remove];
