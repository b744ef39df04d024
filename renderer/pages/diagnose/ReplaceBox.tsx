// "Replace this box" on the Diagnose page's compare section: save its backup first, pick the new box among the
// connected ones, start the swap as a run that waits for approval, and follow it in the run view.
import { useId, useState } from 'react';
import { useAction, useConnection } from '../../api/hooks.ts';
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { RunView } from '../commission/RunView.tsx';
import { BackupButton } from './BackupButton.tsx';

export function ReplaceBox({ rows, identity }: { rows: BoxRow[]; identity: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const action = useAction();
  const candidates = rows.filter((r) => r.identity !== identity && r.state === 'connected' && r.admitted);
  const [picked, setPicked] = useState('');
  const [runId, setRunId] = useState<number | null>(null);
  const replacement = picked || candidates[0]?.identity || '';

  const start = () =>
    void action.run(async () => {
      const run = await api.call('commissioning.swap', {
        from: identity,
        to: replacement,
        approval: 'manual',
      });
      setRunId(run.id);
    });

  return (
    <div className="replace-box" data-testid="replace-box">
      <h4 id={`${id}-heading`}>{t('swap.ui.title', { identity })}</h4>
      <p className="hint">{t('swap.ui.hint', { identity })}</p>
      <div className="toolbar">
        <BackupButton identity={identity} />
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
            disabled={action.busy || !replacement}
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
