// `wbc sites` and `wbc groups`: sites with the boxes they hold (show, put boxes on or take them off,
// rename, delete with the site the boxes move to) and closed user groups (add, rename, delete when confirmed).
import { AppError } from '../api/errors.ts';
import { type ApiHost, type CliContext, type Command, call, print, t, usage, withApi } from './context.ts';
import { groupNamed, siteNamed } from './find-named.ts';
import { printTable } from './output.ts';

const sitesUsage =
  'sites list|show SITE|add NAME|rename SITE NAME|delete SITE [--move-to SITE]|boxes add|remove SITE ID...';

/** What `wbc sites show` prints and returns: the site, its boxes with their lists, templates and groups. */
async function siteView(core: ApiHost, word: string) {
  const site = await siteNamed(core, word);
  const [stations, lists, templates, groups] = await Promise.all([
    call(core, 'stations.list', { siteId: site.id }),
    call(core, 'stations.localLists', { siteId: site.id }),
    call(core, 'templates.list', { siteId: site.id }),
    call(core, 'groups.list', {}),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const boxes = stations.map((station) => {
    const list = lists.find((l) => l.stationId === station.id);
    return {
      ...station,
      presence: list?.presence ?? 'offline',
      groups: (list?.groupIds ?? []).map((id) => groupName.get(id) ?? String(id)),
      holds: list?.holds ?? null,
      shouldHold: list?.shouldHold ?? 0,
      toPush: list?.toPush ?? 0,
    };
  });
  const onBoxes = new Set(lists.flatMap((l) => l.groupIds));
  return {
    site,
    boxes,
    templates: templates.map((tpl) => ({ id: tpl.id, name: tpl.name, url: tpl.template.csms.url })),
    groups: groups.filter((g) => onBoxes.has(g.id)),
  };
}

function printSite(ctx: CliContext, view: Awaited<ReturnType<typeof siteView>>): void {
  const none = '–';
  ctx.output.out(t(ctx, 'cli.sites.show.title', { id: view.site.id, name: view.site.name }));
  if (view.site.address) ctx.output.out(t(ctx, 'cli.sites.show.address', { address: view.site.address }));
  ctx.output.out(t(ctx, 'cli.sites.show.boxes', { count: view.boxes.length }));
  for (const box of view.boxes) {
    ctx.output.out(
      t(ctx, 'cli.sites.show.box', {
        identity: box.identity,
        state: t(ctx, `cli.sites.show.${box.presence === 'offline' ? 'notConnected' : box.presence}`),
        version: box.ocppVersion ?? none,
        model: [box.vendor, box.model].filter(Boolean).join(' ') || none,
        holds: box.holds ? box.holds.count : none,
        shouldHold: box.shouldHold,
        toPush: box.toPush,
        groups: box.groups.join(', ') || none,
      }),
    );
  }
  const templates = view.templates.map((tpl) => `${tpl.name} (${tpl.url})`).join(', ');
  ctx.output.out(t(ctx, 'cli.sites.show.templates', { names: templates || none }));
  const groups = view.groups.map((g) => `${g.name} (${g.groupIdTag})`).join(', ');
  ctx.output.out(t(ctx, 'cli.sites.show.groups', { names: groups || none }));
}

/** The stations rows of the identities typed; NOT_FOUND names every one the tool does not know. */
async function stationIds(core: ApiHost, identities: string[]): Promise<number[]> {
  const stations = await call(core, 'stations.list', {});
  const missing = identities.filter((id) => !stations.some((s) => s.identity === id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', { entity: 'station', id: missing.join(', ') });
  return identities.map((id) => stations.find((s) => s.identity === id)?.id as number);
}

async function siteBoxes(ctx: CliContext, core: ApiHost, words: string[]): Promise<void> {
  const [how, siteWord, ...identities] = words;
  if ((how !== 'add' && how !== 'remove') || siteWord === undefined || identities.length === 0) {
    usage(ctx, 'sites boxes add|remove SITE ID...');
    return;
  }
  const site = await siteNamed(core, siteWord);
  const ids = await stationIds(core, identities);
  if (how === 'remove') {
    const stations = await call(core, 'stations.list', { siteId: site.id });
    const elsewhere = identities.filter((id) => !stations.some((s) => s.identity === id));
    if (elsewhere.length > 0)
      throw new AppError('NOT_FOUND', { entity: 'station', id: `${elsewhere.join(', ')} @ ${site.name}` });
  }
  const moved = await call(core, 'stations.assignSite', {
    stationIds: ids,
    siteId: how === 'add' ? site.id : null,
  });
  print(ctx, moved, () =>
    ctx.output.out(
      t(ctx, how === 'add' ? 'cli.sites.boxes.added' : 'cli.sites.boxes.removed', {
        site: site.name,
        boxes: moved.map((s) => s.identity).join(', '),
      }),
    ),
  );
}

export const sitesCommand: Command = {
  name: 'sites',
  usage: sitesUsage,
  summaryKey: 'cli.sites.summary',
  subcommands: [
    { name: 'list', usage: 'sites list', summaryKey: 'cli.help.sites.list' },
    { name: 'show', usage: 'sites show SITE', summaryKey: 'cli.help.sites.show' },
    {
      name: 'add',
      usage: 'sites add NAME [--address TEXT]',
      summaryKey: 'cli.help.sites.add',
      options: ['address'],
    },
    { name: 'rename', usage: 'sites rename SITE NAME', summaryKey: 'cli.help.sites.rename' },
    {
      name: 'delete',
      usage: 'sites delete SITE [--move-to SITE]',
      summaryKey: 'cli.help.sites.delete',
      options: ['move-to'],
    },
    { name: 'boxes', usage: 'sites boxes add|remove SITE ID...', summaryKey: 'cli.help.sites.boxes' },
  ],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const [action = 'list', ...words] = ctx.args;
      if (action === 'list') {
        const sites = await call(core, 'sites.list', {});
        print(ctx, sites, () => printTable(ctx.output, sites, ['id', 'name', 'address', 'stationCount']));
      } else if (action === 'show' && words.length === 1) {
        const view = await siteView(core, words[0] as string);
        print(ctx, view, () => printSite(ctx, view));
      } else if (action === 'add') {
        const site = await call(core, 'sites.create', {
          name: words.join(' '),
          address: ctx.options.address,
        });
        print(ctx, site, () => ctx.output.out(t(ctx, 'cli.sites.added', { id: site.id, name: site.name })));
      } else if (action === 'rename' && words.length >= 2) {
        const [word, ...name] = words;
        const found = await siteNamed(core, word as string);
        const site = await call(core, 'sites.rename', { id: found.id, name: name.join(' ') });
        print(ctx, site, () => ctx.output.out(t(ctx, 'cli.sites.renamed', { id: site.id, name: site.name })));
      } else if (action === 'delete' && words.length === 1) {
        const site = await siteNamed(core, words[0] as string);
        const target = ctx.options['move-to'];
        const moveTo = target === undefined ? undefined : (await siteNamed(core, target)).id;
        const result = await call(core, 'sites.delete', {
          id: site.id,
          ...(moveTo !== undefined ? { moveTo } : {}),
        });
        print(ctx, result, () => {
          ctx.output.out(t(ctx, 'cli.sites.deleted', { id: site.id }));
          if (result.moved > 0)
            ctx.output.out(t(ctx, 'cli.sites.moved', { count: result.moved, site: String(target) }));
        });
      } else if (action === 'boxes') {
        await siteBoxes(ctx, core, words);
      } else {
        usage(ctx, sitesUsage);
      }
    }),
};

const groupsUsage = 'groups list|add NAME [--tag TAG]|rename GROUP NAME [--tag TAG]|delete GROUP [--yes]';

export const groupsCommand: Command = {
  name: 'groups',
  usage: groupsUsage,
  summaryKey: 'cli.groups.summary',
  subcommands: [
    { name: 'list', usage: 'groups list', summaryKey: 'cli.help.groups.list' },
    {
      name: 'add',
      usage: 'groups add NAME [--tag TAG]',
      summaryKey: 'cli.help.groups.add',
      options: ['tag'],
    },
    {
      name: 'rename',
      usage: 'groups rename GROUP NAME [--tag TAG]',
      summaryKey: 'cli.help.groups.rename',
      options: ['tag'],
    },
    {
      name: 'delete',
      usage: 'groups delete GROUP [--yes]',
      summaryKey: 'cli.help.groups.delete',
      options: ['yes'],
    },
  ],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const [action = 'list', ...words] = ctx.args;
      if (action === 'list') {
        const groups = await call(core, 'groups.list', {});
        print(ctx, groups, () =>
          printTable(ctx.output, groups, ['id', 'name', 'groupIdTag', 'cardCount', 'stationCount']),
        );
      } else if (action === 'add') {
        const group = await call(core, 'groups.create', {
          name: words.join(' '),
          groupIdTag: ctx.options.tag,
        });
        print(ctx, group, () =>
          ctx.output.out(
            t(ctx, 'cli.groups.added', { id: group.id, name: group.name, tag: group.groupIdTag }),
          ),
        );
      } else if (action === 'rename' && (words.length >= 2 || (words.length === 1 && ctx.options.tag))) {
        const [word, ...name] = words;
        const found = await groupNamed(core, word as string, { byIdTag: true });
        const group = await call(core, 'groups.update', {
          id: found.id,
          ...(name.length > 0 ? { name: name.join(' ') } : {}),
          ...(ctx.options.tag !== undefined ? { groupIdTag: ctx.options.tag } : {}),
        });
        print(ctx, group, () =>
          ctx.output.out(t(ctx, 'cli.groups.renamed', { name: group.name, tag: group.groupIdTag })),
        );
      } else if (action === 'delete' && words.length === 1) {
        const group = await groupNamed(core, words[0] as string, { byIdTag: true });
        const held = group.cardCount > 0 || group.stationCount > 0;
        if (held && ctx.options.yes !== true) {
          throw new AppError('GROUP_DELETE_NOT_CONFIRMED', {
            name: group.name,
            cards: group.cardCount,
            boxes: group.stationCount,
          });
        }
        const result = await call(core, 'groups.delete', { id: group.id, cards: 'ungroup', boxes: 'detach' });
        print(ctx, result, () =>
          ctx.output.out(t(ctx, 'cli.groups.deleted', { name: group.name, count: result.ungrouped })),
        );
      } else {
        usage(ctx, groupsUsage);
      }
    }),
};
