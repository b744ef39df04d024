// The cards api around enrollment (import, export, groups on boxes, site pushes), as a map of handlers
// merged into main/api/handlers.ts. Keeps the import previews and running pushes of this core.
import type { Handlers } from '../api/router.ts';
import type { DataEntity } from '../api/types.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { Store } from '../store/database.ts';
import { deleteGroup, updateGroup } from '../store/groups.ts';
import { stationLocalLists } from './box-lists.ts';
import { setCardBlocked, updateCard } from './card-edit.ts';
import { exportCards } from './csv-export.ts';
import { CardImports } from './csv-import.ts';
import { assignStationsToSite, setGroupStations } from './group-stations.ts';
import { SitePushes } from './site-push.ts';
import type { ImportProgress, SitePushProgress } from './types.ts';

export type CardsMethod =
  | 'cards.importPreview'
  | 'cards.importCommit'
  | 'cards.export'
  | 'groups.update'
  | 'groups.delete'
  | 'groups.setStations'
  | 'stations.assignSite'
  | 'stations.localLists'
  | 'cards.pushSite'
  | 'cards.pushCancel'
  | 'cards.update'
  | 'cards.block'
  | 'cards.unblock';

export interface CardsHandlerDeps {
  store: Store;
  ocpp: OcppService;
  changed: (entity: DataEntity) => void;
  progress: (progress: SitePushProgress) => void;
  importProgress?: (progress: ImportProgress) => void;
}

export function buildCardsHandlers(deps: CardsHandlerDeps): Pick<Handlers, CardsMethod> {
  const { store, ocpp, changed } = deps;
  const imports = new CardImports(store);
  const pushes = new SitePushes({
    store,
    ocpp,
    progress: deps.progress,
    finished: () => changed('station'),
  });
  return {
    'cards.importPreview': (p) => imports.preview(p),
    'cards.importCommit': (p, ctx) => {
      const result = imports.commit(ctx.actor, p.token, p.sha256, deps.importProgress);
      changed('card');
      if (result.groupsCreated.length > 0) changed('group');
      return result;
    },
    'cards.export': (p) => exportCards(store, p),
    'groups.update': (p, ctx) => {
      const group = updateGroup(store, ctx.actor, p.id, p);
      changed('group');
      return group;
    },
    'groups.delete': (p, ctx) => {
      const { ungrouped } = deleteGroup(store, ctx.actor, p.id, p.cards, p.boxes);
      changed('group');
      if (ungrouped > 0) changed('card');
      return { deleted: true, ungrouped };
    },
    'groups.setStations': (p, ctx) => {
      const result = setGroupStations(store, ctx.actor, p.groupId, p.stationIds);
      changed('group');
      return result;
    },
    'stations.assignSite': (p, ctx) => {
      const stations = assignStationsToSite(store, ctx.actor, p.stationIds, p.siteId);
      changed('station');
      changed('site');
      return stations;
    },
    'stations.localLists': (p) => stationLocalLists(store, ocpp, p),
    'cards.pushSite': (p, ctx) => pushes.push(ctx.actor, p.siteId),
    'cards.pushCancel': (p) => pushes.cancel(p.siteId),
    'cards.update': (p, ctx) => {
      const { id, ...changes } = p;
      const card = updateCard(store, ctx.actor, id, changes);
      changed('card');
      return card;
    },
    'cards.block': (p, ctx) => {
      const card = setCardBlocked(store, ctx.actor, p.id, true);
      changed('card');
      return card;
    },
    'cards.unblock': (p, ctx) => {
      const card = setCardBlocked(store, ctx.actor, p.id, false);
      changed('card');
      return card;
    },
  };
}
