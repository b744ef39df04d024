// The boxes a site holds, each with its state (connected, in the lobby, offline, known), OCPP version,
// model, groups and local list, taken off the site by one button; and the boxes to put on it, ticked.
import { type FormEvent, useId, useState } from 'react';
import type { Group, Site } from '../../../main/api/types.ts';
import type { StationLocalList } from '../../../main/cards/types.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { useBoxes } from '../../api/ocpp-hooks.ts';
import { BoxStateBadge } from '../../components/BoxStateBadge.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SyncBadge } from '../../components/SyncBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function SiteBoxes(props: { site: Site; lists: StationLocalList[]; groups: Group[] }) {
  const { t } = useI18n();
  const api = useConnection();
  const boxes = useBoxes();
  const id = useId();
  const action = useAction();
  const { site } = props;
  const onSite = boxes.stations.data?.filter((s) => s.siteId === site.id) ?? [];
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));

  return (
    <section aria-labelledby={`${id}-title`} data-testid="site-boxes">
      <h3 id={`${id}-title`}>{t('sites.boxes.title', { count: onSite.length })}</h3>
      <ErrorNotice error={boxes.stations.error ?? action.error} />
      {onSite.length === 0 ? (
        <p className="hint">{t('sites.boxes.none')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('sites.boxes.caption', { site: site.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('boxes.identity')}</th>
                <th scope="col">{t('boxes.state')}</th>
                <th scope="col">{t('boxes.ocpp')}</th>
                <th scope="col">{t('sites.boxes.model')}</th>
                <th scope="col">{t('cards.col.group')}</th>
                <th scope="col">{t('cards.stations.col.holds')}</th>
                <th scope="col">{t('cards.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {onSite.map((station) => {
                const row = boxes.rows.find((r) => r.identity === station.identity);
                const list = props.lists.find((l) => l.stationId === station.id);
                return (
                  <tr key={station.id} data-testid={`site-box-${station.identity}`}>
                    <th scope="row">
                      {station.identity}
                      <SyncBadge station={station.identity} />
                    </th>
                    <td>{row && <BoxStateBadge row={row} />}</td>
                    <td>{station.ocppVersion ?? t('boxes.none')}</td>
                    <td>{[station.vendor, station.model].filter(Boolean).join(' ') || t('boxes.none')}</td>
                    <td>
                      {(list?.groupIds ?? []).map((g) => groupName.get(g) ?? '').join(', ') ||
                        t('boxes.none')}
                    </td>
                    <td>
                      {list?.holds
                        ? t('sites.boxes.holds', {
                            count: list.holds.count,
                            should: list.shouldHold,
                            toPush: list.toPush,
                          })
                        : t('sites.boxes.holdsNothing', { should: list?.shouldHold ?? 0 })}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        aria-disabled={action.busy}
                        aria-label={t('sites.boxes.remove.label', {
                          identity: station.identity,
                          site: site.name,
                        })}
                        onClick={() =>
                          !action.busy &&
                          void action.run(() =>
                            api.call('stations.assignSite', { stationIds: [station.id], siteId: null }),
                          )
                        }
                        data-testid={`site-box-remove-${station.identity}`}
                      >
                        {t('sites.boxes.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AddBoxes site={site} />
    </section>
  );
}

/** The boxes the tool knows that are not on this site, with the site each is on now. */
function AddBoxes({ site }: { site: Site }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const stations = useQuery('stations.list', {}, ['station']);
  const sites = useQuery('sites.list', {}, ['site']);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const action = useAction();
  const others = stations.data?.filter((s) => s.siteId !== site.id) ?? [];
  const siteName = new Map((sites.data ?? []).map((s) => [s.id, s.name]));

  async function add(event: FormEvent) {
    event.preventDefault();
    if (chosen.size === 0 || action.busy) return;
    const done = await action.run(() =>
      api.call('stations.assignSite', { stationIds: [...chosen], siteId: site.id }),
    );
    if (done) setChosen(new Set());
  }

  if (others.length === 0) return <p className="hint">{t('sites.add.noneLeft')}</p>;
  return (
    <form onSubmit={add} data-testid="site-add-boxes">
      <fieldset>
        <legend>{t('sites.add.legend', { site: site.name })}</legend>
        {others.map((s) => (
          <div key={s.id} className="field checkbox">
            <input
              id={`${id}-${s.id}`}
              type="checkbox"
              checked={chosen.has(s.id)}
              onChange={(e) =>
                setChosen((current) => {
                  const next = new Set(current);
                  if (e.target.checked) next.add(s.id);
                  else next.delete(s.id);
                  return next;
                })
              }
              data-testid={`site-add-box-${s.identity}`}
            />
            <label htmlFor={`${id}-${s.id}`}>
              {s.siteId === null
                ? t('sites.add.loose', { identity: s.identity })
                : t('sites.add.elsewhere', { identity: s.identity, site: siteName.get(s.siteId) ?? '' })}
            </label>
          </div>
        ))}
        <div className="toolbar">
          <button
            type="submit"
            aria-disabled={chosen.size === 0 || action.busy}
            data-testid="site-add-boxes-submit"
          >
            {t('sites.add.submit', { count: chosen.size, site: site.name })}
          </button>
        </div>
      </fieldset>
      <ErrorNotice error={action.error ?? stations.error} />
    </form>
  );
}
