// `report.*` and `support.bundle` of the api: a run's or a site's commissioning report, or the support zip, as
// a file, in the language asked for or the app's own. Merged into main/api/handlers.ts.
import type { Handlers } from '../api/router.ts';
import type { AppInfo, Settings } from '../api/types.ts';
import { supportBundle } from '../diagnostics/support-bundle.ts';
import type { Store } from '../store/database.ts';
import { readSettings } from '../store/settings.ts';
import type { Vault } from '../store/vault.ts';
import { fleetReportFile, runReportFile, siteReportFile } from './render.ts';

export function reportHandlers(deps: {
  store: Store;
  vault: Vault;
  info: () => AppInfo;
  defaults: Settings;
}): Pick<Handlers, 'report.run' | 'report.site' | 'report.fleet' | 'support.bundle'> {
  const { store } = deps;
  const options = (p: { format: 'pdf' | 'html'; language?: 'en' | 'de' | undefined }) => {
    const info = deps.info();
    return {
      format: p.format,
      language: p.language ?? readSettings(store, deps.defaults).language,
      app: `${info.name} ${info.version}`,
    };
  };
  return {
    'report.run': (p) => runReportFile(store, p.runId, options(p)),
    'report.site': (p) => siteReportFile(store, p.siteId, options(p)),
    'report.fleet': (p) => fleetReportFile(store, p.fleetId, options(p)),
    'support.bundle': (p) =>
      supportBundle({
        store,
        vault: deps.vault,
        info: deps.info(),
        language: p.language ?? readSettings(store, deps.defaults).language,
        identity: p.identity,
      }),
  };
}
