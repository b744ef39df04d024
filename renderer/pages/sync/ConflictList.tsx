// The cards a company CSMS holds differently from this tool, side by side field by field; the user keeps
// ours (the card is sent as it is here) or takes theirs (the card here changes). Nothing is overwritten
// silently. Uses sync.conflicts and sync.resolve, as `wbc sync conflicts|resolve` does.
import type { TokenJob } from '../../../main/csms/outbox.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { FieldTable } from './FieldTable.tsx';

export function ConflictList(props: { connector: string; onResolved(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const { busy, error, run } = useAction();
  const conflicts = useQuery('sync.conflicts', { connector: props.connector }, ['sync', 'card']);
  const jobs = conflicts.data ?? [];
  const decide = (job: TokenJob, choice: 'ours' | 'theirs') =>
    run(async () => {
      await api.call('sync.resolve', { jobId: job.id, choice });
      conflicts.reload();
      props.onResolved();
    });
  if (jobs.length === 0) return <ErrorNotice error={conflicts.error} />;
  return (
    <section className="sync-conflicts" data-testid={`sync-conflicts-${props.connector}`}>
      <h4>{t('sync.conflicts.title', { name: props.connector })}</h4>
      <ErrorNotice error={error ?? conflicts.error} />
      {jobs.map((job) => (
        <article key={job.id} data-testid={`sync-conflict-${job.key}`} aria-labelledby={`conflict-${job.id}`}>
          <h5 id={`conflict-${job.id}`}>{t('sync.conflicts.card', { uid: job.key })}</h5>
          <FieldTable ours={job.payload} theirs={job.theirs} csms={props.connector} />
          <div className="actions">
            <button
              type="button"
              data-testid={`sync-keep-ours-${job.key}`}
              disabled={busy}
              onClick={() => void decide(job, 'ours')}
            >
              {t('sync.conflicts.keepOurs', { name: props.connector })}
            </button>
            <button
              type="button"
              data-testid={`sync-take-theirs-${job.key}`}
              disabled={busy}
              onClick={() => void decide(job, 'theirs')}
            >
              {t('sync.conflicts.takeTheirs')}
            </button>
          </div>
        </article>
      ))}
    </section>
  );
}
