// How the CLI finds the group or site a technician named on the command line, one rule for every command:
// the name as typed, then in any case, then (where a command allows) a group's idTag, then its number.
import type { ResultOf } from '../api/contract.ts';
import { AppError } from '../api/errors.ts';
import { type ApiHost, call } from './context.ts';

type Group = ResultOf<'groups.list'>[number];
type Site = ResultOf<'sites.list'>[number];

function named<T extends { id: number; name: string }>(
  items: T[],
  name: string,
  alias?: (item: T) => string,
): T | undefined {
  const lower = name.toLowerCase();
  return (
    items.find((item) => item.name === name) ??
    items.find((item) => item.name.toLowerCase() === lower) ??
    (alias ? items.find((item) => alias(item).toLowerCase() === lower) : undefined) ??
    (/^\d+$/.test(name) ? items.find((item) => item.id === Number(name)) : undefined)
  );
}

/** The group `name` stands for; `byIdTag`: its groupIdTag names it too. NOT_FOUND when none does. */
export async function groupNamed(
  core: ApiHost,
  name: string,
  options: { byIdTag?: boolean } = {},
): Promise<Group> {
  const groups = await call(core, 'groups.list', {});
  const found = named(groups, name, options.byIdTag ? (g) => g.groupIdTag : undefined);
  if (!found) throw new AppError('NOT_FOUND', { entity: 'group', id: name });
  return found;
}

/** The site `name` stands for. NOT_FOUND when none does. */
export async function siteNamed(core: ApiHost, name: string): Promise<Site> {
  const sites = await call(core, 'sites.list', {});
  const found = named(sites, name);
  if (!found) throw new AppError('NOT_FOUND', { entity: 'site', id: name });
  return found;
}
