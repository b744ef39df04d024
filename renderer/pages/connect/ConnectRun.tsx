// After the box was identified: the OCPP identity it gets, a template from the same list as the
// Commission page, and an explicit "write to this box" agreement; only then the run starts, shown in the
// same run view as an OCPP run once the driver run has ended.
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { issuesFor } from '../../components/FieldIssues.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { RunView } from '../commission/RunView.tsx';
import type { DriverTarget } from './connect-target.ts';

export function ConnectRun({ target, suggested }: { target: DriverTarget; suggested: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const templates = useQuery('templates.list', {}, ['template']);
  const [templateId, setTemplateId] = useState('');
  const [identity, setIdentity] = useState(suggested);
  const [agreed, setAgreed] = useState(false);
  const [runId, setRunId] = useState<number>();
  const action = useAction();
  const first = templates.data?.[0];

  useEffect(() => {
    if (templateId === '' && first) setTemplateId(String(first.id));
  }, [first, templateId]);

  if (runId !== undefined) return <RunView id={runId} onRun={setRunId} onClose={() => setRunId(undefined)} />;

  const start = (event: FormEvent) => {
    event.preventDefault();
    const chosen = templates.data?.find((tpl) => String(tpl.id) === templateId);
    if (!chosen || !agreed) return;
    void action.run(async () => {
      const run = await api.call('drivers.commission', { ...target, identity, template: chosen.template });
      setRunId(run.id);
    });
  };

  return (
    <form className="start-panel" onSubmit={start} data-testid="connect-start">
      <h3>{t('connect.start.title')}</h3>
      <TextField
        label={t('connect.start.identity')}
        help={t('connect.start.identityHelp')}
        value={identity}
        onChange={setIdentity}
        issues={issuesFor(action.error, ['identity'])}
        testId="connect-identity"
      />
      {templates.data?.length === 0 ? (
        <p className="notice">{t('run.ui.start.noTemplate')}</p>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-template`}>{t('run.ui.start.template')}</label>
          <select
            id={`${id}-template`}
            value={templateId}
            onChange={(e) => setTemplateId(e.target.value)}
            data-testid="connect-template"
          >
            {templates.data?.map((tpl) => (
              <option key={tpl.id} value={String(tpl.id)}>
                {t('run.ui.start.option', { name: tpl.name, url: tpl.template.csms.url })}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field checkbox">
        <input
          id={`${id}-agree`}
          type="checkbox"
          checked={agreed}
          onChange={(e) => setAgreed(e.target.checked)}
          data-testid="connect-agree"
        />
        <label htmlFor={`${id}-agree`}>{t('connect.start.agree')}</label>
      </div>
      <div className="toolbar">
        <button
          type="submit"
          disabled={action.busy || !agreed || !templateId || !identity.trim()}
          data-testid="connect-run"
        >
          {t('connect.start')}
        </button>
      </div>
      {action.busy && (
        <output aria-live="polite" className="notice" data-testid="connect-running">
          {t('connect.start.running')}
        </output>
      )}
      <ErrorNotice error={action.error} />
    </form>
  );
}
