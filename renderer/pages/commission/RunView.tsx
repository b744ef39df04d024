// One box's commissioning run, live: the steps, the plan as a diff with Approve, the box's answers,
// waiting for the box explained, a countdown while the box is watched after its reset, and how it ended:
// confirmed, left but not confirmed, or failed (the error with its remedy, what was put back, Retry),
// and the pre-flight checks that ran by themselves after the reset.
import { useEffect, useRef, useState } from 'react';
import { putBackOffered } from '../../../main/commissioning/put-back-offer.ts';
import type { RunDetail, RunSummary } from '../../../main/commissioning/types.ts';
import { useRun } from '../../api/commissioning-hooks.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ApproveButton } from './ApproveButton.tsx';
import { useSecondsLeft } from './Countdown.tsx';
import { PlanDiff } from './PlanDiff.tsx';
import { PreflightList } from './PreflightList.tsx';
import { RegistrationList } from './RegistrationList.tsx';
import { RollbackList } from './RollbackList.tsx';
import { RunReport } from './RunReport.tsx';
import { wireError } from './run-text.ts';
import { StepList } from './StepList.tsx';

const ended = (run: RunDetail) =>
  ['confirmed', 'left-not-confirmed', 'failed', 'cancelled'].includes(run.status);

/** Seconds left of the verify window, ticking once a second while the box is watched. */
function Countdown({ run }: { run: RunDetail }) {
  const { t } = useI18n();
  const verify = run.state.verify;
  const watch =
    verify?.outcome === 'watching' && run.step === 'verify' && verify.deadline && !ended(run)
      ? { deadline: verify.deadline, windowS: verify.windowS }
      : null;
  const seconds = useSecondsLeft(watch);
  if (!watch || seconds === null) return null;
  return (
    <p className="notice" data-testid="countdown" data-deadline={watch.deadline}>
      {t('run.ui.countdown', { seconds, window: watch.windowS })}
    </p>
  );
}

function Outcome({ run }: { run: RunDetail }) {
  const { t } = useI18n();
  if (run.status === 'confirmed')
    return (
      <p className="outcome ok" data-testid="outcome" data-outcome="confirmed">
        {t('run.ui.outcome.confirmed', {
          identity: run.identity,
          by: run.state.verify?.confirmedBy ?? '?',
        })}
      </p>
    );
  if (run.status === 'left-not-confirmed')
    return (
      <div className="outcome warn" data-testid="outcome" data-outcome="left-not-confirmed">
        <p>{t('run.ui.outcome.left-not-confirmed', { identity: run.identity })}</p>
        <p>{t('run.ui.outcome.leftCheck')}</p>
      </div>
    );
  if (run.status === 'cancelled')
    return (
      <div data-testid="outcome" data-outcome="cancelled">
        <p className="outcome">{t('run.ui.outcome.cancelled')}</p>
        {run.state.rollback && <RollbackList rollback={run.state.rollback} />}
      </div>
    );
  if (run.status !== 'failed') return null;
  return (
    <div data-testid="outcome" data-outcome="failed">
      <p className="outcome bad">{t('run.ui.outcome.failed')}</p>
      {run.error && <ErrorNotice error={wireError(run.error, t)} />}
      {run.state.rollback && <RollbackList rollback={run.state.rollback} />}
      {run.state.registration && <RegistrationList registration={run.state.registration} />}
    </div>
  );
}

export function RunView({
  id,
  onRun,
  onClose,
  onRetry,
}: {
  id: number;
  onRun(id: number): void;
  /** Close, with the run shown: a page that opened it by address sends it back to its fleet, if any. */
  onClose(run: RunSummary): void;
  /** Instead of commissioning.retry (a driver run is retried from its own form). */
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const { run, error } = useRun(id);
  const action = useAction();
  const [report, setReport] = useState(false);
  const [putBack, setPutBack] = useState(false);
  const [cancelAsked, setCancelAsked] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);
  // Esc cancels a run that still moves, as the Cancel button does (the run puts back what it wrote).
  const moving = run !== undefined && !ended(run);
  const runId = run?.id;
  useEffect(() => {
    if (!moving || runId === undefined) return;
    const onKey = (event: KeyboardEvent) => {
      const typing = (event.target as Element | null)?.closest?.('input, textarea, select, dialog');
      if (event.key !== 'Escape' || event.defaultPrevented || typing) return;
      event.preventDefault();
      setCancelAsked(true);
      void api.call('commissioning.cancel', { id: runId }).catch(() => undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, moving, runId]);

  if (!run) return <ErrorNotice error={error} />;
  if (report) return <RunReport run={run} onClose={() => setReport(false)} />;
  const call = (method: 'commissioning.approve' | 'commissioning.cancel') => {
    if (method === 'commissioning.cancel') setCancelAsked(true);
    void action.run(() => api.call(method, { id: run.id }));
  };
  const putBackNow = () =>
    void action.run(async () => {
      await api.call('commissioning.putBack', { id: run.id });
      setPutBack(true);
    });
  const retry =
    onRetry ??
    (() => void action.run(async () => onRun((await api.call('commissioning.retry', { id: run.id })).id)));

  return (
    <section aria-labelledby="run-heading" className="run" data-testid="run-view" data-status={run.status}>
      <h3 id="run-heading" ref={heading} tabIndex={-1}>
        {t('run.ui.title', { identity: run.identity, template: run.templateName })}
      </h3>
      <output aria-live="polite" className={`run-status status-${run.status}`} data-testid="run-status">
        {t('run.ui.status', { status: t(`run.status.${run.status}`), step: t(`run.step.${run.step}`) })}
      </output>
      {run.status === 'waiting-for-box' && (
        <p className="notice" data-testid="waiting-help">
          {t('run.ui.waiting.help', { identity: run.identity })}
        </p>
      )}
      {run.state.steps.length > 0 && <StepList steps={run.state.steps} />}
      {cancelAsked && !ended(run) && (
        <output className="notice" data-testid="cancel-pending">
          {t('run.cancelPending')}
        </output>
      )}
      <Countdown run={run} />
      {run.status === 'awaiting-approval' && <p className="notice">{t('run.ui.approve.help')}</p>}
      {run.state.plan && (
        <>
          <h4>{t('run.ui.plan.title')}</h4>
          <PlanDiff plan={run.state.plan} results={run.state.results} />
        </>
      )}
      <Outcome run={run} />
      {putBackOffered(run) && (
        <p className="notice" data-testid="put-back-help">
          {t('run.putBack.help')}
        </p>
      )}
      {putBack && run.state.rollback && (
        <output className="notice" data-testid="put-back-done">
          {t('run.putBack.done')}
        </output>
      )}
      {/* A failed run shows it with what was put back (Outcome); any other from the reset on. */}
      {run.status !== 'failed' && run.state.registration && (
        <RegistrationList registration={run.state.registration} />
      )}
      {ended(run) && run.state.preflight && run.state.preflight.length > 0 && (
        <PreflightList lines={run.state.preflight} />
      )}
      <div className="toolbar">
        {run.status === 'awaiting-approval' && (
          <ApproveButton
            identity={run.identity}
            busy={action.busy}
            onApprove={() => call('commissioning.approve')}
          />
        )}
        {!ended(run) && (
          <button
            type="button"
            className="secondary"
            onClick={() => call('commissioning.cancel')}
            disabled={action.busy}
            aria-keyshortcuts="Escape"
            data-testid="cancel-run"
          >
            {t('run.ui.cancel')}
          </button>
        )}
        {putBackOffered(run) && (
          <button type="button" onClick={putBackNow} disabled={action.busy} data-testid="put-back">
            {t('run.putBack')}
          </button>
        )}
        {(run.status === 'failed' || run.status === 'cancelled') && (
          <button type="button" onClick={retry} disabled={action.busy} data-testid="retry">
            {t('run.ui.retry')}
          </button>
        )}
        {ended(run) && run.status !== 'cancelled' && (
          <button
            type="button"
            className="secondary"
            onClick={() => setReport(true)}
            data-testid="open-report"
          >
            {t('run.ui.report')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => onClose(run)} data-testid="close-run">
          {t('run.ui.close')}
        </button>
      </div>
      <ErrorNotice error={action.error ?? error} />
    </section>
  );
}
