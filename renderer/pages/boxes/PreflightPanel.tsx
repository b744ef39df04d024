// The box page's pre-flight panel: runs `preflight.run` for this box (optionally against another CSMS
// address) and lists each check with its outcome and, when it did not pass, the remedy.
import { useState } from 'react';
import type { PreflightReport } from '../../../main/diagnostics/preflight-types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function PreflightPanel({ identity, onDone }: { identity: string; onDone(): void }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [url, setUrl] = useState('');
  const [report, setReport] = useState<PreflightReport | null>(null);
  const check = () =>
    void action.run(async () => {
      const trimmed = url.trim();
      setReport(
        await api.call('preflight.run', { identity, language, ...(trimmed ? { url: trimmed } : {}) }),
      );
      onDone();
    });
  return (
    <section aria-labelledby="box-preflight-heading" data-testid="box-preflight">
      <h4 id="box-preflight-heading">{t('preflight.panel.title')}</h4>
      <div className="toolbar">
        <label>
          {t('preflight.panel.url')}{' '}
          <input
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            data-testid="preflight-url"
          />
        </label>
        <button type="button" onClick={check} disabled={action.busy} data-testid="preflight-run">
          {action.busy ? t('preflight.panel.running') : t('preflight.panel.run')}
        </button>
      </div>
      <ErrorNotice error={action.error} />
      {report && (
        <ul className="preflight-results" data-testid="preflight-results">
          {report.results.map((r) => (
            <li key={r.check} data-check={r.check} data-status={r.status}>
              <strong>
                {t(`preflight.status.${r.status}`)}: {r.name}
              </strong>{' '}
              {r.detail}
              {r.remedy && <div className="hint">{r.remedy}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
