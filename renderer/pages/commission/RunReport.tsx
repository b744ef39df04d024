// The printable record of a finished run: which box, what it was set to (secrets masked), what it
// answered, its cards, reset and verification, what a failed run put back, with times. Print hides
// everything but this.
import { useState } from 'react';
import { passwordOutcome, passwordOutcomeKey } from '../../../main/commissioning/password-outcome.ts';
import type { RunDetail } from '../../../main/commissioning/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { PlanDiff } from './PlanDiff.tsx';
import { PreflightList } from './PreflightList.tsx';
import { RegistrationList } from './RegistrationList.tsx';
import { RollbackList } from './RollbackList.tsx';
import { timeText } from './run-text.ts';

/** Saves the report file the core made (PDF or HTML, base64) under its own name. */
function save(file: { filename: string; mime: string; base64: string }) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The report as a file made by the core (the same as `wbc report`), in the language the app shows. */
function DownloadButtons({ runId }: { runId: number }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [saved, setSaved] = useState('');
  const get = (format: 'pdf' | 'html') =>
    action.run(async () => {
      setSaved('');
      const file = await api.call('report.run', { runId, format, language });
      save(file);
      setSaved(t('report.pdf.downloaded', { file: file.filename }));
    });
  return (
    <>
      <button
        type="button"
        onClick={() => get('pdf')}
        disabled={action.busy}
        data-testid="report-download-pdf"
      >
        {t('report.pdf.download')}
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => get('html')}
        disabled={action.busy}
        data-testid="report-download-html"
      >
        {t('report.pdf.downloadHtml')}
      </button>
      {saved && (
        <span role="status" data-testid="report-downloaded">
          {saved}
        </span>
      )}
      {action.error && <ErrorNotice error={action.error} />}
    </>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
}

export function RunReport({ run, onClose }: { run: RunDetail; onClose(): void }) {
  const { t, language } = useI18n();
  const { boot, cards, verify } = run.state;
  const none = t('report.none');
  const time = (iso: string | null | undefined) => timeText(language, iso) || none;
  const cardsText = !cards
    ? none
    : cards.skipped
      ? t('report.cards.skipped')
      : t('report.cards.pushed', {
          entries: cards.entries,
          version: cards.version,
          verified: t(cards.verified ? 'report.yes' : 'report.no'),
        });
  const verifyText = verify
    ? t(`report.verify.${verify.outcome}`, { seconds: verify.windowS, at: time(verify.at) })
    : none;
  return (
    <section className="report" aria-labelledby="report-heading" data-testid="run-report">
      <h3 id="report-heading">{t('report.title', { identity: run.identity })}</h3>
      <p data-testid="report-outcome" data-outcome={run.status}>
        {t(`report.outcome.${run.status}`)}
      </p>
      <h4>{t('report.box')}</h4>
      <dl>
        <Row label={t('report.identity')} value={run.identity} />
        <Row label={t('report.vendor')} value={boot?.vendor ?? none} testId="report-vendor" />
        <Row label={t('report.model')} value={boot?.model ?? none} testId="report-model" />
        <Row label={t('report.serial')} value={boot?.serialNumber ?? none} />
        <Row label={t('report.firmware')} value={boot?.firmwareVersion ?? none} />
        <Row label={t('report.ocppVersion')} value={run.state.ocppVersion ?? none} />
      </dl>
      <h4>{t('report.target')}</h4>
      <dl>
        <Row label={t('report.template')} value={run.templateName} />
        <Row label={t('report.csmsUrl')} value={run.template.csms.url} />
        <Row label={t('report.securityProfile')} value={String(run.template.csms.securityProfile)} />
        {passwordOutcome(run.state) !== 'none' && (
          <Row
            label={t('runs.report.password')}
            value={t(passwordOutcomeKey[passwordOutcome(run.state)])}
            testId="report-password"
          />
        )}
      </dl>
      <h4>{t('report.writes')}</h4>
      {run.state.plan ? <PlanDiff plan={run.state.plan} results={run.state.results} /> : <p>{none}</p>}
      <h4>{t('report.after')}</h4>
      <dl>
        <Row label={t('report.cards')} value={cardsText} />
        <Row label={t('report.reset')} value={run.state.reset ?? none} />
        <Row label={t('report.verify')} value={verifyText} testId="report-verify" />
        <Row label={t('report.reconnects')} value={String(run.state.reconnects)} />
      </dl>
      {run.state.rollback && <RollbackList rollback={run.state.rollback} />}
      {run.state.registration && <RegistrationList registration={run.state.registration} />}
      {run.state.preflight && run.state.preflight.length > 0 && <PreflightList lines={run.state.preflight} />}
      <h4>{t('report.times')}</h4>
      <dl>
        <Row label={t('report.started')} value={time(run.createdAt)} />
        {run.state.steps.map((s) => (
          <Row
            key={s.step}
            label={t(`run.step.${s.step}`)}
            value={t('report.step.time', {
              status: t(`run.ui.step.${s.status}`),
              at: time(s.finishedAt ?? s.startedAt),
            })}
          />
        ))}
        <Row label={t('report.updated')} value={time(run.updatedAt)} />
      </dl>
      <div className="toolbar no-print">
        <button type="button" onClick={() => window.print()} data-testid="print">
          {t('report.print')}
        </button>
        <DownloadButtons runId={run.id} />
        <button type="button" className="secondary" onClick={onClose}>
          {t('report.back')}
        </button>
      </div>
    </section>
  );
}
