// A fleet's plans as one: per OCPP version the changes every box gets ("3 boxes: HeartbeatInterval
// 60 → 300"), each box's exceptions, the boxes still planning or blocked, and one Approve for all of them,
// or a plain statement that the fleet runs without approval.
import { useEffect, useState } from 'react';
import type { FleetChange, FleetPlan } from '../../../main/commissioning/fleet-plan.ts';
import type { RunSummary } from '../../../main/commissioning/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { FleetApproveButton } from './FleetApproveButton.tsx';
import { fromText } from './PlanDiff.tsx';

function Change({ change }: { change: FleetChange }) {
  const { t } = useI18n();
  const from = fromText(t, change);
  const to = change.secret ? t('run.ui.plan.generated') : change.to;
  return (
    <>
      <code>{change.key}</code> {t('fleet.plan.change', { from, to })}
    </>
  );
}

export function FleetPlanView({ fleetId, runs }: { fleetId: string; runs: RunSummary[] }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [plan, setPlan] = useState<FleetPlan>();
  // Asked again whenever a box's run moves: a plan appears, a box waits, the approval went through.
  const moved = runs.map((r) => `${r.id}:${r.status}:${r.step}`).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `moved` is the trigger to ask again.
  useEffect(() => {
    let live = true;
    api.call('commissioning.fleetPlan', { fleetId }).then(
      (p) => live && setPlan(p),
      (e: unknown) => live && action.fail(e),
    );
    return () => {
      live = false;
    };
  }, [api, fleetId, moved, action.fail]);
  if (!plan) return <ErrorNotice error={action.error} />;
  return (
    <section className="fleet-plan" aria-labelledby="fleet-plan-heading" data-testid="fleet-plan">
      <h4 id="fleet-plan-heading">{t('fleet.plan.title')}</h4>
      <p className="notice" data-testid="fleet-plan-approval" data-approval={plan.approval}>
        {plan.approval === 'auto'
          ? t('fleet.plan.auto')
          : plan.awaiting.length === 0 && plan.planning.length === 0
            ? t('fleet.plan.noneWaiting')
            : t('fleet.plan.manual', { count: plan.awaiting.length })}
      </p>
      {plan.planning.length > 0 && (
        <p data-testid="fleet-plan-planning">
          {t('fleet.plan.planning', { boxes: plan.planning.join(', ') })}
        </p>
      )}
      {plan.blocked.length > 0 && (
        <p className="outcome bad" data-testid="fleet-plan-blocked">
          {t('fleet.plan.blocked', { boxes: plan.blocked.map((b) => b.identity).join(', ') })}
        </p>
      )}
      {plan.versions.map((version) => (
        <div key={version.ocppVersion} data-testid={`fleet-plan-${version.ocppVersion}`}>
          <h5>
            {t(version.boxes.length === 1 ? 'fleet.plan.version.one' : 'fleet.plan.version', {
              version: version.ocppVersion,
              count: version.boxes.length,
            })}
          </h5>
          <ul>
            {version.common.map((change) => (
              <li key={`${change.key}:${change.to}`} data-testid="fleet-plan-common" data-key={change.key}>
                {change.boxes.length === 1
                  ? t('fleet.plan.box')
                  : t('fleet.plan.boxes', { count: change.boxes.length })}{' '}
                <Change change={change} />
              </li>
            ))}
          </ul>
          {version.exceptions.length > 0 && (
            <>
              <h6>{t('fleet.plan.exceptions')}</h6>
              <ul>
                {version.exceptions.map((e) => (
                  <li key={e.identity} data-testid={`fleet-plan-exception-${e.identity}`}>
                    <strong>{e.identity}:</strong>{' '}
                    {e.writes.map((w, i) => (
                      <span key={`${w.key}:${w.to}`}>
                        {i > 0 && '; '}
                        <Change change={w} />
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ))}
      {plan.awaiting.length > 0 && (
        <div className="toolbar">
          <FleetApproveButton
            awaiting={plan.awaiting}
            busy={action.busy}
            disabled={plan.planning.length > 0}
            onApprove={(identities) =>
              void action.run(() =>
                api.call('commissioning.approveFleet', { fleetId, ...(identities ? { identities } : {}) }),
              )
            }
          />
        </div>
      )}
      <ErrorNotice error={action.error} />
    </section>
  );
}
