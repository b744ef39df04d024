// The api methods of boxes and their runs (boxes.list/show/forget, commissioning.attention) and the
// guarded secret deletion, bound to the store, the local CSMS, the run store and the vault.
import type { Handlers } from '../api/router.ts';
import type { DataEntity } from '../api/types.ts';
import { deleteUnusedSecret, forgetBox, secretUsage } from './forget.ts';
import { type BoxSources, listBoxes, runsNeedingAttention, showBox } from './overview.ts';

type BoxHandlers = Pick<
  Handlers,
  | 'boxes.list'
  | 'boxes.show'
  | 'boxes.forget'
  | 'commissioning.attention'
  | 'secrets.usage'
  | 'secrets.delete'
>;

export function buildBoxHandlers(
  sources: BoxSources,
  changed: (entity: DataEntity) => void,
  forgotten: (identity: string) => void,
): BoxHandlers {
  return {
    'boxes.list': () => listBoxes(sources),
    'boxes.show': (p) => showBox(sources, p.identity),
    'boxes.forget': (p, ctx) => {
      const result = forgetBox(sources, ctx.actor, p.identity);
      forgotten(p.identity);
      changed('station');
      if (result.secrets > 0) changed('secret');
      return result;
    },
    'commissioning.attention': () => runsNeedingAttention(sources),
    'secrets.usage': (p) => secretUsage(sources, p.id),
    'secrets.delete': (p, ctx) => {
      deleteUnusedSecret(sources, ctx.actor, p.id);
      changed('secret');
      return { deleted: true };
    },
  };
}
