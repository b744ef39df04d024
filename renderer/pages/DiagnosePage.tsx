// Diagnose: pick a box the tool knows to see its trace, configuration and errors. With no box known
// yet, it tells support how to get one connected.
import { useQuery } from '../api/hooks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function DiagnosePage() {
  const { t } = useI18n();
  const stations = useQuery('stations.list', {}, ['station']);
  return (
    <div className="page">
      <ErrorNotice error={stations.error} />
      {stations.data?.length === 0 ? (
        <EmptyState titleKey="diagnose.empty.title" bodyKey="diagnose.empty.body" />
      ) : (
        <section aria-labelledby="diagnose-boxes">
          <h3 id="diagnose-boxes">{t('diagnose.boxes')}</h3>
          <ul>
            {stations.data?.map((s) => (
              <li key={s.id}>
                {s.identity} {s.ocppVersion ? `OCPP ${s.ocppVersion}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
