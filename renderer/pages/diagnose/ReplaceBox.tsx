// "Replace this box" on the Diagnose page's compare section: save its backup first, take the broken box from
// what the tool knows or from a backup file (a laptop that never knew it), pick the new box among the connected
// ones, start the swap as a run that waits for approval, and follow it in the run view.
import { useId, useState } from 'react';
import { BACKUP_FILE_MAX_BYTES } from '../../../main/commissioning/backup-file-limit.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { RunView } from '../commission/RunView.tsx';
import { BackupButton } from './BackupButton.tsx';

type Source = 'known' | 'file';

/** What the chosen file says it is, for the line under the picker; the core checks the whole file. */
function fileHead(text: string): { identity: string; exportedAt: string } | null {
  try {
    const head = JSON.parse(text) as { identity?: unknown; exportedAt?: unknown };
    return typeof head.identity === 'string' && typeof head.exportedAt === 'string'
      ? { identity: head.identity, exportedAt: head.exportedAt }
      : null;
  } catch {
    return null;
  }
}

export function ReplaceBox({ rows, identity }: { rows: BoxRow[]; identity: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const action = useAction();
  const [source, setSource] = useState<Source>('known');
  const [backup, setBackup] = useState<string | null>(null);
  const [tooLarge, setTooLarge] = useState<number | null>(null);
  const [newPassword, setNewPassword] = useState(false);
  // The company CSMS's CA (PEM) for a box at profile 2/3 whose certificate the tool does not know.
  const [caCertificate, setCaCertificate] = useState<string | null>(null);
  const head = backup === null ? null : fileHead(backup);
  const broken = source === 'file' ? head?.identity : identity;
  const candidates = rows.filter((r) => r.identity !== broken && r.state === 'connected' && r.admitted);
  const [picked, setPicked] = useState('');
  const [runId, setRunId] = useState<number | null>(null);
  const replacement =
    candidates.find((r) => r.identity === picked)?.identity ?? candidates[0]?.identity ?? '';

  const start = () =>
    void action.run(async () => {
      const from = source === 'file' ? { backup: backup ?? '' } : { from: identity };
      const run = await api.call('commissioning.swap', {
        ...from,
        to: replacement,
        approval: 'manual',
        newPassword,
        ...(caCertificate ? { caCertificate } : {}),
      });
      setRunId(run.id);
    });

  return (
    <div className="replace-box" data-testid="replace-box">
      <h4 id={`${id}-heading`}>
        {source === 'file' ? t('swap.ui.fileTitle') : t('swap.ui.title', { identity })}
      </h4>
      <p className="hint">{t('swap.ui.hint', { identity: broken ?? identity })}</p>
      <fieldset disabled={action.busy}>
        <legend>{t('swap.ui.source')}</legend>
        {(['known', 'file'] as Source[]).map((s) => (
          <div className="field checkbox" key={s}>
            <input
              type="radio"
              id={`${id}-source-${s}`}
              name={`${id}-source`}
              value={s}
              checked={source === s}
              onChange={() => setSource(s)}
              data-testid={`swap-source-${s}`}
            />
            <label htmlFor={`${id}-source-${s}`}>
              {s === 'known' ? t('swap.ui.sourceKnown', { identity }) : t('swap.ui.sourceFile')}
            </label>
          </div>
        ))}
      </fieldset>
      {source === 'known' ? (
        <div className="toolbar">
          <BackupButton identity={identity} />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('swap.ui.file')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              setBackup(null);
              // Larger than any backup: said here, not read into the page.
              setTooLarge(file && file.size > BACKUP_FILE_MAX_BYTES ? file.size : null);
              if (file && file.size <= BACKUP_FILE_MAX_BYTES) void file.text().then(setBackup);
            }}
            data-testid="swap-file"
          />
          {tooLarge !== null && (
            <p className="error-message" role="alert" data-testid="swap-file-too-large">
              {t('error.BACKUP_FILE_TOO_LARGE.message', { size: tooLarge, limit: BACKUP_FILE_MAX_BYTES })}
            </p>
          )}
          {head && (
            <p className="hint" data-testid="swap-file-loaded">
              {t('swap.ui.fileLoaded', { identity: head.identity, at: head.exportedAt })}
            </p>
          )}
        </div>
      )}
      <div className="field checkbox">
        <input
          type="checkbox"
          id={`${id}-new-password`}
          checked={newPassword}
          onChange={(e) => setNewPassword(e.target.checked)}
          data-testid="swap-new-password"
        />
        <label htmlFor={`${id}-new-password`}>{t('swap.ui.newPassword')}</label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-ca`}>{t('swap.ui.ca')}</label>
        <input
          id={`${id}-ca`}
          type="file"
          accept=".pem,.crt,.cer"
          onChange={(e) => {
            const file = e.target.files?.[0];
            setCaCertificate(null);
            // A CA certificate is a few kB: anything larger is not one (the core checks the PEM).
            if (file && file.size <= 20_000) void file.text().then(setCaCertificate);
          }}
          data-testid="swap-ca"
        />
      </div>
      {candidates.length === 0 ? (
        <p className="hint" data-testid="swap-no-candidates">
          {t('swap.ui.noCandidates')}
        </p>
      ) : (
        <div className="toolbar">
          <label htmlFor={`${id}-to`}>{t('swap.ui.replacement')}</label>
          <select id={`${id}-to`} value={replacement} onChange={(e) => setPicked(e.target.value)}>
            {candidates.map((r) => (
              <option key={r.identity} value={r.identity}>
                {r.model ? t('swap.ui.candidate', { identity: r.identity, model: r.model }) : r.identity}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="swap-start"
            disabled={action.busy || !replacement || (source === 'file' && backup === null)}
            onClick={start}
          >
            {t('swap.ui.start')}
          </button>
        </div>
      )}
      <ErrorNotice error={action.error} />
      {runId !== null && <RunView key={runId} id={runId} onRun={setRunId} onClose={() => setRunId(null)} />}
    </div>
  );
}
