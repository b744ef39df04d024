// Every site with the number of boxes it holds, each a link to its own page, and the form to add one.
import type { Site } from '../../../main/api/types.ts';
import { useConnection, useQuery } from '../../api/hooks.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { NameForm } from '../../components/NameForm.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../routing/route.ts';

export function SitesList() {
  const { t } = useI18n();
  const api = useConnection();
  const sites = useQuery('sites.list', {}, ['site', 'station']);
  const form = (
    <NameForm
      labelKey="commission.site.name"
      submitKey="commission.site.add"
      onSubmit={(name) => api.call('sites.create', { name })}
      testId="sites-add"
    />
  );
  return (
    <section aria-labelledby="sites-list-heading">
      <h3 id="sites-list-heading">{t('sites.title')}</h3>
      <p className="hint">{t('sites.hint')}</p>
      <ErrorNotice error={sites.error} />
      {sites.data?.length === 0 ? (
        <EmptyState titleKey="sites.empty.title" bodyKey="sites.empty.body" />
      ) : (
        <SitesTable sites={sites.data ?? []} testId="sites-list" />
      )}
      {form}
    </section>
  );
}

/** The sites with their number of boxes, each name a link to the site's page. */
export function SitesTable(props: { sites: Site[]; testId: string }) {
  const { t } = useI18n();
  return (
    <table data-testid={props.testId}>
      <caption className="visually-hidden">{t('sites.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('commission.site.name')}</th>
          <th scope="col">{t('commission.site.boxes')}</th>
        </tr>
      </thead>
      <tbody>
        {props.sites.map((site) => (
          <tr key={site.id}>
            <th scope="row">
              <a href={href('sites', site.name)} data-testid={`site-link-${site.name}`}>
                {site.name}
              </a>
            </th>
            <td>{site.stationCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
