// One company CSMS on the Sync page: what waits for it and why (in words), what must be done by hand, the
// connection test step by step, and "send now". Every button works from the keyboard; results are announced.
import { useRef } from 'react';
import type { ConnectionCheck } from '../../../main/csms/connector.ts';
import type { SyncJob } from '../../../main/csms/outbox.ts';
import type { ConnectorStatus } from '../../../main/csms/sync-service.ts';
import type { SyncRunSummary } from '../../../main/csms/worker.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { jobErrorText } from '../../components/job-error.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConflictList } from './ConflictList.tsx';
import { DryRunView } from './DryRunView.tsx';

export function ConnectorPanel(props: {
  status: ConnectorStatus;
  checks: ConnectionCheck[] | undefined;
  sent: SyncRunSummary | undefined;
  onChecks(checks: ConnectionCheck[]): void;
  onSent(summary: SyncRunSummary): void;
  /** A conflict was decided: the counts and the list of what is not done change. */
  onResolved(): void;
}) {
  const { t, describe } = useI18n();
  const api = useConnection();
  const { busy, error, run } = useAction();
  const { connector, counts, open } = props.status;
  // After a conflict is decided the next step is usually "Send now": the focus waits there.
  const sendButton = useRef<HTMLButtonElement>(null);
  const resolved = () => {
    props.onResolved();
    sendButton.current?.focus();
  };
  const name = connector.name;
  const reason = (job: SyncJob) => jobErrorText(describe, job.lastError);
  const test = () => run(async () => props.onChecks(await api.call('sync.test', { connector: name })));
  const send = () => run(async () => props.onSent(await api.call('sync.run', { connector: name })));
  return (
    <section className="sync-connector" aria-labelledby={`sync-${connector.id}`} data-testid={`sync-${name}`}>
      <h3 id={`sync-${connector.id}`}>{t('sync.page.connector', { name, kind: connector.kind })}</h3>
      <output aria-live="polite" data-testid="sync-counts">
        {t('sync.page.counts', {
          pending: counts.pending,
          done: counts.done,
          failed: counts.failed,
          conflict: counts.conflict,
          manual: counts.manual,
        })}
      </output>
      <div className="actions">
        <button type="button" data-testid={`sync-test-${name}`} onClick={() => void test()} disabled={busy}>
          {t('sync.page.test')}
        </button>
        <button
          type="button"
          ref={sendButton}
          data-testid={`sync-send-${name}`}
          onClick={() => void send()}
          disabled={busy}
        >
          {t('sync.page.send')}
        </button>
      </div>
      <ErrorNotice error={error} />
      {/* A dry run's answer is dropped as soon as the outbox changes: it would no longer be true. */}
      <DryRunView key={JSON.stringify(counts)} connector={name} />
      {counts.conflict > 0 && <ConflictList connector={name} onResolved={resolved} />}
      {props.checks && (
        <ol className="sync-checks" data-testid="sync-checks">
          {props.checks.map((c) => (
            <li key={c.step} data-ok={c.ok ? 'yes' : 'no'}>
              {t(c.ok ? 'sync.page.check.ok' : 'sync.page.check.failed', {
                step: t(`sync.step.${c.step}`),
                detail: c.detail,
              })}
            </li>
          ))}
        </ol>
      )}
      {props.sent && (
        <p aria-live="polite" data-testid="sync-sent">
          {t('sync.page.sent', {
            delivered: props.sent.delivered,
            pending: props.sent.pending,
            failed: props.sent.failed,
            conflicts: props.sent.conflicts,
          })}
        </p>
      )}
      {open.length > 0 && (
        <table data-testid="sync-open">
          <caption>{t('sync.page.open')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sync.page.col.what')}</th>
              <th scope="col">{t('sync.page.col.key')}</th>
              <th scope="col">{t('sync.page.col.state')}</th>
              <th scope="col">{t('sync.page.col.why')}</th>
            </tr>
          </thead>
          <tbody>
            {open.map((job) => (
              <tr key={job.id} data-state={job.state}>
                <td>{t(`sync.kind.${job.kind}`)}</td>
                <td>
                  <code>{job.key}</code>
                </td>
                <td>{t(`sync.state.${job.state}`)}</td>
                <td>
                  {job.state === 'manual'
                    ? (job.manualSteps ?? []).map((step) => t(step.messageKey, step.params)).join(' ')
                    : reason(job)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
