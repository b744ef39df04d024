// After the box was identified: the OCPP identity it gets, a template from the same list as the
// Commission page, and an explicit "write to this box" agreement; only then the run starts, shown live in the
// same run view as an OCPP run (its steps as they happen, Cancel and Esc put back what was written).
import { type FormEvent, useId, useState } from 'react';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { issuesFor } from '../../components/FieldIssues.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { RunView } from '../commission/RunView.tsx';
import { TemplateChoice, useTemplateChoice } from '../commission/TemplateChoice.tsx';
import type { DriverTarget } from './connect-target.ts';

export function ConnectRun({ target, suggested }: { target: DriverTarget; suggested: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const choice = useTemplateChoice();
  const { templateId, chosen } = choice;
  const [identity, setIdentity] = useState(suggested);
  const [agreed, setAgreed] = useState(false);
  const [runId, setRunId] = useState<number>();
  const action = useAction();

  // Retry goes back to this form: a driver run is started again from here, never as an OCPP run.
  const back = () => setRunId(undefined);
  if (runId !== undefined) return <RunView id={runId} onRun={setRunId} onClose={back} onRetry={back} />;

  const start = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || !agreed) return;
    void action.run(async () => {
      const run = await api.call('drivers.start', { ...target, identity, template: chosen.template });
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
      <TemplateChoice choice={choice} testId="connect-template" />
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
