// One site's page: rename and delete it (its boxes moved to a site the user picks), its boxes, its
// templates, the groups allowed on its boxes, and "push the site's cards" with progress and cancel.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Site } from '../../../main/api/types.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href, navigate } from '../../routing/route.ts';
import { SiteLists } from '../cards/GroupStations.tsx';
import { SiteBoxes } from './SiteBoxes.tsx';
import { SiteReport } from './SiteReport.tsx';

function RenameSite({ site }: { site: Site }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const [name, setName] = useState(site.name);
  const action = useAction();
  async function save(event: FormEvent) {
    event.preventDefault();
    if (action.busy) return;
    let renamed: Site | undefined;
    const done = await action.run(async () => {
      renamed = await api.call('sites.rename', { id: site.id, name });
    });
    if (done && renamed) navigate('sites', renamed.name);
  }
  return (
    <form className="name-form" onSubmit={save} data-testid="site-rename">
      <label htmlFor={`${id}-name`}>{t('sites.rename.label')}</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      <button type="submit" aria-disabled={action.busy}>
        {t('sites.rename.save')}
      </button>
      <ErrorNotice error={action.error} />
    </form>
  );
}

function DeleteSite({ site, sites }: { site: Site; sites: Site[] }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const [asking, setAsking] = useState(false);
  const others = sites.filter((s) => s.id !== site.id);
  const [moveTo, setMoveTo] = useState('');
  const action = useAction();
  const select = useRef<HTMLSelectElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) (select.current ?? confirm.current)?.focus();
  }, [asking]);
  const holds = site.stationCount > 0;

  async function remove(event: FormEvent) {
    event.preventDefault();
    if (action.busy || (holds && moveTo === '')) return;
    const done = await action.run(() =>
      api.call('sites.delete', { id: site.id, ...(holds ? { moveTo: Number(moveTo) } : {}) }),
    );
    if (done) navigate('sites');
  }

  if (!asking) {
    return (
      <div className="toolbar">
        <button type="button" className="secondary" onClick={() => setAsking(true)} data-testid="site-delete">
          {t('sites.delete', { site: site.name })}
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={remove} data-testid="site-delete-form">
      <fieldset className="confirm">
        <legend>
          {holds
            ? t('sites.delete.askMove', { site: site.name, count: site.stationCount })
            : t('sites.delete.ask', { site: site.name })}
        </legend>
        {holds &&
          (others.length === 0 ? (
            <p className="hint">{t('sites.delete.noOther')}</p>
          ) : (
            <div className="field">
              <label htmlFor={`${id}-to`}>{t('sites.delete.moveTo')}</label>
              <select
                ref={select}
                id={`${id}-to`}
                value={moveTo}
                onChange={(e) => setMoveTo(e.target.value)}
                data-testid="site-delete-move-to"
              >
                <option value="">{t('sites.delete.choose')}</option>
                {others.map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          ))}
        <div className="toolbar">
          <button
            ref={confirm}
            type="submit"
            className="danger"
            aria-disabled={action.busy || (holds && moveTo === '')}
            data-testid="site-delete-confirm"
          >
            {holds ? t('sites.delete.confirmMove') : t('sites.delete.confirm')}
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            {t('cards.edit.cancel')}
          </button>
        </div>
      </fieldset>
      <ErrorNotice error={action.error} />
    </form>
  );
}

export function SiteDetail({ name }: { name: string }) {
  const { t } = useI18n();
  const id = useId();
  const sites = useQuery('sites.list', {}, ['site', 'station']);
  const site =
    sites.data?.find((s) => s.name === name) ??
    sites.data?.find((s) => s.name.toLowerCase() === name.toLowerCase());
  const siteId = site?.id ?? 0;
  const lists = useQuery('stations.localLists', { siteId }, ['station', 'group', 'card', 'site']);
  const templates = useQuery('templates.list', { siteId }, ['template', 'site']);
  const groups = useQuery('groups.list', {}, ['group', 'card']);

  if (sites.data && !site) {
    return (
      <section data-testid="site-missing">
        <p className="notice">{t('sites.missing', { site: name })}</p>
        <a href={href('sites')}>{t('sites.back')}</a>
      </section>
    );
  }
  if (!site) return <ErrorNotice error={sites.error} />;
  const onBoxes = new Set((lists.data ?? []).flatMap((l) => l.groupIds));
  const siteGroups = (groups.data ?? []).filter((g) => onBoxes.has(g.id));

  return (
    <article aria-labelledby={`${id}-title`} data-testid="site-detail">
      <p>
        <a href={href('sites')}>{t('sites.back')}</a>
      </p>
      <h3 id={`${id}-title`} data-testid="site-title">
        {t('sites.site', { site: site.name })}
      </h3>
      {site.address && <p>{site.address}</p>}
      <ErrorNotice error={lists.error ?? templates.error ?? groups.error} />
      <SiteBoxes site={site} lists={lists.data ?? []} groups={groups.data ?? []} />
      <SiteReport site={site} />
      <section aria-labelledby={`${id}-templates`}>
        <h3 id={`${id}-templates`}>{t('sites.templates')}</h3>
        {templates.data?.length === 0 ? (
          <p className="hint">{t('sites.templates.none')}</p>
        ) : (
          <ul data-testid="site-templates">
            {templates.data?.map((tpl) => (
              <li key={tpl.id}>{t('run.ui.start.option', { name: tpl.name, url: tpl.template.csms.url })}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby={`${id}-groups`}>
        <h3 id={`${id}-groups`}>{t('sites.groups')}</h3>
        {siteGroups.length === 0 ? (
          <p className="hint">{t('sites.groups.none')}</p>
        ) : (
          <ul data-testid="site-groups">
            {siteGroups.map((g) => (
              <li key={g.id}>{t('template.group.option', { name: g.name, cards: g.cardCount })}</li>
            ))}
          </ul>
        )}
      </section>
      {lists.data && lists.data.length > 0 && (
        <SiteLists entry={{ key: `site-${site.id}`, site, boxes: lists.data }} />
      )}
      <section aria-labelledby={`${id}-manage`}>
        <h3 id={`${id}-manage`}>{t('sites.manage')}</h3>
        <RenameSite key={site.name} site={site} />
        <DeleteSite site={site} sites={sites.data ?? []} />
      </section>
    </article>
  );
}
