// Commission: the sites (car parks, buildings) and the boxes on them. The first step for a new user
// is a site; boxes join it when they connect to the tool's local CSMS.
import { useConnection, useQuery } from '../api/hooks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NameForm } from '../components/NameForm.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function CommissionPage() {
  const { t } = useI18n();
  const api = useConnection();
  const sites = useQuery('sites.list', {}, ['site', 'station']);
  const stations = useQuery('stations.list', {}, ['station']);
  const addSite = (name: string) => api.call('sites.create', { name });

  return (
    <div className="page">
      <ErrorNotice error={sites.error ?? stations.error} />
      {sites.data?.length === 0 ? (
        <EmptyState titleKey="commission.empty.title" bodyKey="commission.empty.body">
          <NameForm
            labelKey="commission.site.name"
            submitKey="commission.site.add"
            onSubmit={addSite}
            testId="add-site"
          />
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="sites-heading">
            <h3 id="sites-heading">{t('commission.sites')}</h3>
            <table data-testid="sites-table">
              <thead>
                <tr>
                  <th scope="col">{t('commission.site.name')}</th>
                  <th scope="col">{t('commission.site.boxes')}</th>
                </tr>
              </thead>
              <tbody>
                {sites.data?.map((site) => (
                  <tr key={site.id}>
                    <td>{site.name}</td>
                    <td>{site.stationCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <NameForm
              labelKey="commission.site.name"
              submitKey="commission.site.add"
              onSubmit={addSite}
              testId="add-site"
            />
          </section>
          <section aria-labelledby="boxes-heading">
            <h3 id="boxes-heading">{t('commission.boxes')}</h3>
            {stations.data?.length === 0 ? (
              <p className="hint">{t('commission.boxes.empty')}</p>
            ) : (
              <ul>
                {stations.data?.map((s) => (
                  <li key={s.id}>
                    {s.identity} {s.vendor ?? ''} {s.model ?? ''}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
