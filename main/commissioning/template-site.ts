// A box commissioned with a site's template belongs to that site: it is put on it when the run starts
// (a box the tool knows) and again when the run stops moving (a box that booted for the first time in it).

import type { DataEntity } from '../api/types.ts';
import { attachToTemplateSite } from '../cards/site-boxes.ts';
import type { Store } from '../store/database.ts';
import type { CommissioningService } from './service.ts';
import { getTemplate } from './templates-repo.ts';

export interface TemplateSiteDeps {
  store: Store;
  commissioning: CommissioningService;
  changed: (entity: DataEntity) => void;
}

/**
 * For one start of runs: `templateId` is the stored template the runs use (absent: a file or a template
 * typed in, with no site). The boxes are put on its site before the runs start; `after` watches the runs
 * and puts the boxes that were not known yet on it once each run stops moving.
 */
export function templateSiteAttacher(deps: TemplateSiteDeps) {
  return (actor: string, identities: string[], templateId: number | undefined) => {
    const siteId = templateId === undefined ? null : getTemplate(deps.store, templateId).siteId;
    const attach = (ids: string[]) => {
      if (attachToTemplateSite(deps.store, actor, ids, siteId) > 0) {
        deps.changed('station');
        deps.changed('site');
      }
    };
    attach(identities);
    return {
      after(runIds: number[]): void {
        if (siteId === null) return;
        for (const id of runIds) {
          deps.commissioning
            .settled(id)
            .then((run) => attach([run.identity]))
            // The core closed in the meantime: the box stays where it is, the next run puts it on the site.
            .catch(() => undefined);
        }
      },
    };
  };
}
