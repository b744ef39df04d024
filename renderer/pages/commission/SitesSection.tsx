// The sites (car parks, buildings) on the Commission page: the first-start empty state with its
// one next step, or the table of sites and the form to add one more.
import { useConnection, useQuery } from '../../api/hooks.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { NameForm } from '../../components/NameForm.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { SitesTable } from '../sites/SitesList.tsx';

export function SitesSection() {
  const { t } = useI18n();
  const api = useConnection();
  const sites = useQuery('sites.list', {}, ['site', 'station']);
  const addSite = (name: string) => api.call('sites.create', { name });
  const form = (
    <NameForm
      labelKey="commission.site.name"
      submitKey="commission.site.add"
      onSubmit={addSite}
      testId="add-site"
    />
  );

  if (sites.data?.length === 0) {
    return (
      <>
        <ErrorNotice error={sites.error} />
        <EmptyState titleKey="commission.empty.title" bodyKey="commission.empty.body">
          {form}
        </EmptyState>
      </>
    );
  }
  return (
    <section aria-labelledby="sites-heading">
      <h3 id="sites-heading">{t('commission.sites')}</h3>
      <ErrorNotice error={sites.error} />
      <SitesTable sites={sites.data ?? []} testId="sites-table" />
      {form}
    </section>
  );
}
