// The Files panel of the Diagnose page: a firmware update from a chosen file (signed fields optional) and
// a log fetch, each job with every status the box sent and an outcome that says no more than the box did,
// and the files the box uploaded, each downloadable.
import { type FormEvent, useId, useRef, useState } from 'react';
import { kindText, outcomeText, statusLine } from '../../../main/files/files-text.ts';
import type { FileJob } from '../../../main/files/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { saveBase64 } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { fileAsBase64, useFiles } from './use-files.ts';

function JobItem({ job, onCancel }: { job: FileJob; onCancel: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <li data-testid="files-job" data-state={job.state}>
      <strong>{kindText(t, job.kind)}</strong>{' '}
      <span className="hint">{job.startedAt.slice(0, 19).replace('T', ' ')}</span>
      {job.firmware && <span className="hint"> · {job.firmware.name}</span>}
      <p data-testid="files-job-outcome" className={job.state === 'failed' ? 'notice' : undefined}>
        {outcomeText(t, job)}
      </p>
      <ol className="files-steps" aria-label={t('files.jobs.steps')}>
        {job.statuses.map((s) => (
          <li key={`${s.at}-${s.status}-${s.by}`}>
            <span className="hint">{s.at.slice(11, 19)}</span> {statusLine(t, s)}
          </li>
        ))}
      </ol>
      {job.state === 'running' && (
        <button type="button" className="secondary" onClick={() => onCancel(job.id)}>
          {t('files.cancel')}
        </button>
      )}
    </li>
  );
}

export function FilesPanel({ identity, connected }: { identity: string; connected: boolean }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const { jobs, files, error } = useFiles(identity);
  const firmware = useAction();
  const logs = useAction();
  const other = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const [signature, setSignature] = useState('');
  const [certificate, setCertificate] = useState('');
  const [logType, setLogType] = useState<'diagnostics' | 'security'>('diagnostics');

  async function updateFirmware(event: FormEvent) {
    event.preventDefault();
    const chosen = fileInput.current?.files?.[0];
    if (!chosen || firmware.busy) return;
    await firmware.run(async () =>
      api.call('files.firmwareUpdate', {
        identity,
        name: chosen.name,
        base64: await fileAsBase64(chosen),
        ...(signature.trim() ? { signature: signature.trim() } : {}),
        ...(certificate.trim() ? { signingCertificate: certificate.trim() } : {}),
      }),
    );
  }

  async function fetchLog(event: FormEvent) {
    event.preventDefault();
    if (logs.busy) return;
    await logs.run(() => api.call('files.fetchLog', { identity, type: logType }));
  }

  async function download(fileId: number) {
    await other.run(async () => {
      const content = await api.call('files.read', { id: fileId });
      saveBase64(content.file.downloadName, 'application/octet-stream', content.base64);
    });
  }

  return (
    <section aria-labelledby={`${id}-title`} data-testid="files-panel" className="files-panel">
      <h3 id={`${id}-title`}>{t('files.title')}</h3>
      <p className="hint">{t('files.intro')}</p>
      {!connected && <p className="notice">{t('files.offline')}</p>}
      <form onSubmit={(e) => void updateFirmware(e)} aria-labelledby={`${id}-fw`}>
        <h4 id={`${id}-fw`}>{t('files.firmware.title')}</h4>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('files.firmware.file')}</label>
          <input id={`${id}-file`} ref={fileInput} type="file" data-testid="files-firmware-file" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sig`}>{t('files.firmware.signature')}</label>
          <input
            id={`${id}-sig`}
            value={signature}
            onChange={(e) => setSignature(e.target.value)}
            maxLength={800}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cert`}>{t('files.firmware.cert')}</label>
          <textarea
            id={`${id}-cert`}
            value={certificate}
            onChange={(e) => setCertificate(e.target.value)}
            rows={2}
            maxLength={5500}
          />
        </div>
        <div className="toolbar">
          <button type="submit" aria-disabled={firmware.busy} data-testid="files-firmware-start">
            {t('files.firmware.start')}
          </button>
        </div>
        <ErrorNotice error={firmware.error} />
      </form>
      <form onSubmit={(e) => void fetchLog(e)} aria-labelledby={`${id}-logs`}>
        <h4 id={`${id}-logs`}>{t('files.logs.title')}</h4>
        <div className="toolbar">
          <label htmlFor={`${id}-type`}>{t('files.logs.type')}</label>
          <select
            id={`${id}-type`}
            value={logType}
            onChange={(e) => setLogType(e.target.value === 'security' ? 'security' : 'diagnostics')}
          >
            <option value="diagnostics">{t('files.kind.diagnostics')}</option>
            <option value="security">{t('files.kind.security-log')}</option>
          </select>
          <button type="submit" aria-disabled={logs.busy} data-testid="files-log-start">
            {t('files.logs.start')}
          </button>
        </div>
        <ErrorNotice error={logs.error} />
      </form>
      <h4>{t('files.jobs.title')}</h4>
      {jobs.length === 0 ? (
        <p className="hint">{t('files.jobs.empty')}</p>
      ) : (
        <ul className="files-jobs" data-testid="files-jobs">
          {jobs.slice(0, 10).map((job) => (
            <JobItem
              key={job.id}
              job={job}
              onCancel={(jobId) => void other.run(() => api.call('files.cancel', { id: jobId }))}
            />
          ))}
        </ul>
      )}
      <h4>{t('files.list.title')}</h4>
      {files.length === 0 ? (
        <p className="hint">{t('files.list.empty')}</p>
      ) : (
        <ul className="files-list" data-testid="files-list">
          {files.map((f) => (
            <li key={f.id}>
              <span className="files-name">{f.boxName ?? f.downloadName}</span>{' '}
              <span className="hint">
                {kindText(t, f.kind)} · {t('files.bytes', { bytes: f.size })} ·{' '}
                {f.receivedAt.slice(0, 19).replace('T', ' ')}
              </span>{' '}
              <button
                type="button"
                className="secondary"
                data-testid="files-download"
                onClick={() => void download(f.id)}
              >
                {t('files.list.download')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={error ?? other.error} />
    </section>
  );
}
