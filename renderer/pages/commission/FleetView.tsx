// A car park commissioned at once: one row per box (step, state, error), a summary line, Cancel all
// and Retry failed, and once no box moves the combined result with the fleet's report. Rows change from the events' summaries; a run's detail is fetched only when opened.
import { memo } from 'react';
import type { RunSummary } from '../../../main/commissioning/types.ts';
import { useFleet } from '../../api/commissioning-hooks.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SyncBadge } from '../../components/SyncBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { RowCountdown } from './Countdown.tsx';
import { FleetPlanView } from './FleetPlanView.tsx';
import { FleetResultView } from './FleetResultView.tsx';
import { wireError } from './run-text.ts';

const FleetRow = memo(function FleetRow({ run, onOpen }: { run: RunSummary; onOpen(id: number): void }) {
  const { t, describe } = useI18n();
  return (
    <tr data-testid={`fleet-${run.identity}`} data-status={run.status}>
      <th scope="row">
        <button
          type="button"
          className="link"
          onClick={() => onOpen(run.id)}
          aria-label={t('fleet.open.label', { identity: run.identity })}
        >
          {run.identity}
        </button>
        <SyncBadge station={run.identity} />
      </th>
      <td>{t(`run.step.${run.step}`)}</td>
      <td className={`status-${run.status}`}>
        {t(`run.status.${run.status}`)}
        <RowCountdown watch={run.watch} />
      </td>
      <td>{run.error ? describe(wireError(run.error, t)).message : ''}</td>
    </tr>
  );
});

export function FleetView(props: {
  fleetId: string;
  initial: RunSummary[];
  onOpen(id: number): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const { runs, error } = useFleet(props.fleetId, props.initial);
  const action = useAction();
  const count = (...statuses: RunSummary['status'][]) =>
    runs.filter((r) => statuses.includes(r.status)).length;
  const failed = count('failed', 'cancelled');
  const active = count('running', 'waiting-for-box', 'awaiting-approval');

  return (
    <section aria-labelledby="fleet-heading" className="fleet" data-testid="fleet-view">
      <h3 id="fleet-heading">{t('fleet.title', { count: runs.length })}</h3>
      <output aria-live="polite" className="fleet-summary" data-testid="fleet-summary">
        {t('fleet.summary', {
          confirmed: count('confirmed'),
          left: count('left-not-confirmed'),
          failed,
          active,
          total: runs.length,
        })}
      </output>
      <div className="toolbar">
        <button
          type="button"
          className="secondary"
          disabled={action.busy || active === 0}
          onClick={() =>
            void action.run(() => api.call('commissioning.cancelFleet', { fleetId: props.fleetId }))
          }
          data-testid="cancel-fleet"
        >
          {t('fleet.cancelAll')}
        </button>
        <button
          type="button"
          disabled={action.busy || failed === 0}
          onClick={() =>
            void action.run(() => api.call('commissioning.retryFailed', { fleetId: props.fleetId }))
          }
          data-testid="retry-failed"
        >
          {t('fleet.retryFailed', { count: failed })}
        </button>
        <button type="button" className="secondary" onClick={props.onClose}>
          {t('run.ui.close')}
        </button>
      </div>
      <ErrorNotice error={action.error ?? error} />
      <FleetResultView fleetId={props.fleetId} runs={runs} />
      <FleetPlanView fleetId={props.fleetId} runs={runs} />
      <div className="table-scroll">
        <table data-testid="fleet-table">
          <caption className="visually-hidden">{t('fleet.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fleet.identity')}</th>
              <th scope="col">{t('fleet.step')}</th>
              <th scope="col">{t('fleet.status')}</th>
              <th scope="col">{t('fleet.error')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <FleetRow key={run.identity} run={run} onOpen={props.onOpen} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
